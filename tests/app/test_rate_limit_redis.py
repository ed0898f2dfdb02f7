"""Login limits hold across worker processes when they share Redis (PITFALLS: per-worker limits).

Two real gunicorn processes on two ports serve our login route (on the test database), and the
attempts alternate between them, so each process sees only half. With Redis they share one
count (20 per minute: 24 attempts give exactly 20 x 401 and 4 x 429); with memory:// each
process counts alone and refuses nothing, which is the trap itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = 24


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _servers(app, storage: str, tmp_path, limit: str, count: int = 2):
    config = {
        "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "rate-limit-test-secret",
        "INSTANCE_PATH": str(tmp_path), "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RATELIMIT_STORAGE_URI": storage, "LOGIN_RATE_LIMIT": limit,
        "WTF_CSRF_ENABLED": False,  # one request per attempt; CSRF has its own tests
        "RATELIMIT_KEY_PREFIX": f"tierlight-test-{uuid.uuid4().hex}",
    }
    ports = [_free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", f"app:create_app({config!r})"],
            cwd=ROOT, env={**os.environ, "TIERLIGHT_INSTANCE": str(tmp_path)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60
        for base, proc in zip(bases, procs, strict=True):
            while True:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.2)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
            proc.stderr.close()


def _attempt(base: str) -> int:
    data = urllib.parse.urlencode(
        {"email": "nobody@example.org", "password": "wrong-pass-1"}).encode()
    try:
        with urllib.request.urlopen(f"{base}/login", data=data, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def _codes(app, storage: str, tmp_path, limit: str, attempts: int) -> list[int]:
    with _servers(app, storage, tmp_path, limit) as bases:
        return [_attempt(bases[i % 2]) for i in range(attempts)]


def test_two_worker_processes_share_one_login_limit_through_redis(app, tmp_path):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS}")
        pytest.skip(f"Redis is not reachable at {REDIS}")
    codes = _codes(app, REDIS, tmp_path, "20 per minute", ATTEMPTS)
    assert codes.count(401) == 20 and codes.count(429) == 4, codes
    assert codes[20:] == [429] * 4  # the 21st attempt, whichever process it reached


def test_memory_storage_counts_per_process(app, tmp_path):
    # The trap this guards against: 8 attempts against 5 per minute, 4 per process, none
    # refused (one shared count would refuse 3).
    codes = _codes(app, "memory://", tmp_path, "5 per minute", 8)
    assert codes == [401] * 8, codes
