"""Small writes a read request needs (a questionnaire's first opening), made after it ends.

A GET request reads in a read session (app/db.py refuses writes in it, in tests). A write that
a page view implies is planned with `after_request_write(fn)` and made once the request's own
session has closed, in one short write transaction that waits only briefly for SQLite's lock:
if it cannot be made at once, the page still answers and the bookkeeping is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g
from sqlalchemy.orm import Session

from app.db import get_db

BUSY_MS = 500
log = logging.getLogger(__name__)


def after_request_write(fn: Callable[[Session], object]) -> None:
    g.setdefault("deferred_writes", []).append(fn)


def init_app(app: Flask) -> None:
    @app.teardown_request
    def _write_after(_exc: BaseException | None) -> None:
        writes = g.pop("deferred_writes", None)
        if not writes:
            return
        request_session = g.pop("db_session", None)
        if request_session is not None:
            request_session.close()  # end the request's transaction (and any lock) first
        session = get_db().new_session(write=True, busy_ms=BUSY_MS)
        try:
            for fn in writes:
                fn(session)
            session.commit()
        except Exception:  # bookkeeping must never fail the page that planned it
            session.rollback()
            log.warning("a deferred write failed", exc_info=True)
        finally:
            session.close()
