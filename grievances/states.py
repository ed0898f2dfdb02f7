"""The case's life and its clock (pure: no Flask, no session).

Statuses move forward one step at a time, except that a resolved or closed case can be
reopened (back to investigating, counted). Deadlines: acknowledge within 7 days of receipt,
answer within 3 weeks (Norway's Transparency Act, s.6, asks for an answer within three weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

CATEGORIES: tuple[str, ...] = (
    "recruitment_fees", "identity_documents", "wages", "hours", "movement", "violence",
    "living_conditions", "child_labour", "other",
)
STATUSES: tuple[str, ...] = ("received", "acknowledged", "investigating", "resolved", "closed")
OPEN = ("received", "acknowledged", "investigating")
ACKNOWLEDGE_DAYS = 7
ANSWER_DAYS = 21

# status -> the statuses it may move to
MOVES: dict[str, tuple[str, ...]] = {
    "received": ("acknowledged", "investigating", "closed"),
    "acknowledged": ("investigating", "resolved", "closed"),
    "investigating": ("resolved", "closed"),
    "resolved": ("closed", "investigating"),
    "closed": ("investigating",),
}


class IllegalMove(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        allowed = ", ".join(MOVES.get(current, ())) or "none"
        super().__init__(f"A {current} case cannot become {wanted}; it can become: {allowed}.")
        self.current, self.wanted, self.allowed = current, wanted, MOVES.get(current, ())


def deadlines(received: date) -> tuple[date, date]:
    """(acknowledge by, answer by)."""
    return received + timedelta(days=ACKNOWLEDGE_DAYS), received + timedelta(days=ANSWER_DAYS)


def check_move(current: str, wanted: str) -> bool:
    """True when the move reopens the case; IllegalMove when it is not allowed."""
    if wanted not in MOVES.get(current, ()):
        raise IllegalMove(current, wanted)
    return current in ("resolved", "closed") and wanted == "investigating"


@dataclass(frozen=True)
class Clock:
    """What a case owes, on a given day."""

    status: str
    acknowledge_due_on: date
    answer_due_on: date
    acknowledged_at: datetime | None
    answered_at: datetime | None

    def acknowledge_overdue(self, today: date) -> bool:
        return self.acknowledged_at is None and self.status == "received" \
            and today > self.acknowledge_due_on

    def answer_overdue(self, today: date) -> bool:
        return self.answered_at is None and self.status in OPEN and today > self.answer_due_on

    def overdue(self, today: date) -> bool:
        return self.acknowledge_overdue(today) or self.answer_overdue(today)
