"""Daily work of the questionnaires package, run by the queue's daily tick."""

from __future__ import annotations

from sqlalchemy.orm import Session

from questionnaires import services


def daily_reminders(session: Session) -> None:
    """Due-soon and overdue reminders; at most one per assignment a day (services)."""
    services.send_reminders(session)
