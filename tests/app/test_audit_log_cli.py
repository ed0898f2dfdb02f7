"""`flask audit-log verify` as an operator runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy.orm import Session

from app.activity.checkpoints import export_checkpoints, write_checkpoints
from app.config import load_config
from app.db import make_engine
from app.migrations import alembic_config
from tests.factories import make_org, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_verify_process_catches_a_rewind_done_with_sqlite3(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    database = instance / "tierlight.db"
    monkeypatch.setenv("TIERLIGHT_INSTANCE", str(instance))
    for name in ("AUDIT_LOG_KEY", "DATABASE_URL", "TIERLIGHT_ENV"):
        monkeypatch.delenv(name, raising=False)
    key = load_config()["AUDIT_LOG_KEY"]  # generated into the instance folder, as the CLI does
    # Set-up in-process (process starts are slow here); the check runs as its own process.
    url = f"sqlite:///{database}"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        org = make_org(session, name="Rewind Ltd")
        for _ in range(3):
            make_user(session, org)
        assert write_checkpoints(session, key) == 1
        exported = tmp_path / "checkpoints.jsonl"
        exported.write_text("".join(json.dumps(c) + "\n" for c in export_checkpoints(session)))
        session.commit()
    engine.dispose()
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert key.encode() not in database.read_bytes()

    # The attacker cuts the last entry off and rewinds the head, with the sqlite3 module.
    with sqlite3.connect(database) as conn:
        last_id, seq = conn.execute(
            "SELECT id, seq FROM activity_entries ORDER BY seq DESC LIMIT 1").fetchone()
        prev = conn.execute("SELECT hash FROM activity_entries WHERE seq = ?",
                            (seq - 1,)).fetchone()[0]
        conn.execute("DELETE FROM activity_entries WHERE id = ?", (last_id,))
        conn.execute("UPDATE activity_heads SET seq = ?, head_hash = ?", (seq - 1, prev))
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "audit-log", "verify",
         "--checkpoints", str(exported)],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "BROKEN Rewind Ltd" in result.stdout and f"seq {seq}" in result.stdout
    assert f"entry id {last_id}" in result.stdout
