"""The activity log's hash chain: tampering is found and named."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.activity.chain import GENESIS, entry_hash, verify
from app.activity.models import ActivityEntry, ActivityHead
from app.activity.services import record, verify_chain
from app.auth.models import Organization, User
from app.cli import audit_verify
from app.db import utcnow
from tests.factories import make_org, make_user


def test_chain_links_entries(db):
    org = make_org(db)
    user = make_user(db, org)
    record(db, org_id=org.id, actor=user, action="supplier.created", object_type="supplier",
           object_id=7, summary="Tiruppur Mill", details={"country": "IN"})
    entries = db.scalars(
        select(ActivityEntry).where(ActivityEntry.org_id == org.id).order_by(ActivityEntry.seq)
    ).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert verify_chain(db, org.id) is None


def test_pure_verify_reports_first_break():
    fields = [{"n": i} for i in range(3)]
    rows, prev = [], GENESIS
    for i, f in enumerate(fields, start=1):
        h = entry_hash(prev, f)
        rows.append((100 + i, i, prev, h, f))
        prev = h
    assert verify(rows) is None
    tampered = [*rows]
    tampered[1] = (102, 2, rows[1][2], rows[1][3], {"n": 99})
    broken = verify(tampered)
    assert broken.entry_id == 102 and "content" in broken.reason


def test_changing_a_stored_entry_fails_cli_verify_and_names_it(app, db):
    org = make_org(db, name="Tamper Test Buyer")
    make_user(db, org)
    db.commit()
    target = db.scalar(
        select(ActivityEntry).where(ActivityEntry.org_id == org.id, ActivityEntry.seq == 2)
    )
    runner = app.test_cli_runner()
    assert runner.invoke(audit_verify).exit_code == 0
    db.execute(update(ActivityEntry).where(ActivityEntry.id == target.id)
               .values(summary="nothing to see here"))
    db.commit()
    result = runner.invoke(audit_verify)
    assert result.exit_code == 1
    assert f"entry id {target.id}" in result.output
    assert "Tamper Test Buyer" in result.output


def test_deleting_the_last_entry_is_detected(db):
    org = make_org(db)
    make_user(db, org)
    last = db.scalar(
        select(ActivityEntry).where(ActivityEntry.org_id == org.id)
        .order_by(ActivityEntry.seq.desc()).limit(1)
    )
    db.delete(last)
    db.flush()
    broken = verify_chain(db, org.id)
    assert broken is not None and "removed" in broken.reason


def test_a_deleted_chain_head_is_detected(app, db):
    org = make_org(db, name="Headless Buyer")
    db.commit()
    db.execute(text("DELETE FROM activity_heads WHERE org_id = :o"), {"o": org.id})
    db.commit()
    result = app.test_cli_runner().invoke(audit_verify)
    assert result.exit_code == 1 and "Headless Buyer" in result.output
    assert "head is missing" in result.output


def test_activity_page_lists_entries_of_own_org_only(logged_in, db, compliance_user):
    other = make_org(db, name="Someone Else Entirely")
    secret = record(db, org_id=other.id, actor=None, action="supplier.created",
                    object_type="supplier", object_id=987654, summary="Hidden Tannery Ltd")
    mine = record(db, org_id=compliance_user.org_id, actor=compliance_user,
                  action="supplier.created", object_type="supplier", object_id=123456,
                  summary="Visible Spinning Mill")
    db.commit()
    page = logged_in.get("/activity")
    assert page.status_code == 200
    assert mine.summary in page.text and f"#{mine.object_id}" in page.text
    assert "Someone Else Entirely" not in page.text
    assert secret.summary not in page.text and f"#{secret.object_id}" not in page.text


def _v1_fields(org_id, seq, created_at, action):
    # The field set hashed before hash_version existed (no actor_id), written out by hand so
    # that this test does not trust the code it checks.
    return {"org_id": org_id, "seq": seq, "created_at": created_at, "actor_email": "system",
            "action": action, "object_type": "organization", "object_id": None,
            "summary": "", "details": {}}


def test_actor_id_is_hashed(db):
    org = make_org(db)
    author, other = make_user(db, org), make_user(db, org)
    entry = record(db, org_id=org.id, actor=author, action="supplier.updated",
                   object_type="supplier", object_id=3, summary="Tiruppur Mill")
    assert verify_chain(db, org.id) is None
    # Pin the action on someone else, as an attacker with database access would.
    db.execute(text("UPDATE activity_entries SET actor_id = :other WHERE id = :id"),
               {"other": other.id, "id": entry.id})
    db.expire_all()
    broken = verify_chain(db, org.id)
    assert broken is not None and broken.entry_id == entry.id and broken.seq == entry.seq


def test_entries_hashed_before_actor_id_was_hashed_still_verify(db):
    org = make_org(db)
    # A chain as the old code wrote it (hash_version 1 from the start), then new entries.
    db.execute(text("DELETE FROM activity_entries WHERE org_id = :o"), {"o": org.id})
    prev, seq = GENESIS, 0
    for action in ("legacy.one", "legacy.two"):
        seq += 1
        created = utcnow()
        digest = entry_hash(prev, _v1_fields(org.id, seq, created, action))
        db.execute(insert(ActivityEntry.__table__).values(
            org_id=org.id, seq=seq, created_at=created, actor_id=None, actor_email="system",
            action=action, object_type="organization", object_id=None, summary="",
            details={}, prev_hash=prev, hash=digest, hash_version=1))
        prev = digest
    db.execute(update(ActivityHead).where(ActivityHead.org_id == org.id)
               .values(seq=seq, head_hash=prev))
    db.expire_all()
    newer = record(db, org_id=org.id, actor=make_user(db, org), action="supplier.created")
    assert newer.hash_version == 2
    assert verify_chain(db, org.id) is None


def test_downgrading_an_entry_to_the_old_field_set_is_detected(db):
    org = make_org(db)
    user = make_user(db, org)
    entry = record(db, org_id=org.id, actor=user, action="supplier.updated")
    # Recompute the entry as a v1 entry (which leaves actor_id out) after changing the actor.
    fields = _v1_fields(org.id, entry.seq, entry.created_at, "supplier.updated")
    fields["actor_email"] = user.email
    digest = entry_hash(entry.prev_hash, fields)
    db.execute(text("UPDATE activity_entries SET hash_version = 1, actor_id = NULL, hash = :h "
                    "WHERE id = :id"), {"h": digest, "id": entry.id})
    db.execute(text("UPDATE activity_heads SET head_hash = :h WHERE org_id = :o"),
               {"h": digest, "o": org.id})
    db.expire_all()
    broken = verify_chain(db, org.id)
    assert broken is not None and broken.entry_id == entry.id and "version" in broken.reason


def test_users_with_activity_cannot_be_deleted_but_organisations_can(db):
    org = make_org(db)
    user = make_user(db, org)
    record(db, org_id=org.id, actor=user, action="supplier.created")
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    kept = select(ActivityEntry.actor_id).where(ActivityEntry.seq == 3,
                                                ActivityEntry.org_id == org.id)
    assert db.scalar(kept) == user.id
    # Organisations go with everything they own, their users' entries included (raw SQL and
    # the ORM, as tests/concurrency.py deletes them).
    gone = make_org(db)
    record(db, org_id=gone.id, actor=make_user(db, gone), action="supplier.created")
    db.execute(text("DELETE FROM organizations WHERE id = :id"), {"id": gone.id})
    assert db.scalar(select(ActivityEntry.id).where(ActivityEntry.org_id == gone.id)) is None
    org_id = org.id
    db.expire_all()
    db.delete(db.get(Organization, org_id))
    db.flush()
    assert db.scalar(select(User.id).where(User.org_id == org_id)) is None
    assert db.scalar(select(ActivityEntry.id).where(ActivityEntry.org_id == org_id)) is None


class _OtherBase(DeclarativeBase):
    pass


class LedgerEntry(_OtherBase):
    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_object_type_is_named_from_the_model_not_its_table(db):
    org = make_org(db)
    entry = record(db, org_id=org.id, actor=None, action="ledger.repaid", obj=LedgerEntry(id=41))
    assert (entry.object_type, entry.object_id) == ("ledger_entry", 41)
    user = make_user(db, org)
    assert record(db, org_id=org.id, actor=None, action="x", obj=user).object_type == "user"
    assert record(db, org_id=org.id, actor=None, action="x", obj=org).object_type == "organization"
