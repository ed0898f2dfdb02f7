"""The daily work of the grievances package, run by the queue's daily tick (app/queue.py):
flag the cases whose acknowledgement or answer is late, tell the people who may read them,
and purge the text of cases closed longer ago than the retention period.

Idempotent on retry: a case is flagged once (cases.flag_overdue skips flagged ones), so the
mail goes out once per newly overdue batch; the purge skips purged cases.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import Organization
from app.db import utcnow
from app.links import external_url
from app.mail import queue_mail
from grievances import queries
from grievances.models import Grievance
from grievances.services import cases


def _mail_readers(session: Session, org: Organization, new_codes: list[str]) -> int:
    """One mail per person who may read grievances: how many cases are overdue now and the
    codes of those that became overdue today; never a reporter's text."""
    total = session.scalar(select(func.count(Grievance.id)).where(
        Grievance.org_id == org.id, queries.overdue(utcnow().date()))) or 0
    try:
        link = external_url("grievances.inbox", overdue="1")
    except Exception:  # a build error: the inbox is not served by this installation
        link = current_app.config.get("PUBLIC_URL", "")
    sent = 0
    for user, allowed in queries.readers(session, org.id):
        if not allowed:
            continue
        queue_mail(session, org_id=org.id, to=user.email,
                   subject=f"{total} grievance case{'s' if total != 1 else ''} overdue",
                   template="grievances_overdue",
                   context={"company": org.name, "total": total, "codes": new_codes,
                            "link": link})
        sent += 1
    return sent


def daily_grievances(session: Session) -> dict[str, Any]:
    late = cases.flag_overdue(session)
    by_org: dict[int, list[str]] = defaultdict(list)
    for grievance in late:
        by_org[grievance.org_id].append(grievance.case_code)
    mailed = 0
    for org_id, codes in sorted(by_org.items()):
        org = session.get(Organization, org_id)
        if org is None or org.kind != "buyer":
            continue
        mailed += _mail_readers(session, org, sorted(codes))
    days = int(current_app.config.get("GRIEVANCE_RETENTION_DAYS", 365))
    purged = cases.purge_closed(session, days=days)
    return {"flagged": len(late), "mailed": mailed, "purged": purged}
