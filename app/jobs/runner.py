"""Running jobs on a worker: claim, heartbeat, progress, outcome, and recovery of dead workers.

Huey removes a message from the queue before running it, so a worker killed mid-job (SIGKILL,
a lost machine) takes the message with it. The job row is what survives: a worker claims it
(queued -> running, attempts + 1, its "host:pid", a heartbeat), and `recover_stale` (at every
worker's start, then each minute) puts a running job back on the queue when its worker is
gone: same host and the pid is dead, or no heartbeat for JOB_STALE_SECONDS. After
JOB_MAX_ATTEMPTS the job ends failed with the reason. The claim is a conditional UPDATE, so a
job enqueued twice still runs once.

Each state change is its own short transaction; the handler's own work is one more.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from huey import crontab
from sqlalchemy import or_, select, update

from app.db import get_db, utcnow
from app.errors import AppError
from app.jobs.models import Job
from app.queue import enqueue, periodic, task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handler:
    run: Callable[[JobContext], dict[str, Any] | None]
    # Called (in its own transaction) once a job has finally failed, for any reason.
    on_failed: Callable[[JobContext, str], None] | None = None


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, *, on_failed: Callable | None = None) -> Callable:
    """Register the function that runs jobs of `kind`: `fn(ctx) -> result dict or None`.

    Raise an AppError for a failure the user must fix (no retry); any other exception is
    retried until JOB_MAX_ATTEMPTS.
    """

    def decorate(fn: Callable) -> Callable:
        HANDLERS[kind] = Handler(fn, on_failed)
        return fn

    return decorate


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class JobContext:
    job_id: int
    org_id: int
    user_id: int | None
    kind: str
    payload: dict[str, Any]
    attempt: int
    worker: str = field(default_factory=worker_id)

    def update(self, session: Any = None, **values: Any) -> None:
        """Change this job's row (progress, total, stage, ...) in a short transaction of its
        own, or inside `session` when given (then the caller commits)."""
        values.setdefault("heartbeat_at", utcnow())
        stmt = (update(Job).where(Job.id == self.job_id, Job.org_id == self.org_id)
                .values(**values))
        if session is not None:
            session.execute(stmt)
            return
        _write(stmt)

    def progress(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        values: dict[str, Any] = {"progress": done}
        if total is not None:
            values["total"] = total
        if stage is not None:
            values["stage"] = stage
        self.update(**values)


def _write(stmt: Any) -> int:
    session = get_db().new_session(write=True)
    try:
        count = session.execute(stmt).rowcount
        session.commit()
        return count
    finally:
        session.close()


def _config(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _max_attempts(_config_or_none: Any = None) -> int:
    config = _config_or_none if _config_or_none is not None else current_app.config
    return int(config.get("JOB_MAX_ATTEMPTS", 3))


@task(retries=lambda config: _max_attempts(config) - 1,
      retry_delay=lambda config: int(config.get("JOB_RETRY_DELAY", 10)))
def run_job(job_id: int) -> None:
    """The one queue task of every job: claim the row, run its kind's handler, record how
    it ended."""
    me = worker_id()
    claimed = _write(
        update(Job).where(Job.id == job_id, Job.status == "queued")
        .values(status="running", attempts=Job.attempts + 1, worker=me, heartbeat_at=utcnow(),
                started_at=utcnow(), error=None)
    )
    if not claimed:  # finished, running elsewhere, or rolled back before commit
        log.info("job %s is not queued; skipped", job_id)
        return
    reader = get_db().new_session(write=False)
    job = reader.get(Job, job_id)
    ctx = JobContext(job.id, job.org_id, job.user_id, job.kind, dict(job.payload or {}),
                     job.attempts, me)
    reader.close()
    chosen = HANDLERS.get(ctx.kind)
    if chosen is None:
        _end_failed(ctx, None, f"No handler for jobs of kind {ctx.kind!r}.")
        return
    beat = _Heartbeat(ctx) if not current_app.config.get("QUEUE_IMMEDIATE") else None
    try:
        result = chosen.run(ctx)
    except AppError as exc:
        _end_failed(ctx, chosen, exc.message)
        return
    except Exception as exc:
        log.exception("job %s (%s) attempt %s failed", job_id, ctx.kind, ctx.attempt)
        reason = f"{type(exc).__name__}: {exc}"[:900]
        if ctx.attempt >= _max_attempts():
            _end_failed(ctx, chosen, f"Stopped on an unexpected error after {ctx.attempt} "
                                     f"attempts ({reason}).")
            return
        ctx.update(status="queued", error=f"Attempt {ctx.attempt} failed: {reason}")
        raise  # Huey retries it
    finally:
        if beat:
            beat.stop()
    _write(update(Job).where(Job.id == job_id, Job.worker == me, Job.status == "running")
           .values(status="done", result=result, finished_at=utcnow(), heartbeat_at=utcnow()))


def _end_failed(ctx: JobContext, chosen: Handler | None, message: str) -> None:
    if chosen is not None and chosen.on_failed is not None:
        try:
            chosen.on_failed(ctx, message)
        except Exception:  # the job must still end failed
            log.exception("on_failed of job %s raised", ctx.job_id)
    ctx.update(status="failed", error=message[:1000], finished_at=utcnow())


class _Heartbeat:
    """Stamps heartbeat_at while a handler runs, so a long write is not taken for dead."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx, self.app = ctx, current_app._get_current_object()
        self.interval = _config("JOB_HEARTBEAT_SECONDS", 30)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True,
                                       name=f"heartbeat-{ctx.job_id}")
        self.thread.start()

    def _beat(self) -> None:
        while not self.stopped.wait(self.interval):
            with self.app.app_context():
                try:
                    _write(update(Job).where(Job.id == self.ctx.job_id, Job.worker ==
                                             self.ctx.worker).values(heartbeat_at=utcnow()))
                except Exception:  # e.g. SQLite busy while the import holds the lock
                    log.warning("heartbeat of job %s missed", self.ctx.job_id)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


