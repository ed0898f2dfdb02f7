"""The evidence base against a small network with known counts (tests/reports/factories.py)."""

from __future__ import annotations

import json

from reports.evidence import gather_facts, get_or_gather
from reports.models import Evidence
from tests.factories import make_org
from tests.reports.factories import EXPECTED, build

FIGURE_KEYS = {
    "suppliers.total", "suppliers.tier1", "suppliers.deeper", "suppliers.unconnected",
    "suppliers.countries", "suppliers.recruiters", "relationships.total",
    "relationships.labour", "workers.total", "workers.migrant", "risk.scored",
    "risk.critical", "risk.high", "risk.high_risk_countries", "audits.in_period",
    "audits.accepted", "findings.total", "findings.critical", "findings.forced_labour",
    "actions.open", "actions.overdue", "actions.verified", "fees.workers_owed",
    "fees.workers_repaid", "fees.entries", "questionnaires.sent", "questionnaires.submitted",
    "questionnaires.tier1_coverage",
}


def _facts(db, net):
    return gather_facts(db, org=net.org, period_start=net.start, period_end=net.end)


def test_every_figure_is_present_with_the_hand_counted_value(db, network):
    facts = _facts(db, network)
    assert set(facts["figures"]) >= FIGURE_KEYS
    assert set(EXPECTED) == FIGURE_KEYS
    got = {k: facts["figures"][k]["value"] for k in FIGURE_KEYS}
    assert got == EXPECTED
    for item in facts["figures"].values():
        assert set(item) == {"label", "value", "unit", "href"} and item["label"]
    assert facts["figures"]["questionnaires.tier1_coverage"]["unit"] == "%"
    assert facts["figures"]["suppliers.tier1"]["href"] == "/suppliers?tier=1"


def test_shape_and_lists(db, network):
    facts = _facts(db, network)
    json.dumps(facts)  # serialisable as stored
    assert facts["version"] == 1
    assert facts["company"] == {"id": network.org.id, "name": network.org.name}
    assert facts["period"] == {"start": network.start.isoformat(),
                               "end": network.end.isoformat()}
    lists = facts["lists"]
    assert lists["suppliers_by_tier"] == [{"tier": 1, "count": 1}, {"tier": 2, "count": 2},
                                          {"tier": None, "count": 1}]
    assert {c["country"]: c["count"] for c in lists["suppliers_by_country"]} == {
        "CN": 1, "VN": 1, "NP": 1, "BD": 1}
    assert next(c for c in lists["suppliers_by_country"] if c["country"] == "CN")["name"] \
        == "China"
    kinds = {k["kind"]: (k["label"], k["count"]) for k in lists["suppliers_by_kind"]}
    assert kinds["recruitment_agency"] == ("Recruitment agency", 1)
    assert [r["name"] for r in lists["recruiters"]] == ["Kathmandu Manpower"]
    assert lists["recruiters"][0]["workers_supplied_to"] == ["Anhui Cotton Spinning"]
    assert lists["risk_bands"] == [{"band": "critical", "count": 1},
                                   {"band": "high", "count": 1},
                                   {"band": "medium", "count": 1}, {"band": "low", "count": 0}]
    top = lists["top_risks"]
    assert [t["name"] for t in top] == ["Anhui Cotton Spinning", "Saigon Dye House",
                                        "Kathmandu Manpower"]
    assert [f["code"] for f in top[0]["factors"]] == ["goods", "audit_findings", "country_tip"]
    assert {c["country"] for c in lists["high_risk_countries"]} == {"CN", "VN"}
    assert lists["high_risk_goods"] == [{"good": "Cotton", "suppliers": 1,
                                         "lists": ["ILAB List of Goods 2024"]}]
    assert lists["findings_by_severity"] == [
        {"severity": "critical", "count": 1}, {"severity": "high", "count": 0},
        {"severity": "medium", "count": 0}, {"severity": "low", "count": 1}]
    assert lists["findings_by_indicator"] == [
        {"code": "FL07", "label": "Retention of identity documents", "count": 1},
        {"code": "FL09", "label": "Debt bondage", "count": 1}]
    statuses = {a["status"]: a["count"] for a in lists["actions_by_status"]}
    assert statuses == {"open": 1, "in_progress": 1, "submitted": 0, "verified": 1,
                        "overdue": 1}
    assert lists["fees_by_currency"] == [
        {"currency": "MYR", "workers": 4, "owed": 1000.0, "repaid": 1000.0,
         "confirmed": 750.0},
        {"currency": "NPR", "workers": 10, "owed": 35000.0, "repaid": 0.0, "confirmed": 0.0}]
    assert lists["questionnaires"] == [{"template": "recruitment", "title":
                                        lists["questionnaires"][0]["title"], "sent": 2,
                                        "submitted": 1, "overdue": 1}]
    assert {e["title"] for e in lists["editions"]} == {"ILAB List of Goods 2024",
                                                      "TIP report 2025"}
    assert facts["method_version"]


def test_scoped_to_the_organisation(db, network):
    other = make_org(db, "buyer")
    build(db, other, a_name="Other Tenant Mill")
    facts = _facts(db, network)
    assert facts["figures"]["suppliers.total"]["value"] == 4
    assert "Other Tenant Mill" not in json.dumps(facts)
    empty = gather_facts(db, org=make_org(db, "buyer"), period_start=network.start,
                         period_end=network.end)
    assert all(v["value"] == 0 for v in empty["figures"].values())
    assert empty["lists"]["top_risks"] == [] and empty["lists"]["editions"] == []


def test_get_or_gather_keeps_one_row_and_refreshes(db, network, reporter):
    first = get_or_gather(db, org=network.org, period_start=network.start,
                          period_end=network.end, actor=reporter)
    assert first.facts["figures"]["suppliers.total"]["value"] == 4
    assert first.gathered_by_id == reporter.id
    from tests.suppliers.factories import make_supplier

    make_supplier(db, network.org, name="Late Addition")
    again = get_or_gather(db, org=network.org, period_start=network.start,
                          period_end=network.end)
    assert again.id == first.id and again.facts["figures"]["suppliers.total"]["value"] == 4
    fresh = get_or_gather(db, org=network.org, period_start=network.start,
                          period_end=network.end, refresh=True)
    assert fresh.id == first.id and fresh.facts["figures"]["suppliers.total"]["value"] == 5
    assert db.query(Evidence).filter_by(org_id=network.org.id).count() == 1
