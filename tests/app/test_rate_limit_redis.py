"""Login limits hold across worker processes when they share Redis (PITFALLS: per-worker limits)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

WORKER = """
import json, sys
from app import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x", "TESTING": True,
                  "RATELIMIT_STORAGE_URI": sys.argv[2], "RATELIMIT_KEY_PREFIX": sys.argv[3],
                  "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "20 per minute",
                  "INSTANCE_PATH": sys.argv[4]})
client = app.test_client()
codes = [client.post("/login", data={"email": "nobody@example.org",
                                     "password": "wrong-password-1"}).status_code
         for _ in range(12)]
print(json.dumps(codes))
"""


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


def _workers(app, storage: str, tmp_path) -> list[int]:
    prefix = f"tierlight-test-{uuid.uuid4().hex}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, app.config["DATABASE_URL"], storage, prefix,
             str(tmp_path)],
            stdout=subprocess.PIPE, text=True, cwd=os.getcwd(),
        )
        for _ in range(2)
    ]
    codes = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        codes += json.loads(out.strip().splitlines()[-1])
    return codes


def test_two_workers_share_one_limit_through_redis(app, tmp_path):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS}")
        pytest.skip(f"Redis is not reachable at {REDIS}")
    codes = _workers(app, REDIS, tmp_path)
    assert codes.count(401) == 20 and codes.count(429) == 4


def test_memory_storage_is_per_worker(app, tmp_path):
    # The trap itself: with memory:// each process counts alone and lets 24 attempts through.
    codes = _workers(app, "memory://", tmp_path)
    assert codes.count(429) == 0
