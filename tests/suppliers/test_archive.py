"""Suppliers are archived, not deleted: hidden everywhere, kept with their edges, restorable;
a purge is for admins and refuses while anything points at the supplier."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.registry import ReferenceCounter, registry
from suppliers import queries, services
from suppliers.models import Relationship, Supplier
from tests.conftest import form_token, login, token_for
from tests.factories import make_user
from tests.suppliers.factories import link, make_supplier


@pytest.fixture
def chain(db, buyer):
    """our company <- tier1 <- middle <- deep, and an agency supplying labour to deep."""
    tier1 = make_supplier(db, buyer, name="Saigon Stitch")
    middle = make_supplier(db, buyer, name="Bursa Tekstil")
    deep = make_supplier(db, buyer, name="Fergana Ginnery")
    agency = make_supplier(db, buyer, name="Kathmandu Manpower", kind="recruitment_agency")
    link(db, buyer, tier1)
    link(db, buyer, middle, tier1)
    link(db, buyer, deep, middle)
    link(db, buyer, agency, deep, kind="labour")
    db.commit()
    return tier1, middle, deep, agency


def _tiers(db, *suppliers):
    db.expire_all()
    return [db.get(Supplier, s.id).tier for s in suppliers]


def _edges(db, org):
    return db.scalar(select(func.count(Relationship.id)).where(Relationship.org_id == org.id))


def test_archiving_hides_the_supplier_and_cuts_it_from_tiers(db, buyer, compliance_user, chain):
    tier1, middle, deep, agency = chain
    assert _tiers(db, tier1, middle, deep, agency) == [1, 2, 3, 4]
    services.archive_supplier(db, middle, actor=compliance_user)
    db.commit()
    # Upstream of the archived supplier nothing reaches the company any more; edges are kept.
    assert _tiers(db, tier1, middle, deep, agency) == [1, None, None, None]
    assert _edges(db, buyer) == 4
    listed = db.scalars(queries.supplier_query(buyer.id, queries.SupplierFilters())).all()
    assert middle.id not in {s.id for s in listed} and len(listed) == 3
    archived = db.scalars(
        queries.supplier_query(buyer.id, queries.SupplierFilters(), archived=True)).all()
    assert [s.id for s in archived] == [middle.id]
    net = queries.network(db, buyer.id)
    assert middle.id not in {n["id"] for n in net["nodes"]}
    assert all(middle.id not in (e["source"], e["target"]) for e in net["edges"])
    assert len(net["edges"]) == 2  # tier1 -> company, agency -> deep
    up = queries.subnetwork(db, buyer.id, tier1.id)
    assert {n["id"] for n in up["nodes"]} == {tier1.id}
    assert queries.paths(db, buyer.id, deep.id).paths == []
    assert queries.counts(db, buyer.id)["suppliers"] == 3
    assert queries.counts(db, buyer.id)["relationships"] == 2

    services.restore_supplier(db, middle, actor=compliance_user)
    db.commit()
    assert _tiers(db, tier1, middle, deep, agency) == [1, 2, 3, 4]
    actions = db.scalars(select(ActivityEntry.action).where(
        ActivityEntry.org_id == buyer.id, ActivityEntry.object_id == middle.id)).all()
    assert {"supplier.archived", "supplier.restored"} <= set(actions)


def test_adding_an_edge_never_gives_an_archived_supplier_a_tier(db, buyer, chain):
    _tier1, middle, _deep, _agency = chain
    services.archive_supplier(db, middle, actor=None)
    loose = make_supplier(db, buyer)
    link(db, buyer, loose, middle)  # into the archived supplier: leads nowhere
    link(db, buyer, middle)  # from the archived supplier straight to the company
    db.commit()
    assert _tiers(db, middle, loose) == [None, None]


def test_api_delete_archives_and_hides_it_from_the_network_api(client, db, buyer, chain,
                                                              compliance_user):
    _tier1, middle, deep, _agency = chain
    headers = token_for(client, compliance_user.email)
    assert client.delete(f"/api/v1/suppliers/{middle.id}", headers=headers).status_code == 204
    assert db.scalar(select(Supplier.id).where(Supplier.id == middle.id)) == middle.id
    nodes = client.get("/api/v1/network", headers=headers).json["nodes"]
    assert middle.id not in {n["id"] for n in nodes}
    listed = client.get("/api/v1/suppliers", headers=headers).json["items"]
    assert middle.id not in {s["id"] for s in listed}
    paths = client.get(f"/api/v1/suppliers/{deep.id}/paths", headers=headers).json
    assert paths["paths"] == []


def test_restore_page_brings_it_back(logged_in, db, chain):
    _tier1, middle, deep, _agency = chain
    services.archive_supplier(db, middle, actor=None)
    db.commit()
    page = logged_in.get(f"/suppliers/{middle.id}")
    assert "This supplier is archived" in page.text and "Restore" in page.text
    token = form_token(logged_in, f"/suppliers/{middle.id}/restore")
    done = logged_in.post(f"/suppliers/{middle.id}/restore", data={"csrf_token": token})
    assert done.status_code == 302
    assert _tiers(db, middle, deep) == [2, 3]


def _admin_client(app, db, org):
    admin = make_user(db, org, "admin")
    db.commit()
    client = app.test_client()
    login(client, admin.email)
    return client


def test_purge_refuses_while_relationships_point_at_it(app, db, buyer, chain):
    _tier1, middle, _deep, _agency = chain
    services.archive_supplier(db, middle, actor=None)
    db.commit()
    admin = _admin_client(app, db, buyer)
    page = admin.get(f"/suppliers/{middle.id}/purge")
    assert "cannot be purged" in page.text, page.text
    assert "2 relationships" in page.text
    token = form_token(admin, f"/suppliers/{middle.id}/purge")
    refused = admin.post(f"/suppliers/{middle.id}/purge", data={"csrf_token": token})
    assert refused.status_code == 409 and "2 relationships" in refused.text
    assert db.get(Supplier, middle.id) is not None and _edges(db, buyer) == 4


def test_purge_refuses_while_another_packages_records_point_at_it(app, db, buyer, monkeypatch):
    lonely = make_supplier(db, buyer, name="Penang Garments")
    db.commit()
    audits = ReferenceCounter("audits", lambda session, org_id, sid: 2 if sid == lonely.id else 0)
    monkeypatch.setattr(registry(app), "reference_counters",
                        [*registry(app).reference_counters, audits])
    admin = _admin_client(app, db, buyer)
    token = form_token(admin, f"/suppliers/{lonely.id}/purge")
    refused = admin.post(f"/suppliers/{lonely.id}/purge", data={"csrf_token": token})
    assert refused.status_code == 409 and "2 audits" in refused.text
    assert db.get(Supplier, lonely.id) is not None


def test_admin_purges_a_supplier_nothing_points_at(app, db, buyer, compliance_user, logged_in):
    lonely = make_supplier(db, buyer, name="Dhaka Denim Works")
    db.commit()
    lonely_id = lonely.id
    token = form_token(logged_in, f"/suppliers/{lonely.id}")
    # Compliance may archive, never purge.
    assert logged_in.post(f"/suppliers/{lonely.id}/purge",
                          data={"csrf_token": token}).status_code == 403
    admin = _admin_client(app, db, buyer)
    token = form_token(admin, f"/suppliers/{lonely.id}/purge")
    done = admin.post(f"/suppliers/{lonely.id}/purge", data={"csrf_token": token})
    assert done.status_code == 302
    db.expire_all()
    assert db.scalar(select(Supplier.id).where(Supplier.id == lonely_id)) is None
    assert "supplier.purged" in db.scalars(select(ActivityEntry.action).where(
        ActivityEntry.org_id == buyer.id)).all()


def test_purge_service_names_every_kind_of_reference(db, buyer, chain):
    from app.errors import Conflict

    _tier1, middle, _deep, _agency = chain
    counters = [ReferenceCounter("relationships", queries.relationship_count),
                ReferenceCounter("grievances", lambda s, o, i: 1)]
    with pytest.raises(Conflict) as refused:
        services.purge_supplier(db, middle, actor=None, counters=counters)
    assert "2 relationships, 1 grievances" in refused.value.message
    assert [d["field"] for d in refused.value.details] == ["relationships", "grievances"]


def test_an_archived_suppliers_identifier_is_still_taken_and_says_so(db, buyer):
    from app.errors import Conflict

    old = make_supplier(db, buyer, name="Bursa Tekstil", lei="HWUPKR0MPOU8FGXBT394")
    services.archive_supplier(db, old, actor=None)
    with pytest.raises(Conflict, match="archived: restore it instead"):
        make_supplier(db, buyer, lei="HWUPKR0MPOU8FGXBT394")
