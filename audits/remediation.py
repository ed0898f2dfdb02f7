"""Corrective actions (CAP items): the state machine, due dates, and the fee-repayment rule.

Pure module (no Flask, no database). Documented in docs/audits.md, with the table of every pair
of states. The service decides who may make a move; this module decides which moves exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

__all__ = [
    "ACTION_STATES",
    "DUE_DAYS",
    "MOVES",
    "IllegalMove",
    "ReasonRequired",
    "allowed_moves",
    "default_due",
    "fees_repaid",
    "is_return",
    "move",
]

ACTION_STATES = ("open", "in_progress", "submitted", "verified")
# Every allowed move. submitted -> in_progress is a return: the verifier sends the work back,
# saying why. verified is final.
MOVES: frozenset[tuple[str, str]] = frozenset({
    ("open", "in_progress"),
    ("in_progress", "submitted"),
    ("submitted", "verified"),
    ("submitted", "in_progress"),
})
RETURN = ("submitted", "in_progress")
# Days from the action's creation to its default due date, by the finding's Tierlight severity.
DUE_DAYS = {"critical": 7, "high": 30, "medium": 60, "low": 90}


class IllegalMove(ValueError):
    """A move between two states that the machine does not have (409); names the allowed ones."""


class ReasonRequired(ValueError):
    """A return without a reason (a 422 on the note, not a 409: the move itself exists)."""


def _article(state: str) -> str:
    return "An" if state[0] in "aeiou" else "A"


def _known(state: object, what: str) -> str:
    if state not in ACTION_STATES:
        raise ValueError(f'Unknown {what} "{str(state)[:40]}": the states are '
                         f"{', '.join(ACTION_STATES)}.")
    return state  # type: ignore[return-value]


def allowed_moves(current: str) -> tuple[str, ...]:
    """The states `current` can move to, in ACTION_STATES order (() once verified)."""
    _known(current, "state")
    return tuple(to for to in ACTION_STATES if (current, to) in MOVES)


def _can_move_to(current: str) -> str:
    moves = allowed_moves(current)
    if not moves:
        return f"{_article(current)} {current} action is final: it cannot move."
    return f"{_article(current)} {current} action can move to: {', '.join(moves)}."


def is_return(current: str, to: str) -> bool:
    """Whether current -> to sends submitted work back (and so needs a reason)."""
    return (current, to) == RETURN


def move(current: str, to: str, *, reason: str | None = None) -> str:
    """The new state, `to`, if current -> to is allowed.

    IllegalMove when it is not (the message names the allowed moves); ValueError for a state
    that does not exist; ReasonRequired (a ValueError) for a return without a reason.
    """
    _known(current, "state")
    _known(to, "state to move to")
    if (current, to) not in MOVES:
        raise IllegalMove(f"Cannot move from {current} to {to}. {_can_move_to(current)}")
    if is_return(current, to) and not (reason and reason.strip()):
        raise ReasonRequired("Returning a submitted action to in_progress needs a reason: say "
                             "what is missing or wrong, so the owner can fix it.")
    return to


def default_due(severity: str, start: date) -> date:
    """The default due date: `start` plus DUE_DAYS[severity] (a datetime counts by its date)."""
    if severity not in DUE_DAYS:
        raise ValueError(f'Unknown severity "{str(severity)[:40]}": use one of '
                         f"{', '.join(DUE_DAYS)}.")
    day = start.date() if isinstance(start, datetime) else start
    return day + timedelta(days=DUE_DAYS[severity])


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def fees_repaid(required_workers: int | None,
                entries: Iterable[tuple[int, int, int]]) -> tuple[bool, str]:
    """Whether the fee ledger shows the finding's recruitment fees repaid, and why not.

    `entries`: (workers, owed_minor, repaid_minor) of each ledger cohort linked to the finding.
    A cohort is repaid in full when repaid >= owed > 0, or when it owed nothing. With
    `required_workers` (the finding's workers affected) the workers of fully repaid cohorts must
    number at least that many; without it (None or 0) every linked cohort must be repaid in
    full, and there must be at least one. Amounts of different cohorts are never added, so
    currencies do not matter here.
    """
    cohorts = list(entries)
    for workers, owed, repaid in cohorts:
        if min(workers, owed, repaid) < 0:
            raise ValueError("Ledger entries cannot have negative workers or amounts.")
    if not cohorts:
        return False, ("No recruitment-fee ledger entry is linked to this finding: record the "
                       "fees the workers paid and their repayment first.")
    repaid_workers = sum(w for w, owed, repaid in cohorts if owed == 0 or repaid >= owed)
    open_cohorts = sum(1 for _, owed, repaid in cohorts if not (owed == 0 or repaid >= owed))
    if required_workers:
        if repaid_workers >= required_workers:
            if required_workers == 1:
                return True, "The affected worker has been repaid in full."
            return True, f"All {required_workers:,} affected workers have been repaid in full."
        return False, (f"{repaid_workers:,} of {_plural(required_workers, 'affected worker')} "
                       "have been repaid in full.")
    total = sum(w for w, _, _ in cohorts)
    if open_cohorts == 0:
        return True, (f"Every linked cohort ({_plural(len(cohorts), 'cohort')}, "
                      f"{_plural(total, 'worker')}) has been repaid in full.")
    return False, (f"{open_cohorts:,} of {_plural(len(cohorts), 'linked cohort')} "
                   f"{'has' if open_cohorts == 1 else 'have'} not been repaid in full "
                   f"({repaid_workers:,} of {_plural(total, 'worker')} repaid).")
