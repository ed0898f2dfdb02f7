"""Stamping "token last used" never takes a second write transaction (PITFALLS: 30 s stall).

A real threaded server on the real test database (a SQLite file, or PostgreSQL), with a lowered
busy timeout so that a request that waited for SQLite's lock shows up in seconds, not 30.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import create_app
from app.auth.models import ApiToken
from app.auth.services import issue_token
from app.db import get_db, utcnow
from tests.concurrency import call, committed_session, live_server
from tests.factories import make_org, make_user

BUSY_SECONDS = 8
FAST = 4.0  # well under the busy timeout: a request that waited for the lock takes longer


@pytest.fixture
def short_busy_app(app):
    """A second app on the same database, whose SQLite connections wait at most 8 s."""
    other = create_app({**app.config, "SQLITE_BUSY_TIMEOUT": BUSY_SECONDS,
                        "RATELIMIT_STORAGE_URI": "memory://"})
    yield other
    get_db(other).engine.dispose()


def _stale_token(session, org) -> tuple[int, dict[str, str]]:
    user = make_user(session, org, "compliance")
    token, raw = issue_token(session, user)
    session.flush()
    session.execute(update(ApiToken).where(ApiToken.id == token.id)
                    .values(last_used_at=utcnow() - timedelta(minutes=10)))
    return token.id, {"Authorization": f"Bearer {raw}"}


def _last_used(session, token_id: int):
    session.expire_all()
    value = session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))
    session.rollback()  # end the read so the server's writers are not kept waiting
    return value


def test_failing_write_with_a_stale_token_is_fast_and_stamps_it(short_busy_app):
    app = short_busy_app
    with committed_session(app) as (session, made):
        org = make_org(session)
        made.append(org.id)
        other_org = make_org(session)
        made.append(other_org.id)
        token_id, auth = _stale_token(session, org)
        _other_id, other_auth = _stale_token(session, other_org)
        session.commit()
        session.close()
        with live_server(app) as base:
            results: dict[str, tuple[int, float]] = {}

            def failing_write() -> None:
                started = time.perf_counter()
                status, _ = call("POST", f"{base}/api/v1/suppliers", {}, auth)
                results["failing"] = (status, time.perf_counter() - started)

            thread = threading.Thread(target=failing_write)
            thread.start()
            time.sleep(0.3)  # the other tenant writes while the first request is in flight
            started = time.perf_counter()
            status, body = call("POST", f"{base}/api/v1/suppliers",
                                {"name": "Parallel Mill", "country": "BD"}, other_auth)
            other_elapsed = time.perf_counter() - started
            thread.join(timeout=60)
        failing_status, failing_elapsed = results["failing"]
        assert failing_status == 422
        assert failing_elapsed < FAST, f"a failing write took {failing_elapsed:.1f} s"
        assert status == 201, body
        assert other_elapsed < FAST, f"another tenant's write waited {other_elapsed:.1f} s"
        stamped = _last_used(session, token_id)
        assert stamped is not None and utcnow() - stamped < timedelta(minutes=1)


def test_reads_and_successful_writes_stamp_a_stale_token_quickly(short_busy_app):
    app = short_busy_app
    with committed_session(app) as (session, made):
        org = make_org(session)
        made.append(org.id)
        read_id, read_auth = _stale_token(session, org)
        write_id, write_auth = _stale_token(session, org)
        session.commit()
        session.close()
        with live_server(app) as base:
            started = time.perf_counter()
            assert call("GET", f"{base}/api/v1/me", None, read_auth)[0] == 200
            status, _ = call("POST", f"{base}/api/v1/suppliers",
                             {"name": "Stamped Mill", "country": "IN"}, write_auth)
            elapsed = time.perf_counter() - started
        assert status == 201
        assert elapsed < 2 * FAST
        for token_id in (read_id, write_id):
            stamped = _last_used(session, token_id)
            assert stamped is not None and utcnow() - stamped < timedelta(minutes=1)
