"""Imports on a real queue with real processes: a worker SIGKILLed mid-import, a web server
restarted while its import waits in the queue."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import signal
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy import func, select

from app.db import get_db
from app.jobs.models import Job
from suppliers import jobs
from suppliers.models import ImportJob, Supplier
from tests.concurrency import call
from tests.factories import PASSWORD, make_org, make_user
from tests.processes import FLASK, free_port, fresh_site, process, site_app, wait_for, worker
from tests.suppliers.files import write_csv

ROWS = 3000


def _big_list(folder: Path) -> Path:
    """A facility list of ROWS suppliers in chains of ten (so relationships are written too)."""
    rows = []
    for i in range(ROWS):
        parent = f"BIG-{i - 1:05d}" if i % 10 else ""
        rows.append([f"BIG-{i:05d}", f"Big List Mill {i}", ["IN", "Bangladesh", "VN"][i % 3],
                     "manufacturer", 100 + i, parent])
    return write_csv(folder / "big-list.csv",
                     ["external_id", "name", "country", "kind", "workers", "supplies_to"], rows)


def _read(app, fn):
    with app.app_context():
        session = get_db(app).new_session(write=False)
        try:
            return fn(session)
        finally:
            session.close()


def _suppliers(app, org_id: int) -> int:
    return _read(app, lambda s: s.scalar(
        select(func.count(Supplier.id)).where(Supplier.org_id == org_id)))


def _job(app, job_id: int) -> Job:
    return _read(app, lambda s: s.get(Job, job_id))


def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_finishes(tmp_path):
    env = fresh_site(tmp_path)
    app = site_app(env)
    with app.app_context():
        session = get_db(app).new_session(write=True)
        org = make_org(session)
        user = make_user(session, org, "compliance")
        upload = Path(app.config["UPLOAD_FOLDER"])
        upload.mkdir(parents=True, exist_ok=True)
        kept = upload / f"{uuid.uuid4().hex}.csv.job"
        shutil.copy(_big_list(tmp_path), kept)
        imp = jobs.start_import(session, org_id=org.id, actor=user, path=str(kept),
                                filename="big-list.csv", dry_run=False)
        session.commit()  # queues the job in the instance folder's queue file
        org_id, import_id, job_id = org.id, imp.id, imp.job_id
        session.close()
    marker = tmp_path / "rows-written"
    logs = (tmp_path / "worker-1.log", tmp_path / "worker-2.log")
    with worker(env | {"TL_TEST_PAUSE_IMPORT": str(marker)}, logs[0], wrapped=True) as first:
        wait_for(marker.exists, 120, "the first worker to write the rows", logs=logs)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    # The rows were written inside the import's transaction, which died with the worker.
    assert _suppliers(app, org_id) == 0
    dead = _job(app, job_id)
    assert dead.status == "running" and dead.attempts == 1 and dead.stage == "writing"
    assert kept.exists()  # kept for the retry
    with worker(env, logs[1], "--threads", "1"):
        done = wait_for(lambda: (j := _job(app, job_id)).finished and j, 180,
                        "the second worker to finish the job", every=0.3, logs=logs)
    assert done.status == "done", done.error
    assert done.attempts == 2 and done.progress == ROWS and done.total == ROWS
    assert done.result["created"] == ROWS and done.result["import_id"] == import_id
    assert _suppliers(app, org_id) == ROWS
    finished = _read(app, lambda s: s.get(ImportJob, import_id))
    assert finished.status == "done" and finished.summary["created"] == ROWS
    assert not kept.exists()  # removed once the job succeeded
    assert "queued again" in logs[1].read_text() or "stale jobs" in logs[1].read_text()
    get_db(app).engine.dispose()


class _Browser:
    """Cookies and CSRF against a live server, with urllib only."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=60) as r:
            return r.status, r.geturl(), r.read().decode()

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)[2])
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post(self, path: str, fields: dict[str, str], file: Path | None = None):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        if file is not None:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                         f'filename="{file.name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                         + file.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        with self.opener.open(request, timeout=60) as r:
            return r.status, r.geturl(), r.read().decode()


def _web(env, log: Path):
    port = free_port()
    args = [FLASK, "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)]
    return process(args, env, log), f"http://127.0.0.1:{port}"


def _up(base: str) -> bool:
    try:
        return call("GET", base + "/healthz")[0] == 200
    except OSError:
        return False


def test_an_import_survives_a_restart_of_the_web_server(tmp_path):
    env = fresh_site(tmp_path)
    app = site_app(env)
    with app.app_context():
        session = get_db(app).new_session(write=True)
        org = make_org(session)
        user = make_user(session, org, "compliance")
        session.commit()
        org_id, email = org.id, user.email
        session.close()
    logs = tuple(tmp_path / n for n in ("web-1.log", "web-2.log", "worker.log"))
    first, base = _web(env, logs[0])
    with first as web:
        wait_for(lambda: _up(base), 60, "the web server", logs=logs)
        browser = _Browser(base)
        browser.post("/login", {"email": email, "password": PASSWORD,
                                "csrf_token": browser.csrf("/login")})
        token = browser.csrf("/suppliers/import")
        _status, page_url, page = browser.post(
            "/suppliers/import", {"csrf_token": token}, _big_list(tmp_path))
        assert "/suppliers/imports/" in page_url and "data-job-progress" in page
        job_url = re.search(r'data-job-progress="([^"]+)"', page).group(1)
        web.send_signal(signal.SIGTERM)  # the web server goes away; no worker runs yet
        web.wait(timeout=20)
    job_id = int(job_url.rsplit("/", 1)[1])
    assert _job(app, job_id).status == "queued"
    second, base = _web(env, logs[1])
    with second, worker(env, logs[2]):
        wait_for(lambda: _up(base), 60, "the restarted web server", logs=logs)
        _, auth = call("POST", base + "/api/v1/auth/tokens",
                       {"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {auth['token']}"}
        answer = wait_for(
            lambda: (b := call("GET", base + job_url, headers=headers)[1])["status"]
            in ("done", "failed") and b, 180, "the job to end", every=0.5, logs=logs)
    assert answer["status"] == "done", answer
    assert answer["kind"] == "suppliers.import" and answer["result"]["created"] == ROWS
    assert set(answer) >= {"id", "kind", "status", "progress", "total", "result", "error"}
    assert _suppliers(app, org_id) == ROWS
    get_db(app).engine.dispose()
