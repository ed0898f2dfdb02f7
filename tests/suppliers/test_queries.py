"""The supplier page's data comes from one query function."""

from __future__ import annotations

import pytest

from app.errors import NotFound
from suppliers import queries
from tests.factories import make_org
from tests.suppliers.factories import link, make_supplier


def test_supplier_page_holds_edges_paths_and_names(db, buyer):
    tier1 = make_supplier(db, buyer, name="Saigon Stitch")
    mill = make_supplier(db, buyer, name="Anhui Cotton Spinning")
    agency = make_supplier(db, buyer, name="Kathmandu Manpower", kind="recruitment_agency")
    link(db, buyer, tier1)
    link(db, buyer, mill, tier1)
    link(db, buyer, agency, mill, kind="labour")
    page = queries.supplier_page(db, buyer.id, mill.id)
    assert page.supplier is mill
    assert [(r.supplier_id, r.customer_id) for r in page.customers] == [(mill.id, tier1.id)]
    assert [(r.supplier_id, r.kind) for r in page.upstream] == [(agency.id, "labour")]
    assert page.paths.paths == [[mill.id, tier1.id]]
    assert page.names == {mill.id: "Anhui Cotton Spinning", tier1.id: "Saigon Stitch"}


def test_supplier_page_of_another_tenant_is_not_found(db, buyer):
    theirs = make_supplier(db, make_org(db))
    with pytest.raises(NotFound):
        queries.supplier_page(db, buyer.id, theirs.id)
