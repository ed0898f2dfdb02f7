"""Daily work of the audits package, run by the queue's daily tick."""

from __future__ import annotations

from sqlalchemy.orm import Session

from audits import services


def daily_overdue(session: Session) -> None:
    """Flag corrective actions past their due date; each owner is mailed once."""
    services.flag_overdue(session)
