"""A supplier organisation sees the buyers' records connected to it, and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import NotFound
from suppliers import services
from suppliers.models import Supplier
from suppliers.sharing import connected_records
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier


def test_connected_records_are_addressed_to_the_supplier_org_only(db):
    factory_org, stranger_org = make_org(db, "supplier"), make_org(db, "supplier")
    buyer_a, buyer_b = make_org(db, "buyer"), make_org(db, "buyer")
    at_a = make_supplier(db, buyer_a, name="Saigon Stitch (A's record)")
    at_b = make_supplier(db, buyer_b, name="Saigon Stitch (B's record)")
    unlinked = make_supplier(db, buyer_a, name="Bursa Tekstil")
    other = make_supplier(db, buyer_b, name="Penang Garments")
    at_a.linked_org_id = at_b.linked_org_id = factory_org.id
    other.linked_org_id = stranger_org.id
    db.flush()
    contact = make_user(db, factory_org, "supplier")
    stranger = make_user(db, stranger_org, "supplier")
    buyer_user = make_user(db, buyer_a, "compliance")

    seen = db.scalars(connected_records.query(contact).order_by(Supplier.id)).all()
    assert [s.id for s in seen] == [at_a.id, at_b.id]  # both buyers' records, one each
    assert connected_records.get(db, at_b.id, contact) is at_b
    for user, obj in ((contact, unlinked), (contact, other), (stranger, at_a),
                      (buyer_user, at_a)):  # the owner reads it through get_owned, not here
        with pytest.raises(NotFound):
            connected_records.get(db, obj.id, user)
    with pytest.raises(NotFound):
        connected_records.get(db, "2'; --", contact)

    services.archive_supplier(db, at_a, actor=None)
    assert [s.id for s in db.scalars(connected_records.query(contact))] == [at_b.id]


def test_deleting_the_supplier_org_disconnects_the_record(db):
    factory_org, buyer = make_org(db, "supplier"), make_org(db, "buyer")
    record = make_supplier(db, buyer)
    record.linked_org_id = factory_org.id
    db.flush()
    db.delete(factory_org)
    db.flush()
    db.expire_all()
    assert db.scalar(select(Supplier.linked_org_id).where(Supplier.id == record.id)) is None


def test_the_supplier_page_names_the_connected_organisation(logged_in, db, compliance_user):
    factory_org = make_org(db, "supplier", name="Saigon Stitch Co. (portal)")
    record = make_supplier(db, compliance_user.org, name="Saigon Stitch")
    page = logged_in.get(f"/suppliers/{record.id}")
    assert "connected to Saigon" not in page.text
    record.linked_org_id = factory_org.id
    db.commit()
    page = logged_in.get(f"/suppliers/{record.id}")
    assert "connected to Saigon Stitch Co. (portal)" in page.text
