"""Upgrading a database with history: old entries still verify, unchanged; edges survive.

Runs on a database of its own (a SQLite file, or a scratch PostgreSQL database when
TEST_DATABASE_URL points at PostgreSQL), migrated to the revision before this change, filled
the way the old code filled it, then upgraded to head.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.activity.chain import GENESIS, entry_hash
from app.activity.services import record, verify_chain
from app.db import make_engine
from app.migrations import alembic_config

BEFORE = "0ffcd53e2ade"


@pytest.fixture
def scratch_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'upgrade.db'}"
        return
    name = f"tl_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _old_entries(conn, org_id: int, count: int) -> str:
    """Entries exactly as the code before hash_version hashed them (actor_id left out)."""
    prev = GENESIS
    for seq in range(1, count + 1):
        created = datetime(2026, 11, 20, 9, seq, 7, 123456, tzinfo=UTC)
        fields = {"org_id": org_id, "seq": seq, "created_at": created,
                  "actor_email": "ana@acme.example", "action": "supplier.created",
                  "object_type": "supplier", "object_id": seq, "summary": f"Mill {seq}",
                  "details": {"country": "IN"}}
        digest = entry_hash(prev, fields)
        conn.execute(text(
            "INSERT INTO activity_entries (org_id, seq, created_at, actor_id, actor_email, "
            "action, object_type, object_id, summary, details, prev_hash, hash) VALUES "
            "(:org, :seq, :created, 1, 'ana@acme.example', 'supplier.created', 'supplier', "
            ":seq, :summary, '{\"country\": \"IN\"}', :prev, :hash)"),
            {"org": org_id, "seq": seq, "summary": f"Mill {seq}", "prev": prev, "hash": digest,
             "created": created if conn.dialect.name != "sqlite"
             else created.replace(tzinfo=None).isoformat(sep=" ")})
        prev = digest
    conn.execute(text("INSERT INTO activity_heads (org_id, seq, head_hash) VALUES (:o, :s, :h)"),
                 {"o": org_id, "s": count, "h": prev})
    return prev


def test_upgrade_keeps_old_entries_verifiable_and_relationships_intact(scratch_url):
    command.upgrade(alembic_config(scratch_url), BEFORE)
    engine = make_engine(scratch_url)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    stamp = now if engine.dialect.name != "sqlite" else now.replace(tzinfo=None).isoformat(sep=" ")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organizations (id, name, kind, created_at) "
                          "VALUES (1, 'Acme Ltd', 'buyer', :t)"), {"t": stamp})
        conn.execute(text(
            "INSERT INTO users (id, org_id, email, name, role, password_hash, is_active, "
            "failed_logins, created_at) VALUES (1, 1, 'ana@acme.example', 'Ana', "
            "'compliance', 'x', true, 0, :t)"), {"t": stamp})
        for sid in (1, 2):
            conn.execute(text(
                "INSERT INTO suppliers (id, org_id, name, name_key, country, kind, products, "
                "created_at, updated_at, version) VALUES (:id, 1, :n, :k, 'IN', 'other', '[]', "
                ":t, :t, 1)"), {"id": sid, "n": f"Mill {sid}", "k": f"mill {sid}", "t": stamp})
        conn.execute(text(
            "INSERT INTO relationships (org_id, supplier_id, customer_id, customer_key, kind, "
            "created_at) VALUES (1, 1, 2, 2, 'goods', :t), (1, 2, NULL, 0, 'labour', :t)"),
            {"t": stamp})
        head = _old_entries(conn, 1, 5)
        before = conn.execute(text("SELECT id, hash FROM activity_entries ORDER BY seq")).all()
    engine.dispose()

    command.upgrade(alembic_config(scratch_url), "head")

    engine = make_engine(scratch_url)
    with Session(engine) as session:
        after = session.execute(text("SELECT id, hash FROM activity_entries ORDER BY seq")).all()
        assert after == before  # not one stored hash rewritten
        assert session.scalars(text("SELECT DISTINCT hash_version FROM activity_entries")).all() \
            == [1]
        assert verify_chain(session, 1) is None
        newer = record(session, org_id=1, actor=None, action="supplier.updated")
        assert newer.prev_hash == head and newer.hash_version == 2
        assert verify_chain(session, 1) is None
        edges = session.execute(text("SELECT supplier_id, customer_id, kind FROM relationships "
                                     "ORDER BY supplier_id")).all()
        assert [tuple(e) for e in edges] == [(1, 2, "goods"), (2, None, "labour")]
        session.rollback()
    engine.dispose()
