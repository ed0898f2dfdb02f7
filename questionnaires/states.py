"""The assignment state machine: which event moves a questionnaire from which status to which.

Pure module: a table, no database. The supplier opens, saves and submits; the company returns
(with a comment) or accepts. "open" never fails, so a link opened twice is harmless.
"""

from __future__ import annotations

__all__ = ["EDITABLE", "EVENTS", "STATUSES", "IllegalMove", "next_status"]

STATUSES = ("sent", "opened", "in_progress", "submitted", "returned", "accepted")
EVENTS = ("open", "save", "submit", "return", "accept")
EDITABLE = frozenset({"sent", "opened", "in_progress", "returned"})  # the supplier may save


class IllegalMove(ValueError):
    """The event is not allowed in the current status; the message says why, for the user."""


_SUBMITTED = "A submitted questionnaire cannot be edited until the company returns it"
_ACCEPTED = "An accepted questionnaire is final and cannot be changed"
_NOT_SUBMITTED = "Only a submitted questionnaire can be {}ed; this one is {}"

# (status, event) -> the next status, or the reason the move is refused
_MOVES: dict[tuple[str, str], str] = {
    **{(s, "open"): s for s in STATUSES},
    ("sent", "open"): "opened",
    **{(s, "save"): "in_progress" for s in EDITABLE},
    **{(s, "submit"): "submitted" for s in EDITABLE},
    ("submitted", "return"): "returned",
    ("submitted", "accept"): "accepted",
}
_REFUSED: dict[tuple[str, str], str] = {
    ("submitted", "save"): _SUBMITTED,
    ("submitted", "submit"): "This questionnaire has already been submitted",
    ("accepted", "save"): _ACCEPTED,
    ("accepted", "submit"): _ACCEPTED,
    ("accepted", "return"): _ACCEPTED,
    ("accepted", "accept"): "This questionnaire has already been accepted",
}


def next_status(current: str, event: str) -> str:
    """The status after `event`; IllegalMove if the event is not allowed now."""
    if current not in STATUSES:
        raise IllegalMove(f"Unknown status {current!r}; known: {', '.join(STATUSES)}")
    if event not in EVENTS:
        raise IllegalMove(f"Unknown event {event!r}; known: {', '.join(EVENTS)}")
    move = _MOVES.get((current, event))
    if move is not None:
        return move
    reason = _REFUSED.get((current, event))
    if reason is None:  # return/accept before submission
        reason = _NOT_SUBMITTED.format(event, current.replace("_", " "))
    raise IllegalMove(reason)
