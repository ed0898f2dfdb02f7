"""questionnaires.states: every (status, event) pair of the assignment state machine."""

from __future__ import annotations

import pytest

from questionnaires.states import EDITABLE, EVENTS, STATUSES, IllegalMove, next_status

X = IllegalMove  # refused
# status:        open           save           submit         return      accept
TABLE = {
    "sent":        ("opened",      "in_progress", "submitted",   X,          X),
    "opened":      ("opened",      "in_progress", "submitted",   X,          X),
    "in_progress": ("in_progress", "in_progress", "submitted",   X,          X),
    "submitted":   ("submitted",   X,             X,             "returned", "accepted"),
    "returned":    ("returned",    "in_progress", "submitted",   X,          X),
    "accepted":    ("accepted",    X,             X,             X,          X),
}
CASES = [(status, event, row[i]) for status, row in TABLE.items()
         for i, event in enumerate(EVENTS)]


def test_the_table_covers_every_pair():
    assert set(TABLE) == set(STATUSES) and len(CASES) == len(STATUSES) * len(EVENTS)


@pytest.mark.parametrize(("status", "event", "expected"), CASES)
def test_next_status(status, event, expected):
    if expected is X:
        with pytest.raises(IllegalMove):
            next_status(status, event)
    else:
        assert next_status(status, event) == expected


@pytest.mark.parametrize(("status", "event", "message"), [
    ("submitted", "save",
     "A submitted questionnaire cannot be edited until the company returns it"),
    ("submitted", "submit", "already been submitted"),
    ("accepted", "save", "accepted questionnaire is final"),
    ("accepted", "return", "accepted questionnaire is final"),
    ("accepted", "accept", "already been accepted"),
    ("in_progress", "return", "Only a submitted questionnaire can be returned; this one is in "
                              "progress"),
    ("sent", "accept", "Only a submitted questionnaire can be accepted; this one is sent"),
    ("draft", "save", "Unknown status 'draft'"),
    ("sent", "delete", "Unknown event 'delete'"),
])
def test_refusals_say_why(status, event, message):
    with pytest.raises(IllegalMove, match=message):
        next_status(status, event)


@pytest.mark.parametrize("status", STATUSES)
def test_editable_is_where_saving_is_allowed(status):
    try:
        next_status(status, "save")
        allowed = True
    except IllegalMove:
        allowed = False
    assert allowed is (status in EDITABLE)


def test_illegal_move_is_a_value_error():
    assert issubclass(IllegalMove, ValueError)
