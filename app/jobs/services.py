"""Creating jobs. Flushes, never commits: the job is queued when the caller commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.jobs.models import Job
from app.queue import enqueue_after_commit


def submit_job(
    session: Session, *, org_id: int, user_id: int | None, kind: str,
    payload: dict[str, Any] | None = None, total: int | None = None,
) -> Job:
    """A queued job row, handed to the queue once this transaction commits."""
    from app.jobs.runner import run_job

    job = Job(org_id=org_id, user_id=user_id, kind=kind, payload=payload or {}, total=total,
              status="queued")
    session.add(job)
    session.flush()
    enqueue_after_commit(session, run_job, job.id)
    return job
