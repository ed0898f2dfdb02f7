"""Merging a duplicate: edges move, nothing is lost, the duplicate is archived, a signal says so."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import signals
from app.errors import ValidationFailed
from suppliers import services
from suppliers.models import Relationship, Supplier
from tests.factories import make_org
from tests.suppliers.factories import link, make_supplier


def _edges(db, org):
    return sorted(db.execute(select(Relationship.supplier_id, Relationship.customer_id,
                                    Relationship.kind).where(Relationship.org_id == org.id)))


def test_merge_moves_edges_and_archives_the_duplicate(db, buyer):
    keep = make_supplier(db, buyer, name="Saigon Stitch", os_id=None)
    dup = make_supplier(db, buyer, name="SAIGON STITCH CO", os_id="VN2021123ABCDEF",
                        lei="HWUPKR0MPOU8FGXBT394")
    mill = make_supplier(db, buyer, name="Anhui Cotton Spinning")
    agency = make_supplier(db, buyer, name="Kathmandu Manpower", kind="recruitment_agency")
    link(db, buyer, keep)  # keep -> company
    link(db, buyer, dup)  # dup -> company: the same edge once merged, dropped
    link(db, buyer, mill, dup)  # mill -> dup becomes mill -> keep
    link(db, buyer, agency, dup, kind="labour")
    link(db, buyer, dup, keep)  # would become a self-loop: dropped
    db.commit()
    got = []

    def receiver(sender, **kwargs):
        got.append(kwargs)

    with signals.supplier_merged.connected_to(receiver):
        services.merge_suppliers(db, keep, dup, actor=None)
        assert got == []
        db.commit()
    assert got == [{"org_id": buyer.id, "supplier_id": keep.id, "merged_ids": [dup.id]}]
    assert _edges(db, buyer) == sorted([(keep.id, None, "goods"), (mill.id, keep.id, "goods"),
                                        (agency.id, keep.id, "labour")])
    db.expire_all()
    kept, gone = db.get(Supplier, keep.id), db.get(Supplier, dup.id)
    assert kept.os_id == "VN2021123ABCDEF" and kept.lei == "HWUPKR0MPOU8FGXBT394"
    assert gone.archived_at is not None and gone.os_id is None
    assert [db.get(Supplier, s.id).tier for s in (keep, mill, agency)] == [1, 2, 2]


def test_merge_refuses_another_tenants_or_the_same_supplier(db, buyer):
    keep = make_supplier(db, buyer)
    stranger = make_supplier(db, make_org(db))
    for other in (keep, stranger):
        with pytest.raises(ValidationFailed):
            services.merge_suppliers(db, keep, other, actor=None)
