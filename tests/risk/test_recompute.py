"""Recompute end to end on the shipped reference data: scores, lineage, history, the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from risk import services
from risk.models import RiskScore, RiskSnapshot, RiskSummary
from tests.audits.factories import make_audit, make_fee, make_finding
from tests.conftest import token_for
from tests.suppliers.factories import link, make_supplier


@pytest.fixture
def api(client, compliance_user):
    client.environ_base["HTTP_AUTHORIZATION"] = token_for(client, compliance_user.email)[
        "Authorization"]
    return client


@pytest.fixture
def org(compliance_user):
    return compliance_user.org


def risk(api, supplier):
    response = api.get(f"/api/v1/suppliers/{supplier.id}/risk")
    assert response.status_code == 200, response.text
    return response.json


def test_the_issue_examples(api, db, org):
    bricks = make_supplier(db, org, name="Golden Kiln", country="MM", products=["Bricks"],
                           kind="manufacturer", workers=None, migrant_workers=None)
    gin = make_supplier(db, org, name="Aksu Cotton Gin", country="CN", products=["raw cotton"],
                        kind="processor", workers=None, migrant_workers=None)
    parts = make_supplier(db, org, name="Präzision GmbH", country="DE",
                          products=["machine parts"], workers=None, migrant_workers=None)
    mill = make_supplier(db, org, name="Dhaka Spinning", country="BD", products=["yarn"],
                         workers=None, migrant_workers=None)
    link(db, org, gin, mill)
    for s in (bricks, parts, mill):
        link(db, org, s)
    db.commit()
    services.recompute(db, org.id)
    db.commit()

    for s in (bricks, gin):
        body = risk(api, s)
        assert body["band"] in ("high", "critical"), body
        assert {f["code"] for f in body["factors"]} >= {"country_tip", "goods"}
        for f in body["factors"]:
            assert f["points"] > 0 and f["evidence"], f
    assert risk(api, parts)["band"] == "low"
    editions = risk(api, bricks)["data_editions"]
    assert editions["ilab_goods"]["edition"] == "2022"
    assert "2025" in editions["tip_tiers"]["edition"]
    goods = next(f for f in risk(api, gin)["factors"] if f["code"] == "goods")
    assert goods["evidence"][0]["kind"] == "dataset" and goods["evidence"][0]["row"] > 0

    inherited = risk(api, mill)["inherited"]
    assert inherited["from_supplier_id"] == gin.id
    assert inherited["path"] == [gin.id, mill.id]
    assert inherited["score"] == pytest.approx(risk(api, gin)["score"] * 0.8, abs=0.1)
    assert risk(api, mill)["score"] >= inherited["score"]


def test_a_critical_finding_raises_and_verified_remediation_lowers(api, db, org):
    site = make_supplier(db, org, country="MY", products=["rubber gloves"])
    link(db, org, site)
    db.commit()
    services.recompute(db, org.id)
    before = risk(api, site)["score"]
    audit = make_audit(db, org, supplier=site, status="submitted")
    finding = make_finding(db, audit, severity="critical", indicators=["FL09"])
    services.recompute(db, org.id)
    raised = risk(api, site)["score"]
    assert raised > before
    finding.status = "closed"  # what verifying its last action does (audits.services)
    db.flush()
    services.recompute(db, org.id)
    assert risk(api, site)["score"] == before


def test_an_agencys_fees_reach_the_factory_and_everything_downstream(api, db, org):
    agency = make_supplier(db, org, country="NP", kind="recruitment_agency", products=[])
    factory = make_supplier(db, org, country="MY", products=["electronics"])
    assembler = make_supplier(db, org, country="MY", products=["electronics"])
    link(db, org, agency, factory, kind="labour")
    link(db, org, factory, assembler)
    link(db, org, assembler)
    db.commit()
    services.recompute(db, org.id)
    base = {s.id: risk(api, s)["score"] for s in (agency, factory, assembler)}
    fee = make_fee(db, factory, workers=40, owed_minor=40 * 120_000_00, currency="NPR")
    fee.agency_supplier_id = agency.id
    db.flush()
    services.recompute(db, org.id)
    after = {s.id: risk(api, s) for s in (agency, factory, assembler)}
    assert after[agency.id]["score"] > base[agency.id]
    assert "recruitment_fees" in {f["code"] for f in after[agency.id]["factors"]}
    fee_ev = next(f for f in after[agency.id]["factors"]
                  if f["code"] == "recruitment_fees")["evidence"][0]
    assert fee_ev["url"] == f"/suppliers/{factory.id}/fees#fee-{fee.id}"  # the factory's ledger
    assert after[assembler.id]["score"] >= base[assembler.id]
    assert after[assembler.id]["inherited"]["path"][-1] == assembler.id


def test_recompute_is_deterministic_and_writes_nothing_the_second_time(db, org):
    a = make_supplier(db, org, country="CN", products=["cotton"])
    b = make_supplier(db, org, country="VN", products=["garments"])
    link(db, org, a, b)
    link(db, org, b, a)  # a cycle
    link(db, org, b)
    db.flush()
    first = services.recompute(db, org.id)
    rows = {r.supplier_id: (r.score, r.digest) for r in db.scalars(
        select(RiskScore).where(RiskScore.org_id == org.id))}
    second = services.recompute(db, org.id)
    assert first.changed == 2 and second.changed == 0
    assert rows == {r.supplier_id: (r.score, r.digest) for r in db.scalars(
        select(RiskScore).where(RiskScore.org_id == org.id))}


def test_one_snapshot_a_day_per_supplier(db, org):
    s = make_supplier(db, org, country="CN", products=["cotton"])
    db.flush()
    today = date(2026, 12, 1)
    for _ in range(3):
        services.recompute(db, org.id, today=today)
    services.recompute(db, org.id, today=today + timedelta(days=1))
    days = db.scalars(select(RiskSnapshot.day).where(RiskSnapshot.supplier_id == s.id)
                      .order_by(RiskSnapshot.day)).all()
    assert days == [today, today + timedelta(days=1)]
    summaries = db.scalar(select(func.count()).select_from(RiskSummary)
                          .where(RiskSummary.org_id == org.id))
    assert summaries == 2


def test_ranked_list_filters_and_tenancy(api, db, org):
    from tests.factories import make_org

    high = make_supplier(db, org, country="MM", products=["bricks"])
    low = make_supplier(db, org, country="DE", products=["machine parts"])
    other = make_supplier(db, make_org(db, "buyer"), country="MM", products=["bricks"])
    for s in (high, low):
        link(db, org, s)
    db.commit()
    services.recompute(db, org.id)
    services.recompute(db, other.org_id)
    db.commit()
    items = api.get("/api/v1/risk").json["items"]
    assert [i["supplier_id"] for i in items] == [high.id, low.id]
    assert items[0]["main_factors"]
    assert [i["supplier_id"] for i in api.get("/api/v1/risk?band=low").json["items"]] == [low.id]
    assert api.get("/api/v1/risk?country=Burma").json["total"] == 1
    assert api.get("/api/v1/risk?tier=1").json["total"] == 2
    assert api.get("/api/v1/risk?country=Atlantis").status_code == 422
    assert api.get(f"/api/v1/suppliers/{other.id}/risk").status_code == 404


def test_the_worked_example_of_docs_risk_method(db, org):
    """The figures docs/risk-method.md prints, from the shipped editions: the same on SQLite
    and PostgreSQL (the suite runs on both)."""
    kiln = make_supplier(db, org, country="MM", products=["Bricks"], workers=None,
                         migrant_workers=None)
    gin = make_supplier(db, org, country="CN", products=["raw cotton"], kind="processor",
                        workers=None, migrant_workers=None)
    mill = make_supplier(db, org, country="BD", products=["cotton cloth"], workers=None,
                         migrant_workers=None)
    maker = make_supplier(db, org, country="BD", products=["shirts"], workers=None,
                          migrant_workers=None)
    link(db, org, gin, mill)
    link(db, org, mill, maker)
    db.flush()
    services.recompute(db, org.id)
    got = {r.supplier_id: r for r in db.scalars(select(RiskScore).where(
        RiskScore.org_id == org.id))}
    points = {f["code"]: f["points"] for f in got[kiln.id].factors}
    assert points == {"country_tip": 20, "country_prevalence": 15, "country_vulnerability": 8,
                      "country_rights": 10, "goods": 30, "questionnaire_missing": 10}
    assert (got[kiln.id].score, got[kiln.id].band) == (93.0, "critical")
    assert got[gin.id].score == 79.0
    assert got[mill.id].inherited_score == 63.2 and got[mill.id].inherited_from_id == gin.id
    assert got[maker.id].inherited_score == 50.6
    assert got[maker.id].inherited_path == [gin.id, mill.id, maker.id]


PRODUCTS = ["cotton", "Cotton", "raw cotton", "cotton yarn", "cotton, yarn", "Thread/Yarn",
            "Bricks", "brick", "garments", "apparel", "clothing; T-shirts", "electronics",
            "lithium-ion batteries", "solar modules", "rubber gloves", "machine parts",
            "component 0042", "", "   ", "cobalt (heterogenite)", None, 42, {"a": 1}]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["CN", "MM", "MY", "IN", "BD", "DE", "XX"]),
       st.lists(st.lists(st.sampled_from(PRODUCTS), max_size=5), min_size=1, max_size=6))
def test_matching_product_by_product_is_matching_the_list(goods_matcher, country, lists):
    """services.per_product answers a list from its products' own matches (one matcher for
    the whole example, so the memo is shared between lists as in a recompute)."""
    cached = services.per_product(goods_matcher.match)
    for products in lists:
        assert cached(country, tuple(products)) == goods_matcher.match(country, products)


@pytest.fixture(scope="module")
def goods_matcher():
    from risk.goods import GoodsMatcher
    from risk.reference.parsers import parse_files
    from risk.reference.services import build_tables
    from risk.reference.shipped import shipped_editions, shipped_files
    from risk.reference.tables import EditionRef

    entry = next(e for e in shipped_editions() if (e.dataset, e.edition) == ("ilab_goods",
                                                                              "2022"))
    rows = [("ilab_goods", 1, r.row_no, r.country, r.source_country, r.item, r.values)
            for r in parse_files("ilab_goods", shipped_files(entry)).rows]
    ref = EditionRef(1, "ilab_goods", "2022", "ILAB", "DOL", None, "0" * 64)
    return GoodsMatcher(build_tables({"ilab_goods": ref}, rows).goods)


def test_grievances_reach_risk_through_the_risk_inputs_hook(db, org):
    """The grievances package will answer this signal; risk imports nothing of it."""
    from app import signals

    site = make_supplier(db, org, country="MY", products=["gloves"])
    db.flush()

    def grievances(sender, *, session, org_id):
        assert sender == "risk" and session is db
        if org_id != org.id:
            return []
        return [{"supplier_id": site.id, "kind": "grievance", "id": 7,
                 "category": "identity_documents", "status": "investigating",
                 "retaliation": True, "opened_on": date(2026, 11, 20)},
                {"supplier_id": site.id, "kind": "grievance", "id": 8, "category": "wages",
                 "status": "closed", "retaliation": False, "opened_on": None}]

    services.recompute(db, org.id)
    before = db.scalar(select(RiskScore.score).where(RiskScore.supplier_id == site.id))
    signals.risk_inputs.connect(grievances)
    try:
        services.recompute(db, org.id)
    finally:
        signals.risk_inputs.disconnect(grievances)
    row = db.scalar(select(RiskScore).where(RiskScore.supplier_id == site.id))
    factor = next(f for f in row.factors if f["code"] == "grievances")
    assert factor["points"] == 20  # one open case, retaliation reported; the closed one no
    assert [e["id"] for e in factor["evidence"]] == [7]
    assert row.score > before
