"""Recompute on the queue: one task per organisation, bursts coalesced into one run.

A change anywhere (an import of 100,000 rows is one signal) calls `request_recompute`. The
first request sets a flag in the queue's storage and enqueues the task; later requests find
the flag and add nothing. The task clears the flag before it reads, so a change committed
while it runs queues exactly one more run. A flag older than STALE (a worker killed mid-run)
no longer holds requests back.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organization
from app.db import get_db
from app.queue import claim_pending, enqueue, get_queue, task
from risk import services

log = logging.getLogger(__name__)
STALE = 15 * 60  # seconds


def _flag(org_id: int) -> str:
    return f"risk-recompute-pending:{org_id}"


def request_recompute(org_id: int) -> bool:
    """Queue a recompute of the organisation unless one is already waiting; True if queued."""
    if not claim_pending(_flag(org_id), STALE):
        return False
    enqueue(recompute_org, org_id)
    return True


@task()
def recompute_org(org_id: int) -> dict:
    """Idempotent: recomputing twice writes nothing the second time."""
    get_queue().huey.get(_flag(org_id))  # clear first: later changes queue a new run
    session = get_db().new_session(write=True)
    try:
        if session.get(Organization, org_id) is None:
            return {"suppliers": 0}
        result = services.recompute(session, org_id)
        session.commit()
        log.info("risk recomputed for organisation %s: %s", org_id, result)
        return {"suppliers": result.suppliers, "changed": result.changed}
    finally:
        session.close()


def daily_recompute(session: Session) -> None:
    """Every buyer, once a day: findings age, overdue questionnaires become uncertainty, and
    each supplier gets its snapshot for the day even when nothing changed."""
    for org_id in session.scalars(select(Organization.id).where(Organization.kind == "buyer")
                                  .order_by(Organization.id)):
        services.recompute(session, org_id)
