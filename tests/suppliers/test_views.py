"""Supplier pages as a compliance user sees them."""

from __future__ import annotations

import pytest
from flask import template_rendered
from sqlalchemy import select

from app.activity.models import ActivityEntry
from suppliers.models import Relationship, Supplier
from tests.conftest import form_token
from tests.factories import make_org
from tests.suppliers.factories import link, make_supplier


def test_list_search_filter_sort_paginate(logged_in, db, compliance_user):
    org = compliance_user.org
    for i in range(55):
        make_supplier(db, org, name=f"Dhaka Sewing {i:02d}", country="BD")
    make_supplier(db, org, name="Tamil Nadu Spinners", country="IN", kind="processor")
    db.commit()
    page = logged_in.get("/suppliers")
    assert page.status_code == 200
    assert "56 in all" in page.text and "page 1 of 2" in page.text
    assert "Tamil Nadu Spinners" in logged_in.get("/suppliers?q=tamil").text
    filtered = logged_in.get("/suppliers?country=IN&kind=processor")
    assert "Tamil Nadu Spinners" in filtered.text and "Dhaka Sewing" not in filtered.text
    desc = logged_in.get("/suppliers?sort=-name")
    assert desc.text.index("Tamil Nadu") < desc.text.index("Dhaka Sewing 54")
    bad = logged_in.get("/suppliers?country=Gondor")
    assert bad.status_code == 200 and "Gondor" in bad.text


