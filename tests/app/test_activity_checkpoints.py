"""Keyed checkpoints: the attacks an unkeyed hash chain cannot see, done with raw SQL.

Each attacker below has write access to the database and knows how the chain is hashed, but
not AUDIT_LOG_KEY, which never reaches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import insert, select, text

from app.activity.chain import entry_hash
from app.activity.models import ActivityEntry
from app.cli import audit_cli
from tests.factories import make_org, make_user


def _org_with_entries(db, name: str, extra: int = 4):
    org = make_org(db, name=name)
    for _ in range(extra):
        make_user(db, org)
    db.commit()
    return org


def _entries(db, org):
    db.expire_all()
    return db.scalars(select(ActivityEntry).where(ActivityEntry.org_id == org.id)
                      .order_by(ActivityEntry.seq)).all()


def _run(app, *args):
    return app.test_cli_runner().invoke(audit_cli, list(args))


def _checkpoint(app):
    result = _run(app, "checkpoint")
    assert result.exit_code == 0, result.output
    return result


def _broken_line(result, org):
    lines = [line for line in result.output.splitlines() if f"(org {org.id})" in line]
    assert len(lines) == 1, result.output
    return lines[0]


def _recompute_from(db, org, seq: int, **changes):
    """Rewrite the entry at `seq`, then rehash it and everything after it, and the head."""
    entries = _entries(db, org)
    prev = None
    for entry in entries:
        if entry.seq < seq:
            prev = entry.hash
            continue
        if entry.seq == seq:
            for key, value in changes.items():
                setattr(entry, key, value)
        fields = entry.chained_fields()
        digest = entry_hash(prev, fields)
        db.execute(text("UPDATE activity_entries SET prev_hash = :p, hash = :h, "
                        "summary = :s, actor_email = :a WHERE id = :id"),
                   {"p": prev, "h": digest, "s": entry.summary, "a": entry.actor_email,
                    "id": entry.id})
        prev = digest
    db.execute(text("UPDATE activity_heads SET head_hash = :h WHERE org_id = :o"),
               {"h": prev, "o": org.id})
    db.commit()
    db.expire_all()


def test_checkpoint_is_written_only_when_the_head_moved_and_verify_passes(app, db):
    org = _org_with_entries(db, "Checkpoint Clean Buyer")
    first = _checkpoint(app)
    assert "Wrote" in first.output
    rows = db.execute(text("SELECT seq, head_hash FROM activity_checkpoints WHERE org_id = :o"),
                      {"o": org.id}).all()
    last = _entries(db, org)[-1]
    assert [tuple(r) for r in rows] == [(last.seq, last.hash)]
    _checkpoint(app)
    assert db.scalar(text("SELECT count(*) FROM activity_checkpoints WHERE org_id = :o"),
                     {"o": org.id}) == 1
    make_user(db, org)
    db.commit()
    _checkpoint(app)
    assert db.scalar(text("SELECT count(*) FROM activity_checkpoints WHERE org_id = :o"),
                     {"o": org.id}) == 2
    result = _run(app, "verify")
    assert result.exit_code == 0, result.output


def test_the_key_is_not_in_the_database(app, db):
    org = _org_with_entries(db, "Checkpoint Keyless Buyer", extra=1)
    _checkpoint(app)
    key = app.config["AUDIT_LOG_KEY"]
    assert key and len(key) >= 32
    dump = " ".join(str(v) for row in db.execute(text(
        "SELECT * FROM activity_checkpoints WHERE org_id = :o"), {"o": org.id}).all()
        for v in row)
    assert key not in dump


def test_rewind_of_entries_and_head_is_detected(app, db):
    org = _org_with_entries(db, "Checkpoint Rewind Buyer")
    _checkpoint(app)
    entries = _entries(db, org)
    keep = entries[-3]
    # Delete the last two entries and point the head at what is left: the chain is consistent.
    db.execute(text("DELETE FROM activity_entries WHERE org_id = :o AND seq > :s"),
               {"o": org.id, "s": keep.seq})
    db.execute(text("UPDATE activity_heads SET seq = :s, head_hash = :h WHERE org_id = :o"),
               {"s": keep.seq, "h": keep.hash, "o": org.id})
    db.commit()
    result = _run(app, "verify")
    assert result.exit_code == 1
    line = _broken_line(result, org)
    assert "Checkpoint Rewind Buyer" in line and f"seq {keep.seq + 1}" in line
    assert "deleted" in line


def test_entries_deleted_from_the_end_are_named(app, db):
    org = _org_with_entries(db, "Checkpoint Truncate Buyer")
    _checkpoint(app)
    last = _entries(db, org)[-1]
    db.execute(text("DELETE FROM activity_entries WHERE id = :id"), {"id": last.id})
    db.commit()
    result = _run(app, "verify")
    assert result.exit_code == 1
    line = _broken_line(result, org)
    assert f"seq {last.seq}" in line and str(last.id) in line


def test_a_recomputed_chain_is_detected(app, db):
    org = _org_with_entries(db, "Checkpoint Recompute Buyer")
    _checkpoint(app)
    target = _entries(db, org)[1]
    assert _run(app, "verify").exit_code == 0
    _recompute_from(db, org, target.seq, summary="nothing happened here")
    result = _run(app, "verify")
    assert result.exit_code == 1
    line = _broken_line(result, org)
    last = _entries(db, org)[-1]
    assert f"entry id {last.id}" in line and f"seq {last.seq}" in line
    assert "checkpoint" in line


def test_a_forged_checkpoint_is_detected(app, db):
    from app.activity.models import ActivityCheckpoint

    org = _org_with_entries(db, "Checkpoint Forgery Buyer")
    _checkpoint(app)
    target = _entries(db, org)[2]
    _recompute_from(db, org, target.seq, actor_email="someone.else@example.org")
    # Replace the real checkpoint with one for the new head, signed with a guessed key.
    last = _entries(db, org)[-1]
    db.execute(text("DELETE FROM activity_checkpoints WHERE org_id = :o"), {"o": org.id})
    created = last.created_at.isoformat()
    forged = hmac.new(b"guess", f"{org.id}{last.seq}{last.hash}{created}".encode(),
                      hashlib.sha256).hexdigest()
    db.execute(insert(ActivityCheckpoint.__table__).values(
        org_id=org.id, seq=last.seq, entry_id=last.id, head_hash=last.hash,
        created_at=last.created_at, mac=forged))
    db.commit()
    result = _run(app, "verify")
    assert result.exit_code == 1
    line = _broken_line(result, org)
    assert "HMAC" in line and f"seq {last.seq}" in line


def test_checkpoints_deleted_from_the_database_are_found_with_the_export(app, db, tmp_path):
    org = _org_with_entries(db, "Checkpoint Export Buyer")
    _checkpoint(app)
    exported = tmp_path / "checkpoints.jsonl"
    result = _run(app, "export-checkpoints", str(exported))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    mine = [c for c in lines if c["org_id"] == org.id]
    assert len(mine) == 1 and set(mine[0]) >= {"org_id", "seq", "head_hash", "created_at", "mac"}
    assert _run(app, "verify", "--checkpoints", str(exported)).exit_code == 0
    # Remove every checkpoint of the organisation, then rewrite history: the database alone
    # can no longer tell, the exported copy can.
    db.execute(text("DELETE FROM activity_checkpoints WHERE org_id = :o"), {"o": org.id})
    db.commit()
    target = _entries(db, org)[1]
    _recompute_from(db, org, target.seq, summary="rewritten")
    assert _run(app, "verify").exit_code == 0
    result = _run(app, "verify", "--checkpoints", str(exported))
    assert result.exit_code == 1
    line = _broken_line(result, org)
    assert "Checkpoint Export Buyer" in line and f"seq {mine[0]['seq']}" in line


def test_a_checkpoint_missing_from_the_database_is_reported_even_if_the_chain_is_intact(
    app, db, tmp_path
):
    org = _org_with_entries(db, "Checkpoint Missing Buyer")
    _checkpoint(app)
    exported = tmp_path / "checkpoints.jsonl"
    assert _run(app, "export-checkpoints", str(exported)).exit_code == 0
    db.execute(text("DELETE FROM activity_checkpoints WHERE org_id = :o"), {"o": org.id})
    db.commit()
    result = _run(app, "verify", "--checkpoints", str(exported))
    assert result.exit_code == 1
    assert "not in the database" in _broken_line(result, org)


def test_an_organisation_deleted_with_its_log_is_found_with_the_export(app, db, tmp_path):
    org = _org_with_entries(db, "Checkpoint Vanishing Buyer", extra=1)
    _checkpoint(app)
    exported = tmp_path / "checkpoints.jsonl"
    assert _run(app, "export-checkpoints", str(exported)).exit_code == 0
    db.execute(text("DELETE FROM organizations WHERE id = :o"), {"o": org.id})
    db.commit()
    result = _run(app, "verify", "--checkpoints", str(exported))
    assert result.exit_code == 1
    assert f"org {org.id}" in result.output and "missing" in result.output


def test_a_tampered_chain_is_not_signed(app, db, caplog):
    from app.activity.checkpoints import write_checkpoints

    org = _org_with_entries(db, "Checkpoint Refusal Buyer")
    clean = _org_with_entries(db, "Checkpoint Bystander Buyer", extra=1)
    target = _entries(db, org)[1]
    db.execute(text("UPDATE activity_entries SET summary = 'x' WHERE id = :id"),
               {"id": target.id})
    with caplog.at_level("WARNING", logger="app.activity.checkpoints"):
        written = write_checkpoints(db, app.config["AUDIT_LOG_KEY"])
    count = "SELECT count(*) FROM activity_checkpoints WHERE org_id = :o"
    assert db.scalar(text(count), {"o": org.id}) == 0
    assert db.scalar(text(count), {"o": clean.id}) == 1
    assert written >= 1
    assert f"org {org.id} not checkpointed" in caplog.text
    assert f"entry id {target.id}" in caplog.text


def test_a_malformed_export_file_is_refused_with_its_line(app, db, tmp_path):
    _org_with_entries(db, "Checkpoint Malformed Buyer", extra=1)
    _checkpoint(app)
    exported = tmp_path / "checkpoints.jsonl"
    assert _run(app, "export-checkpoints", str(exported)).exit_code == 0
    exported.write_text(exported.read_text() + '{"org_id": "1", "seq": 2}\n')
    result = _run(app, "verify", "--checkpoints", str(exported))
    assert result.exit_code == 1
    assert "line 2: not an exported checkpoint" in result.output


def test_an_edited_exported_checkpoint_fails_its_hmac(app, db, tmp_path):
    org = _org_with_entries(db, "Checkpoint Edited Export Buyer", extra=1)
    _checkpoint(app)
    exported = tmp_path / "checkpoints.jsonl"
    assert _run(app, "export-checkpoints", str(exported)).exit_code == 0
    items = [json.loads(line) for line in exported.read_text().splitlines()]
    for item in items:
        if item["org_id"] == org.id:
            item["seq"] -= 1
    exported.write_text("".join(json.dumps(i) + "\n" for i in items))
    result = _run(app, "verify", "--checkpoints", str(exported))
    assert result.exit_code == 1
    assert "HMAC" in _broken_line(result, org)


def test_the_daily_tick_writes_checkpoints(app, db):
    """The checkpoints are written by the queue's daily tick, not only by the CLI."""
    from sqlalchemy import func

    from app.activity.models import ActivityCheckpoint
    from app.queue import run_daily

    org = make_org(db, "buyer")
    db.commit()
    before = db.scalar(select(func.count(ActivityCheckpoint.id))
                       .where(ActivityCheckpoint.org_id == org.id))
    with app.app_context():  # as in the worker, which runs every task in an app context
        outcome = run_daily(app)
    assert outcome.get("app.activity.checkpoints.daily_checkpoint") == "ok", outcome
    after = db.scalar(select(func.count(ActivityCheckpoint.id))
                      .where(ActivityCheckpoint.org_id == org.id))
    assert (before, after) == (0, 1)
