"""The database itself refuses a relationship between two organisations' suppliers."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import make_org
from tests.suppliers.factories import make_supplier

INSERT = text(
    "INSERT INTO relationships (org_id, supplier_id, customer_id, customer_key, kind, "
    "created_at) VALUES (:org, :supplier, :customer, :key, 'goods', CURRENT_TIMESTAMP)"
)


def _insert(db, org, supplier, customer=None):
    with db.begin_nested():
        db.execute(INSERT, {"org": org.id, "supplier": supplier.id,
                            "customer": customer.id if customer else None,
                            "key": customer.id if customer else 0})


def test_raw_insert_joining_two_organisations_is_refused(db):
    mine, theirs = make_org(db), make_org(db)
    own, other_own = make_supplier(db, mine), make_supplier(db, mine)
    foreign = make_supplier(db, theirs)
    _insert(db, mine, own, other_own)  # the same organisation: accepted
    _insert(db, mine, own)  # to our company: accepted
    for supplier, customer in ((own, foreign), (foreign, own)):
        with pytest.raises(IntegrityError):
            _insert(db, mine, supplier, customer)
    with pytest.raises(IntegrityError):
        _insert(db, mine, foreign)  # the org's edge from another org's supplier
    with pytest.raises(IntegrityError):
        _insert(db, theirs, foreign, own)


def test_moving_a_supplier_to_another_organisation_is_refused_while_it_has_edges(db):
    mine, theirs = make_org(db), make_org(db)
    own, customer = make_supplier(db, mine), make_supplier(db, mine)
    _insert(db, mine, own, customer)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE suppliers SET org_id = :o WHERE id = :id"),
                   {"o": theirs.id, "id": own.id})


def test_deleting_a_supplier_still_removes_its_edges(db):
    org = make_org(db)
    own, customer = make_supplier(db, org), make_supplier(db, org)
    _insert(db, org, own, customer)
    db.execute(text("DELETE FROM suppliers WHERE id = :id"), {"id": customer.id})
    assert db.scalar(text("SELECT count(*) FROM relationships WHERE supplier_id = :id"),
                     {"id": own.id}) == 0
