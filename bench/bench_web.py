"""Speed of an ordinary request: Tierlight against a bare Flask app, in the same run.

gunicorn with 2 sync workers on a SQLite file seeded with 1,000 suppliers; a bounded load
generator on loopback (wrk when installed, else a Python client with a fixed duration and a fixed
number of connections). Reported: requests/s and p50 for the bare app (the same one-row query
with SQLAlchemy), GET /api/v1/suppliers/{id} with a Bearer token, /healthz, and the ratio of
the token read to the bare app (goal: 50% or more). The server CPU per request is reported
too: on a shared machine it moves less than requests/s when other work competes for the cores.

    python bench/bench_web.py [--duration 10] [--connections 8] [--rounds 2] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "lantern-orbit-passphrase-2026"  # noqa: S105 - a throwaway bench account


# --- the apps gunicorn serves (BENCH_WEB_DB names the database file) -------------------------

def tierlight_app():
    from app import create_app

    folder = os.environ["BENCH_WEB_DIR"]
    return create_app({"DATABASE_URL": os.environ["BENCH_WEB_DB"], "SECRET_KEY": "bench",
                       "INSTANCE_PATH": folder, "UPLOAD_FOLDER": folder})


def bare_app():
    """Flask, SQLAlchemy and the same one-row query, nothing else: the floor we compare with."""
    from flask import Flask, abort, jsonify
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from suppliers.models import Supplier

    engine = make_engine(os.environ["BENCH_WEB_DB"])
    org_id = int(os.environ["BENCH_WEB_ORG"])
    columns = [c.key for c in Supplier.__table__.columns]
    app = Flask(__name__)

    @app.get("/api/v1/suppliers/<int:supplier_id>")
    def get_supplier(supplier_id: int):
        with Session(engine) as session:
            supplier = session.get(Supplier, supplier_id)
            if supplier is None or supplier.org_id != org_id:
                abort(404)
            return jsonify({key: getattr(supplier, key) for key in columns})

    return app


# --- set-up ------------------------------------------------------------------------------------

def seed(folder: Path, suppliers: int) -> tuple[str, int, int, str]:
    """A migrated SQLite file with one buyer, its suppliers and a Bearer token."""
    from sqlalchemy import insert

    from app.auth.services import create_org, create_user, issue_token
    from app.db import get_db, utcnow
    from bench.common import make_app
    from suppliers.models import Supplier

    url = f"sqlite:///{folder / 'web.db'}"
    app = make_app(url)
    with app.app_context():
        session = get_db(app).new_session()
        org = create_org(session, name="Web Bench Buyer", kind="buyer")
        user = create_user(session, org=org, email="bench-web@example.org", role="compliance",
                           password=PASSWORD, fast_hash=True)
        now = utcnow()
        ids = session.execute(
            insert(Supplier.__table__).returning(Supplier.__table__.c.id),
            [{"org_id": org.id, "external_id": f"W{i:05d}", "name": f"Web Supplier {i}",
              "name_key": f"web supplier {i}", "country": "VN", "kind": "manufacturer",
              "sector": "Apparel", "products": ["yarn"], "address": f"{i} Mill Road",
              "workers": 100 + i, "migrant_workers": 10, "female_workers": 50, "os_id": None,
              "lei": None, "duns": None, "tier": 1, "created_at": now, "updated_at": now,
              "version": 1} for i in range(suppliers)],
        ).scalars().all()
        _token, raw = issue_token(session, user)
        org_id = org.id
        session.commit()
        session.close()
    from app.db import get_db as _get_db

    _get_db(app).engine.dispose()
    return url, org_id, ids[len(ids) // 2], raw


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, factory: str, env: dict[str, str], workers: int = 2) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning", f"bench.bench_web:{factory}"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        )

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited")
            try:
                urllib.request.urlopen(self.base + path, timeout=2).close()  # noqa: S310
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """User + system CPU of the worker processes so far (Linux /proc)."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in children.split():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


# --- load ----------------------------------------------------------------------------------

def _wrk(url: str, headers: dict[str, str], duration: int, connections: int):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True,
                         timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{bad.group(1)} failed responses from {url}")
    return rps, float(p50.group(1)) * scale


