"""audits.remediation: every pair of action states, due dates, and the fee-repayment rule."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from audits.remediation import (
    ACTION_STATES,
    DUE_DAYS,
    IllegalMove,
    ReasonRequired,
    allowed_moves,
    default_due,
    fees_repaid,
    is_return,
    move,
)

X = IllegalMove  # refused
OK = "allowed"
R = "return"     # allowed with a reason, refused without one
# from \ to:      open  in_progress  submitted  verified
TABLE = {
    "open":        (X,  OK,          X,         X),
    "in_progress": (X,  X,           OK,        X),
    "submitted":   (X,  R,           X,         OK),
    "verified":    (X,  X,           X,         X),
}
CASES = [(current, to, row[i]) for current, row in TABLE.items()
         for i, to in enumerate(ACTION_STATES)]


def test_the_table_covers_every_pair():
    assert tuple(TABLE) == ACTION_STATES and len(CASES) == 16


@pytest.mark.parametrize(("current", "to", "expected"), CASES)
def test_every_pair_of_states(current, to, expected):
    if expected is X:
        with pytest.raises(IllegalMove) as caught:
            move(current, to, reason="a reason does not make an illegal move legal")
        assert f"Cannot move from {current} to {to}." in str(caught.value)
        assert to not in allowed_moves(current)
    else:
        assert move(current, to, reason="the payslips do not show the refund") == to
        assert to in allowed_moves(current)
    assert is_return(current, to) is (expected == R)
    if expected == R:
        for reason in (None, "", "   \n"):
            with pytest.raises(ReasonRequired, match="needs a reason"):
                move(current, to, reason=reason)
    elif expected == OK:
        assert move(current, to) == to  # a forward move needs no reason


@pytest.mark.parametrize(("current", "moves"), [
    ("open", ("in_progress",)),
    ("in_progress", ("submitted",)),
    ("submitted", ("in_progress", "verified")),
    ("verified", ()),
])
def test_allowed_moves(current, moves):
    assert allowed_moves(current) == moves


@pytest.mark.parametrize(("current", "to", "message"), [
    ("open", "verified", "Cannot move from open to verified. An open action can move to: "
                         "in_progress."),
    ("open", "open", "An open action can move to: in_progress."),
    ("in_progress", "verified", "An in_progress action can move to: submitted."),
    ("submitted", "open", "A submitted action can move to: in_progress, verified."),
    ("verified", "in_progress", "A verified action is final: it cannot move."),
])
def test_refusals_name_the_allowed_moves(current, to, message):
    with pytest.raises(IllegalMove) as caught:
        move(current, to)
    assert message in str(caught.value)


@pytest.mark.parametrize(("current", "to"), [("closed", "open"), ("open", "closed"),
                                             ("open", None), ("", "open"), ("OPEN", "in_progress")])
def test_unknown_states_are_value_errors_not_illegal_moves(current, to):
    with pytest.raises(ValueError, match="the states are open, in_progress, submitted, "
                                         "verified") as caught:
        move(current, to)
    assert not isinstance(caught.value, IllegalMove)


def test_allowed_moves_of_an_unknown_state():
    with pytest.raises(ValueError, match="Unknown state"):
        allowed_moves("closed")


def test_exception_kinds():
    assert issubclass(IllegalMove, ValueError) and issubclass(ReasonRequired, ValueError)
    assert not issubclass(ReasonRequired, IllegalMove)  # a 422 on the note, not a 409


@pytest.mark.parametrize(("severity", "due"), [
    ("critical", date(2025, 1, 8)), ("high", date(2025, 1, 31)),
    ("medium", date(2025, 3, 2)), ("low", date(2025, 4, 1)),
])
def test_default_due(severity, due):
    assert default_due(severity, date(2025, 1, 1)) == due
    assert default_due(severity, datetime(2025, 1, 1, 23, 59)) == due  # a datetime: its date


def test_due_days_are_the_issues():
    assert DUE_DAYS == {"critical": 7, "high": 30, "medium": 60, "low": 90}


def test_default_due_crosses_a_leap_day():
    assert default_due("critical", date(2024, 2, 25)) == date(2024, 3, 3)


def test_default_due_of_an_unknown_severity():
    with pytest.raises(ValueError, match="critical, high, medium, low"):
        default_due("severe", date(2025, 1, 1))


# (required workers, [(workers, owed_minor, repaid_minor)], repaid?, words in the explanation)
FEES = [
    (40, [], False, "No recruitment-fee ledger entry is linked"),
    (None, [], False, "No recruitment-fee ledger entry is linked"),
    (40, [(40, 100_000, 100_000)], True, "All 40 affected workers have been repaid in full."),
    (40, [(40, 100_000, 150_000)], True, "All 40"),                 # over-repaid counts
    (40, [(40, 100_000, 99_999)], False, "0 of 40 affected workers have been repaid in full."),
    (40, [(12, 50_000, 50_000), (28, 90_000, 10_000)], False,
     "12 of 40 affected workers have been repaid in full."),
    (40, [(12, 50_000, 50_000), (28, 90_000, 90_000)], True, "All 40"),
    (40, [(30, 0, 0), (10, 5_000, 5_000)], True, "All 40"),         # owed nothing: nothing due
    (40, [(50, 10, 10)], True, "All 40"),                           # a bigger cohort covers
    (40, [(39, 10, 10), (1, 10, 0)], False, "39 of 40"),
    (1, [(1, 10, 10)], True, "The affected worker has been repaid in full."),
    (1_200, [(700, 10, 10), (600, 10, 10)], True, "All 1,200"),
    (1_200, [(700, 10, 10), (600, 10, 9)], False, "700 of 1,200"),
    # without a count of affected workers: every linked cohort, and at least one
    (None, [(5, 10, 10)], True, "Every linked cohort (1 cohort, 5 workers)"),
    (0, [(5, 10, 10), (3, 0, 0)], True, "(2 cohorts, 8 workers)"),
    (None, [(5, 10, 10), (3, 10, 0)], False,
     "1 of 2 linked cohorts has not been repaid in full (5 of 8 workers repaid)."),
    (None, [(5, 10, 1), (3, 10, 0)], False, "2 of 2 linked cohorts have not been repaid"),
    (None, [(0, 10, 0)], False, "1 of 1 linked cohort has not"),
]


@pytest.mark.parametrize(("required", "entries", "repaid", "words"), FEES)
def test_fees_repaid(required, entries, repaid, words):
    ok, explanation = fees_repaid(required, entries)
    assert ok is repaid
    assert words in explanation


def test_fees_repaid_reads_any_iterable_once():
    assert fees_repaid(2, iter([(2, 5, 5)]))[0] is True


@pytest.mark.parametrize("entry", [(-1, 10, 10), (1, -10, 0), (1, 10, -1)])
def test_fees_repaid_refuses_negative_entries(entry):
    with pytest.raises(ValueError, match="negative"):
        fees_repaid(1, [entry])
