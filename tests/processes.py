"""Real processes for the queue's tests: a migrated SQLite file, `flask jobs worker`, a web
server. Every process started here is stopped by the context manager that started it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command

from app import create_app
from app.migrations import alembic_config

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))


def fresh_site(tmp_path: Path, queue_url: str = "") -> dict[str, str]:
    """The environment of a Tierlight site with its own instance folder and SQLite file."""
    instance = tmp_path / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{instance / 'tierlight.db'}"
    command.upgrade(alembic_config(url), "head")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIERLIGHT_", "FLASK_"))}
    env.update({
        "TIERLIGHT_INSTANCE": str(instance), "DATABASE_URL": url,
        "SECRET_KEY": "process-test-secret", "TIERLIGHT_QUEUE_URL": queue_url,
        "RATELIMIT_ENABLED": "0", "PYTHONUNBUFFERED": "1",
    })
    return env


def site_app(env: dict[str, str], **extra):
    """An app in this process that talks to the same database and queue as the processes."""
    return create_app({
        "TESTING": True, "DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": env["SECRET_KEY"],
        "INSTANCE_PATH": env["TIERLIGHT_INSTANCE"],
        "UPLOAD_FOLDER": str(Path(env["TIERLIGHT_INSTANCE"]) / "uploads"),
        "QUEUE_URL": env["TIERLIGHT_QUEUE_URL"], "PASSWORD_HASH_FAST": True,
        "RATELIMIT_ENABLED": False, **extra,
    })


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # Huey's consumer and flask run stop on Ctrl-C
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def worker(env: dict[str, str], log: Path, *options: str, wrapped: bool = False):
    """`flask jobs worker`; wrapped=True runs it through tests/worker_main.py, which also
    loads the test job kinds (and can pause an import inside its transaction)."""
    if wrapped:
        args = [sys.executable, "-m", "tests.worker_main", *options]
    else:
        args = [FLASK, "--app", "wsgi", "jobs", "worker", *options]
    return process(args, env, log)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], timeout: float, what: str, every: float = 0.1,
             logs: tuple[Path, ...] = ()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tails}")
