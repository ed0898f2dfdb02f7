"""Screening on the queue: one run per organisation at a time, bursts coalesced into one.

As risk/jobs.py does for recomputes: the first request sets a flag in the queue's storage and
enqueues the task; later requests find the flag and add nothing. The task clears the flag
before it reads, so a change committed while it runs queues exactly one more run. A flag older
than STALE (a worker killed mid-run) no longer holds requests back. Idempotent: a run with
nothing changed writes only its ScreeningRun row.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organization
from app.db import get_db
from app.queue import claim_pending, enqueue, get_queue, task
from risk.screening import runs

log = logging.getLogger(__name__)
STALE = 15 * 60  # seconds
TRIGGERS = ("import", "change", "list", "nightly", "manual")


def _flag(org_id: int) -> str:
    return f"risk-screening-pending:{org_id}"


def request_screening(org_id: int, trigger: str = "manual") -> bool:
    """Queue a screening run of the organisation unless one is already waiting."""
    if not claim_pending(_flag(org_id), STALE):
        return False
    enqueue(screen_org_task, org_id, trigger)
    return True


def waiting(org_id: int) -> bool:
    """A run is queued and not started yet (the review page says so)."""
    found = get_queue().huey.get(_flag(org_id), peek=True)
    try:
        return found is not None and time.time() - float(found) < STALE
    except (TypeError, ValueError):
        return False


@task()
def screen_org_task(org_id: int, trigger: str = "manual") -> dict:
    get_queue().huey.get(_flag(org_id))  # clear first: later changes queue a new run
    session = get_db().new_session(write=True)
    try:
        org = session.get(Organization, org_id)
        if org is None or org.kind != "buyer":
            return {"suppliers": 0}
        run = runs.screen_org(session, org_id, trigger=trigger)
        session.commit()
        log.info("screened organisation %s: %s suppliers, %s entries, %s new hits", org_id,
                 run.suppliers, run.entries, run.new_hits)
        return {"suppliers": run.suppliers, "entries": run.entries, "new_hits": run.new_hits}
    finally:
        session.close()


def daily_screening(session: Session) -> None:
    """Every buyer, nightly (lists and suppliers may have changed without a signal)."""
    for org_id in session.scalars(select(Organization.id).where(Organization.kind == "buyer")
                                  .order_by(Organization.id)):
        runs.screen_org(session, org_id, trigger="nightly")
