"""Run the app on a real threaded server with committed data, for concurrency tests."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

from werkzeug.serving import make_server

from app.auth.models import Organization
from app.db import get_db


@contextmanager
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def call(method: str, url: str, body=None, headers=None) -> tuple[int, dict | str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read().decode(), exc.code
    try:
        return status, json.loads(raw) if raw else {}
    except ValueError:
        return status, raw


@contextmanager
def committed_session(app):
    """A real session whose writes are committed; the organisations made are deleted after."""
    session = get_db(app).new_session(write=True)
    made: list[int] = []
    try:
        yield session, made
    finally:
        session.rollback()
        for org_id in made:
            org = session.get(Organization, org_id)
            if org is not None:
                session.delete(org)
        session.commit()
        session.close()


def run_threads(count: int, work) -> list:
    results: list = [None] * count
    errors: list[BaseException] = []

    def runner(i: int) -> None:
        try:
            results[i] = work(i)
        except BaseException as exc:  # surfaced below, so a failing thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    if errors:
        raise errors[0]
    return results