def test_create_edit_delete_through_forms(logged_in, db, compliance_user):
    token = form_token(logged_in, "/suppliers/new")
    response = logged_in.post("/suppliers/new", data={
        "csrf_token": token, "name": "Chittagong Leather Works", "country": "BD",
        "kind": "manufacturer", "workers": "1,250", "migrant_workers": "30",
        "female_workers": "600", "products": "bags; belts", "lei": ""})
    assert response.status_code == 302, response.text
    supplier = db.scalar(select(Supplier).where(Supplier.name == "Chittagong Leather Works"))
    assert supplier.workers == 1250 and supplier.products == ["bags", "belts"]
    detail = logged_in.get(f"/suppliers/{supplier.id}")
    assert detail.status_code == 200 and "Chittagong Leather Works" in detail.text

    token = form_token(logged_in, f"/suppliers/{supplier.id}/edit")
    bad = logged_in.post(f"/suppliers/{supplier.id}/edit", data={
        "csrf_token": token, "name": "Chittagong Leather Works", "country": "BD",
        "kind": "manufacturer", "workers": "10", "migrant_workers": "30",
        "version": str(supplier.version)})
    assert bad.status_code == 200
    assert "cannot be more than total workers" in bad.text

    token = form_token(logged_in, f"/suppliers/{supplier.id}/delete")
    assert "Archive Chittagong" in logged_in.get(f"/suppliers/{supplier.id}/delete").text
    gone = logged_in.post(f"/suppliers/{supplier.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 302
    db.expire_all()
    assert db.get(Supplier, supplier.id).archived_at is not None  # archived, kept
    assert "was archived" in logged_in.get("/suppliers").text  # the flash
    assert "Chittagong" not in logged_in.get("/suppliers").text
    assert "Chittagong" in logged_in.get("/suppliers?archived=1").text
    actions = db.scalars(select(ActivityEntry.action).where(
        ActivityEntry.org_id == compliance_user.org_id)).all()
    assert "supplier.created" in actions and "supplier.archived" in actions


def test_edit_with_a_stale_version_is_refused(logged_in, db, compliance_user):
    supplier = make_supplier(db, compliance_user.org, name="Penang Gloves")
    db.commit()
    token = form_token(logged_in, f"/suppliers/{supplier.id}/edit")
    response = logged_in.post(f"/suppliers/{supplier.id}/edit", data={
        "csrf_token": token, "name": "Penang Gloves Sdn Bhd", "country": "MY",
        "kind": "manufacturer", "version": "0"})
    assert response.status_code == 200
    assert "Someone else changed this supplier" in response.text


def test_relationship_form_by_reference_and_paths_shown(logged_in, db, compliance_user):
    org = compliance_user.org
    factory = make_supplier(db, org, name="Hanoi Garment", external_id="F-1")
    agency = make_supplier(db, org, name="Nepal Manpower", kind="recruitment_agency")
    link(db, org, factory)
    db.commit()
    token = form_token(logged_in, f"/suppliers/{agency.id}")
    response = logged_in.post(f"/suppliers/{agency.id}/relationships", data={
        "csrf_token": token, "direction": "customer", "other": "F-1", "kind": "labour",
        "product": "migrant workers"})
    assert response.status_code == 302
    page = logged_in.get(f"/suppliers/{agency.id}")
    assert "Tier 2" in page.text
    assert "Hanoi Garment</a> →" in page.text  # the path to the company
    missing = logged_in.post(f"/suppliers/{agency.id}/relationships", data={
        "csrf_token": token, "direction": "customer", "other": "Nobody Ltd", "kind": "goods"},
        follow_redirects=True)
    assert "is not in your network" in missing.text
    rel = db.scalar(select(Relationship).where(Relationship.supplier_id == agency.id))
    removed = logged_in.post(f"/relationships/{rel.id}/delete", data={"csrf_token": token})
    assert removed.status_code == 302
    assert "not connected" in logged_in.get(f"/suppliers/{agency.id}").text


def test_dashboard_counts_the_network(app, db, compliance_user, logged_in):
    buyer = compliance_user.org
    tier1 = make_supplier(db, buyer)
    link(db, buyer, tier1)
    link(db, buyer, make_supplier(db, buyer), tier1)
    agency = make_supplier(db, buyer, kind="recruitment_agency")
    link(db, buyer, agency, tier1, kind="labour")
    make_supplier(db, buyer)  # not connected
    make_supplier(db, make_org(db))  # another tenant's: never counted
    db.commit()
    rendered = []

    def capture(sender, template, context, **extra):
        rendered.append((template.name, context))

    with template_rendered.connected_to(capture, app):
        page = logged_in.get("/")
    context = dict(rendered)["dashboard.html"]
    (card,) = [c for c in context["cards"] if c["title"] == "Supply network"]
    counts = {item["label"]: item["value"] for item in card["items"]}
    assert counts == {"suppliers": 4, "relationships": 3, "labour recruiters": 1,
                      "deepest tier": 2, "not connected": 1}
    assert "<strong>4</strong><span>suppliers</span>" in page.text
    assert "<strong>3</strong><span>relationships</span>" in page.text


def test_network_page_renders_with_data_url(logged_in, db, compliance_user):
    org = compliance_user.org
    link(db, org, make_supplier(db, org))
    db.commit()
    page = logged_in.get("/suppliers/network")
    assert page.status_code == 200
    assert 'data-url="/api/v1/network"' in page.text
    assert "vendor/cytoscape/cytoscape.min.js" in page.text
    data = logged_in.get("/api/v1/network")
    assert data.status_code == 200 and len(data.json["nodes"]) == 1


def test_network_page_focus_and_large_networks(app, logged_in, db, compliance_user, monkeypatch):
    from suppliers import views

    org = compliance_user.org
    top = make_supplier(db, org)
    link(db, org, top)
    for _ in range(4):
        link(db, org, make_supplier(db, org), top)
    db.commit()
    focused = logged_in.get(f"/suppliers/network?focus={top.id}")
    assert f'data-url="/api/v1/suppliers/{top.id}/upstream"' in focused.text
    monkeypatch.setattr(views, "MAX_DRAWN_NODES", 3)
    big = logged_in.get("/suppliers/network")
    assert "max_tier=1" in big.text and "Showing tiers 1–1 of 5 suppliers" in big.text
    link(db, org, make_supplier(db, org))  # a second tier-1 supplier
    db.commit()
    monkeypatch.setattr(views, "MAX_DRAWN_NODES", 1)  # tier 1 alone cannot be drawn
    huge = logged_in.get("/suppliers/network")
    assert "max_tier=1&amp;limit=1" in huge.text and "largest workforce" in huge.text
    other = make_supplier(db, make_org(db))
    db.commit()
    assert logged_in.get(f"/suppliers/network?focus={other.id}").status_code == 404


def test_loops_page_lists_trading_loops(logged_in, db, compliance_user):
    org = compliance_user.org
    a = make_supplier(db, org, name="Harbour Fibre Trading", kind="trader")
    b = make_supplier(db, org, name="Lion City Commodities", kind="trader")
    link(db, org, a, b)
    link(db, org, b, a)
    db.commit()
    page = logged_in.get("/suppliers/loops")
    assert page.status_code == 200
    assert "1 loop." in page.text and "Lion City Commodities" in page.text


@pytest.mark.parametrize("version", ["²", "9" * 30])
def test_edit_with_a_forged_version_is_not_a_500(logged_in, db, compliance_user, version):
    supplier = make_supplier(db, compliance_user.org, name="Penang Gloves")
    db.commit()
    token = form_token(logged_in, f"/suppliers/{supplier.id}/edit")
    response = logged_in.post(f"/suppliers/{supplier.id}/edit", data={
        "csrf_token": token, "name": "Penang Gloves Sdn Bhd", "country": "MY",
        "kind": "manufacturer", "version": version})
    assert response.status_code in (200, 302)
