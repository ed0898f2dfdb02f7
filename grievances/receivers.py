"""Answers to the questions risk and reports ask through app/signals.py (synchronous, inside
the asker's transaction), so neither imports this package. Counts and categories only: never
a reporter's text, place or contact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import signals
from grievances import stats
from grievances.models import Channel, Grievance


def linked_cases(_sender: Any, *, session: Session, org_id: int, **_kw: Any) -> list[dict]:
    """risk_inputs: every case linked to one of the company's suppliers."""
    rows = session.execute(select(
        Grievance.id, Grievance.supplier_id, Grievance.categories, Grievance.status,
        Grievance.retaliation, Grievance.received_at).where(
        Grievance.org_id == org_id, Grievance.supplier_id.is_not(None))
        .order_by(Grievance.id))
    return [{"supplier_id": supplier_id, "kind": "grievance", "id": gid,
             "category": (categories or ["other"])[0], "status": status,
             "retaliation": bool(retaliation),
             "opened_on": received.date() if received is not None else None}
            for gid, supplier_id, categories, status, retaliation, received in rows]


def period_figures(_sender: Any, *, session: Session, org_id: int,
                   period_start: date | None = None, period_end: date | None = None,
                   **_kw: Any) -> dict[str, Any]:
    """report_inputs: {"grievances": the period's figures}, or nothing for a company that has
    no channel and no case (the report then has no grievance section)."""
    has_channel = session.scalar(select(Channel.id).where(Channel.org_id == org_id))
    has_case = session.scalar(select(Grievance.id).where(Grievance.org_id == org_id).limit(1))
    if has_channel is None and has_case is None:
        return {}
    figures = stats.gather(session, org_id, start=period_start, end=period_end)
    return {"grievances": stats.report_figures(figures)}


def connect() -> None:
    # strong references: these module functions live as long as the process anyway
    signals.risk_inputs.connect(linked_cases, sender="risk", weak=False)
    signals.report_inputs.connect(period_figures, sender="reports", weak=False)