def _python_load(url: str, headers: dict[str, str], duration: int, connections: int):
    """A bounded client: `connections` threads, each one request at a time, for `duration` s."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    stop = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures: list[int] = []

    def worker(i: int) -> None:
        while time.monotonic() < stop:
            conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
            started = time.perf_counter()
            conn.request("GET", parts.path, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies[i].append(time.perf_counter() - started)
            if response.status != 200:
                failures.append(response.status)
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    if failures:
        raise RuntimeError(f"{len(failures)} failed responses from {url}")
    flat = [x for per in latencies for x in per]
    return len(flat) / elapsed, statistics.median(flat) * 1000


def load(url: str, headers: dict[str, str], duration: int, connections: int):
    if shutil.which("wrk"):
        return _wrk(url, headers, duration, connections)
    return _python_load(url, headers, duration, connections)


# --- profile ---------------------------------------------------------------------------------

def profile(url: str, org_id: int, supplier_id: int, token: str, folder: Path) -> None:
    """cProfile of the token read, in process, after a warm-up: where the time goes."""
    os.environ.update(BENCH_WEB_DB=url, BENCH_WEB_DIR=str(folder), BENCH_WEB_ORG=str(org_id))
    client = tierlight_app().test_client()
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/suppliers/{supplier_id}"
    for _ in range(200):
        assert client.get(path, headers=headers).status_code == 200
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(2000):
        client.get(path, headers=headers)
    profiler.disable()
    out = io.StringIO()
    order = os.environ.get("BENCH_SORT", "cumulative")
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(45)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tierlight-web-"))
    url, org_id, supplier_id, token = seed(folder, args.suppliers)
    if args.profile:
        profile(url, org_id, supplier_id, token, folder)
        return
    env = {"BENCH_WEB_DB": url, "BENCH_WEB_DIR": str(folder), "BENCH_WEB_ORG": str(org_id)}
    path = f"/api/v1/suppliers/{supplier_id}"
    auth = {"Authorization": f"Bearer {token}"}
    bare, tierlight = Server("bare_app()", env), Server("tierlight_app()", env)
    results: dict[str, list[tuple[float, float, float]]] = {
        "bare": [], "token": [], "healthz": []}
    try:
        bare.wait(path)
        tierlight.wait("/healthz")
        for server, target, headers in ((bare, path, {}), (tierlight, path, auth),
                                        (tierlight, "/healthz", {})):
            load(server.base + target, headers, 2, args.connections)  # warm-up
        lines = (("bare", bare, path, {}), ("token", tierlight, path, auth),
                 ("healthz", tierlight, "/healthz", {}))
        for _ in range(args.rounds):  # interleaved, so a busy moment hits every line alike
            for key, server, target, headers in lines:
                cpu = server.cpu_seconds()
                rps, p50 = load(server.base + target, headers, args.duration, args.connections)
                cpu_ms = (server.cpu_seconds() - cpu) * 1000 / (rps * args.duration)
                results[key].append((rps, p50, cpu_ms))
    finally:
        bare.stop()
        tierlight.stop()
    tool = "wrk" if shutil.which("wrk") else "python client"
    print(f"Web requests, gunicorn 2 workers, SQLite, {args.suppliers:,} suppliers, {tool}, "
          f"{args.connections} connections, {args.rounds} x {args.duration} s (best round)")
    best = {k: max(v) for k, v in results.items()}
    labels = {"bare": "bare Flask + SQLAlchemy, one row",
              "token": f"GET {path} (Bearer)", "healthz": "GET /healthz"}
    for key, (rps, p50, cpu_ms) in best.items():
        print(f"  {labels[key]:<40} {rps:8,.0f} req/s   p50 {p50:6.2f} ms   "
              f"server CPU {cpu_ms:5.2f} ms/request")
    ratio = best["token"][0] / best["bare"][0]
    cpu_ratio = best["bare"][2] / best["token"][2]
    print(f"  token read / bare app: {ratio:.0%} of the requests/s (goal: 50% or more); "
          f"by server CPU per request {cpu_ratio:.0%}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
