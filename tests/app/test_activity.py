"""The activity log's hash chain: tampering is found and named."""

from __future__ import annotations

from sqlalchemy import select, update

from app.activity.chain import GENESIS, entry_hash, verify
from app.activity.models import ActivityEntry
from app.activity.services import record, verify_chain
from app.cli import audit_verify
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


def test_activity_page_lists_entries_of_own_org_only(logged_in, db, compliance_user):
    other = make_org(db, name="Someone Else Entirely")
    db.commit()
    page = logged_in.get("/activity")
    assert page.status_code == 200
    assert "user.created" in page.text
    assert "Someone Else Entirely" not in page.text
    assert other.id