def _dead(worker: str | None) -> bool:
    """A worker on this machine whose process has gone."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_stale() -> dict[str, list[int]]:
    """Requeue running jobs whose worker is gone (or fail them after the last attempt), and
    requeue queued jobs whose message was lost. Answers the ids by outcome."""
    stale_after = timedelta(seconds=_config("JOB_STALE_SECONDS", 300))
    cutoff = utcnow() - stale_after
    max_attempts = _max_attempts()
    outcome: dict[str, list[int]] = {"requeued": [], "failed": []}
    reader = get_db().new_session(write=False)
    rows = reader.execute(
        select(Job.id, Job.org_id, Job.status, Job.worker, Job.heartbeat_at, Job.attempts,
               Job.kind, Job.user_id, Job.payload, Job.created_at)
        .where(or_(Job.status == "running", Job.status == "queued"),
               or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff,
                   Job.worker.like(f"{socket.gethostname()}:%")))
    ).all()
    reader.close()
    for row in rows:
        if row.status == "queued":
            if (row.heartbeat_at or row.created_at) >= cutoff:
                continue
            # Stamp first, so a long backlog is not enqueued again every minute.
            if _write(update(Job).where(Job.id == row.id, Job.status == "queued")
                      .values(heartbeat_at=utcnow())):
                enqueue(run_job, row.id)
                outcome["requeued"].append(row.id)
            continue
        gone = _dead(row.worker) or (row.heartbeat_at is not None and row.heartbeat_at < cutoff)
        if not gone:
            continue
        if row.attempts >= max_attempts:
            ctx = JobContext(row.id, row.org_id, row.user_id, row.kind, dict(row.payload or {}),
                             row.attempts, row.worker or "")
            message = (f"The worker running this job stopped {row.attempts} times "
                       f"(last: {row.worker}); gave up.")
            if _write(update(Job).where(Job.id == row.id, Job.status == "running",
                                        Job.worker == row.worker)
                      .values(status="failed", error=message, finished_at=utcnow())):
                _end_failed(ctx, HANDLERS.get(row.kind), message)
                outcome["failed"].append(row.id)
            continue
        if _write(update(Job).where(Job.id == row.id, Job.status == "running",
                                    Job.worker == row.worker)
                  .values(status="queued", heartbeat_at=utcnow(),
                          error=f"Its worker ({row.worker}) stopped; queued again.")):
            enqueue(run_job, row.id)
            outcome["requeued"].append(row.id)
    if outcome["requeued"] or outcome["failed"]:
        log.warning("stale jobs: %s", outcome)
    return outcome


@periodic(crontab(minute="*"), name="recover_stale_jobs")
def recover_stale_jobs() -> None:
    recover_stale()
