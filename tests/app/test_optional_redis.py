"""Redis is an optional extra: without the package, the app starts and serves."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_app_serves_without_the_redis_package(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.modules["redis"] = None  # as if the `redis` extra were not installed
        from app import create_app
        app = create_app({{"DATABASE_URL": "sqlite:///{tmp_path}/t.db", "SECRET_KEY": "x",
                           "INSTANCE_PATH": "{tmp_path}", "RATELIMIT_STORAGE_URI": "memory://"}})
        response = app.test_client().get("/healthz")
        assert response.status_code == 200, response.status_code
        loaded = sorted(m for m in sys.modules if m == "redis" or m.startswith("redis."))
        assert sys.modules["redis"] is None and loaded == ["redis"], loaded
        print("served")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "served" in done.stdout
