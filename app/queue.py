"""The task queue (Huey): SQLite in the instance folder by default, Redis in production.

`TIERLIGHT_QUEUE_URL=redis://host:6379/0` puts the queue on Redis, where any number of
`flask jobs worker` processes, on any number of machines, share it. Without it the queue is a
SQLite file in the instance folder, shared by the processes of one machine.

Packages declare their work at import time with `@task()` and `@periodic(crontab(...))`; each
app binds the declarations to its own Huey instance, and every task runs inside that app's
context (declare them in a module the package's init_app imports, so a worker knows them
too). `enqueue_after_commit` hands a task to the queue only once the transaction that wrote
its job row has committed, so a worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, SqliteHuey, crontab
from sqlalchemy.orm import Session

from app.aftercommit import after_commit
from app.registry import registry

log = logging.getLogger(__name__)
QUEUE_NAME = "tierlight"


@dataclass(frozen=True)
class Declared:
    """A task as a package declares it; bound to a Huey instance per app."""

    name: str
    fn: Callable[..., Any]
    options: dict[str, Any] = field(default_factory=dict)
    schedule: Callable[[dt.datetime], bool] | None = None

    @property
    def key(self) -> str:  # the name Huey registers and sends in messages
        return f"{self.fn.__module__}.{self.name}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # a direct, synchronous call
        return self.fn(*args, **kwargs)


_DECLARED: dict[str, Declared] = {}


def task(*, name: str | None = None, **options: Any) -> Callable[[Callable], Declared]:
    """Declare a task. Options are Huey's (retries, retry_delay, ...); a callable option is
    called with the app's config when the task is bound."""

    def decorate(fn: Callable) -> Declared:
        declared = Declared(name or fn.__name__, fn, options)
        _DECLARED[declared.key] = declared
        return declared

    return decorate


def periodic(schedule: Callable[[dt.datetime], bool], *, name: str | None = None,
             **options: Any) -> Callable[[Callable], Declared]:
    """Declare a periodic task, e.g. `@periodic(crontab(minute="0", hour="2"))` (UTC)."""

    def decorate(fn: Callable) -> Declared:
        declared = Declared(name or fn.__name__, fn, options, schedule)
        _DECLARED[declared.key] = declared
        return declared

    return decorate


def make_huey(config: dict[str, Any] | Any) -> Huey:
    if config.get("QUEUE_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True)
    url = config.get("QUEUE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        from huey import RedisHuey  # imported lazily: Redis is for production set-ups

        return RedisHuey(QUEUE_NAME, url=url)
    if url and not url.startswith("sqlite:///"):
        raise ValueError(f"TIERLIGHT_QUEUE_URL must be redis://... or sqlite:///..., not {url!r}")
    path = url.removeprefix("sqlite:///") or str(Path(config["INSTANCE_PATH"]) / "queue.db")
    return SqliteHuey(QUEUE_NAME, filename=path)


class Queue:
    """One app's Huey instance and the tasks bound to it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = make_huey(app.config)
        self.bound: dict[str, Any] = {}
        app.extensions["tierlight_queue"] = self

    def bind(self) -> None:
        """Register every declared task not yet bound (packages may be imported late)."""
        for key, declared in list(_DECLARED.items()):
            if key not in self.bound:
                self.bound[key] = self._register(declared)

    def _register(self, declared: Declared) -> Any:
        app = self.app
        options = {k: v(app.config) if callable(v) else v for k, v in declared.options.items()}
        if self.huey.immediate:
            options["retry_delay"] = 0  # immediate mode cannot wait; it retries at once

        @functools.wraps(declared.fn)
        def in_app_context(*args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return declared.fn(*args, **kwargs)

        if declared.schedule is not None:
            return self.huey.periodic_task(declared.schedule, name=declared.name,
                                           **options)(in_app_context)
        return self.huey.task(name=declared.name, **options)(in_app_context)

    def enqueue(self, declared: Declared, *args: Any, delay: float | None = None) -> Any:
        self.bind()
        wrapper = self.bound[declared.key]
        if delay:
            return wrapper.schedule(args=args, delay=delay)
        return wrapper(*args)


def get_queue(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["tierlight_queue"]


def enqueue(declared: Declared, *args: Any, delay: float | None = None) -> Any:
    return get_queue().enqueue(declared, *args, delay=delay)


def enqueue_after_commit(session: Session, declared: Declared, *args: Any) -> None:
    """Enqueue when `session` commits; forget it when the session rolls back."""
    queue = get_queue()

    def send() -> None:
        try:
            queue.enqueue(declared, *args)
        except Exception:  # the row is committed; the stale-job sweep enqueues it again
            log.exception("could not enqueue %s%r; the sweep will retry", declared.key, args)

    after_commit(session, send)


# --- the daily tick ---------------------------------------------------------------------

def daily(fn: Callable[[Session], None], app: Flask | None = None) -> Callable:
    """Register a daily hook, `fn(session)`, from a package's init_app. Each hook runs in
    its own transaction, committed when it returns; one failing hook does not stop the rest."""
    registry(app).daily_hooks.append(fn)
    return fn


def run_daily(app: Flask | None = None) -> dict[str, str]:
    """Call every daily hook now; answers {hook name: "ok" or the error}."""
    from app.db import get_db

    app = app or current_app._get_current_object()
    outcome: dict[str, str] = {}
    for hook in list(registry(app).daily_hooks):
        name = f"{hook.__module__}.{getattr(hook, '__qualname__', hook)}"
        session = get_db(app).new_session(write=True)
        try:
            hook(session)
            session.commit()
            outcome[name] = "ok"
            log.info("daily hook %s done", name)
        except Exception as exc:
            session.rollback()
            outcome[name] = f"{type(exc).__name__}: {exc}"
            log.exception("daily hook %s failed", name)
        finally:
            session.close()
    return outcome


@periodic(crontab(minute="0", hour="2"), name="daily_tick")
def daily_tick() -> None:
    """02:00 UTC. Every worker's scheduler fires this; the first to claim the day runs it."""
    queue = get_queue()
    today = dt.datetime.now(dt.UTC).date()
    if not queue.huey.put_if_empty(f"daily-tick:{today.isoformat()}", "1"):
        return
    queue.huey.get(f"daily-tick:{(today - dt.timedelta(days=1)).isoformat()}")  # tidy up
    run_daily()


def init_app(app: Flask) -> None:
    Queue(app).bind()


def claim_pending(key: str, stale: float) -> bool:
    """Set the "a run is waiting" flag `key`; False when a fresh one (younger than `stale`
    seconds) is already set, so a burst of requests queues one run. A stale flag (a worker
    killed mid-run) is taken over."""
    import time

    huey = get_queue().huey
    if huey.put_if_empty(key, str(time.time())):
        return True
    waiting = huey.get(key, peek=True)
    try:
        if waiting is not None and time.time() - float(waiting) < stale:
            return False
    except (TypeError, ValueError):
        pass
    huey.put(key, str(time.time()))
    return True
