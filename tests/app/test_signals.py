"""Signals reach their receivers only after the transaction commits, never after a rollback."""

from __future__ import annotations

from sqlalchemy import text

from app import signals
from app.db import get_db
from suppliers import services
from tests.factories import make_org
from tests.signal_helpers import received
from tests.suppliers.factories import make_supplier


def test_receivers_run_after_commit_with_the_ids(db):
    org = make_org(db)
    with received(signals.supplier_created, signals.supplier_changed) as got:
        supplier = make_supplier(db, org, name="Tiruppur Knit Mills")
        services.update_supplier(db, supplier, actor=None, values={"workers": 900})
        assert got == []  # flushed, not committed: nobody has heard of it yet
        db.commit()
    assert got == [
        ("suppliers", {"org_id": org.id, "supplier_id": supplier.id}),
        ("suppliers", {"org_id": org.id, "supplier_id": supplier.id, "changed": ["workers"]}),
    ]


def test_rollback_drops_the_queued_signals(db):
    org = make_org(db)
    db.commit()
    with received(signals.supplier_created) as got:
        make_supplier(db, org)
        db.rollback()
        db.commit()  # a later commit must not deliver what was rolled back
    assert got == []


def test_archive_and_restore_signal_after_commit(app, db):
    org = make_org(db)
    supplier = make_supplier(db, org)
    db.commit()
    with received(signals.supplier_archived, signals.supplier_restored) as got:
        services.archive_supplier(db, supplier, actor=None)
        db.commit()
        services.restore_supplier(db, supplier, actor=None)
        db.commit()
    assert [kw["supplier_id"] for _, kw in got] == [supplier.id, supplier.id]


def test_a_session_closed_without_commit_drops_its_queue(app, db):
    session = get_db(app).new_session()
    with received(signals.supplier_created) as got:
        session.execute(text("SELECT 1"))  # what a service does before it queues: write
        signals.queue(session, signals.supplier_created, "suppliers", org_id=1, supplier_id=1)
        session.close()  # the end of a request that raised: rolled back
        assert signals.pending(session) == []
        session.commit()
    assert got == []


def test_a_failing_receiver_does_not_stop_the_others(db, caplog):
    org = make_org(db)

    def broken(sender, **kwargs):
        raise RuntimeError("receiver bug")

    signals.supplier_created.connect(broken)
    try:
        with received(signals.supplier_created) as got:
            make_supplier(db, org)
            db.commit()
    finally:
        signals.supplier_created.disconnect(broken)
    assert len(got) == 1
    assert "receiver of supplier-created failed" in caplog.text
