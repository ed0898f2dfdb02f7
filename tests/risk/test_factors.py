"""The factors of a supplier's own score, on hand-made reference tables (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk import scoring
from risk import weights as W
from risk.factors import own_factors
from risk.inputs import AssignmentInput, FeeInput, FindingInput, SignalInput, SupplierInputs
from tests.risk.pure_helpers import TODAY, exact_match, money, tables


def factors(s: SupplierInputs):
    return own_factors(s, tables(), today=TODAY, match=exact_match, fmt_money=money)


def codes(s):
    return {f.code: f for f in factors(s)}


BRICKS = SupplierInputs(1, "Golden Kiln", "MM", "manufacturer", ("bricks",))
COTTON = SupplierInputs(2, "Aksu Gin", "CN", "processor", ("Cotton",))
PARTS = SupplierInputs(3, "Präzision GmbH", "DE", "manufacturer", ("machine parts",))


def test_bricks_from_burma_and_cotton_from_china_score_high_or_critical():
    for s in (BRICKS, COTTON):
        band = scoring.scored(factors(s), 0).band
        assert band in ("high", "critical"), (s.name, band)
    assert scoring.scored(factors(PARTS), 0).band == "low"


def test_every_factor_with_points_lists_its_evidence():
    for s in (BRICKS, COTTON):
        for f in factors(s):
            assert f.points > 0 and f.evidence, f


def test_country_factors_name_the_data_set_row():
    tip = codes(BRICKS)["country_tip"]
    assert tip.points == W.TIP_POINTS["Tier 3"]
    assert tip.evidence[0] == {"kind": "dataset", "id": 1, "row": 10, "anchor": "row-10",
                               "text": "TIP 2025, row 10: Burma, Tier 3 (2025)"}
    # absent from the recent lists: Tier 1 or 2, no points
    assert "country_tip" not in codes(PARTS)


def test_derived_goods_count_below_forced_labour():
    batteries = replace(COTTON, products=("Lithium-ion batteries",))
    goods = codes(batteries)["goods"]
    assert goods.points == W.GOODS_POINTS["derived"]
    assert "Congo" in goods.evidence[0]["text"]


def test_profile_agency_and_migrants():
    agency = SupplierInputs(4, "Kathmandu Manpower", "NP", "recruitment_agency", (),
                            workers=10, migrant_workers=6)
    c = codes(agency)
    assert c["profile_intermediary"].points == W.INTERMEDIARY_POINTS
    assert c["profile_migrants"].points == 10 and "60%" in c["profile_migrants"].label


def test_questionnaire_strongest_signal_per_indicator():
    sigs = (SignalInput(1, 7, "FL09", "weak", "fee_paid"),
            SignalInput(2, 7, "FL09", "strong", "fee_amount"),
            SignalInput(3, 7, "FL07", "moderate", "passports"))
    f = codes(replace(PARTS, signals=sigs))["questionnaire_signals"]
    assert f.points == W.SIGNAL_POINTS["strong"] + W.SIGNAL_POINTS["moderate"]
    assert {e["id"] for e in f.evidence} == {2, 3}


def test_missing_questionnaire_is_uncertainty_for_high_inherent_risk_only():
    assert "questionnaire_missing" in codes(BRICKS)
    assert "questionnaire_missing" not in codes(PARTS)
    answered = replace(BRICKS, assignments=(AssignmentInput(5, "recruitment", "submitted",
                                                            date(2026, 11, 1)),))
    assert "questionnaire_missing" not in codes(answered)
    overdue = replace(BRICKS, assignments=(AssignmentInput(5, "recruitment", "sent",
                                                           date(2026, 11, 1)),))
    assert codes(overdue)["questionnaire_missing"].evidence[0]["kind"] == "assignment"


def test_findings_weighted_by_severity_indicator_and_age():
    new = FindingInput(1, 9, "F1", "high", ("FL07",), date(2026, 10, 1))
    old = FindingInput(2, 9, "F2", "high", (), date(2023, 10, 1))
    f = codes(replace(PARTS, findings=(new, old)))["audit_findings"]
    assert f.points == pytest.approx(12 * 1.25 + 12 * 0.5)
    assert [e["id"] for e in f.evidence] == [1, 2]
    many = tuple(replace(new, id=i) for i in range(1, 10))
    assert codes(replace(PARTS, findings=many))["audit_findings"].points == W.FINDINGS_CAP


def fee(owed=3000000, repaid=0, confirmed=0, wage=50000, workers=10):
    return FeeInput(1, workers, "MYR", owed, repaid, confirmed, wage)


def test_fee_in_months_of_wages():
    # 30,000 MYR owed by 10 workers is 3,000 each; a 500 MYR wage: 6 months
    f = codes(replace(PARTS, fees=(fee(),)))["recruitment_fees"]
    assert f.points == 25 and "6.0 months" in f.evidence[0]["text"]
    repaid = codes(replace(PARTS, fees=(fee(repaid=3000000, confirmed=10),)))
    assert "recruitment_fees" not in repaid
    unknown = codes(replace(PARTS, fees=(fee(wage=None),)))["recruitment_fees"]
    assert "monthly wage not recorded" in unknown.evidence[0]["text"]


def total(s):
    return scoring.scored(factors(s), 0).score


findings = st.builds(FindingInput, id=st.integers(1, 10**6), audit_id=st.just(1),
                     code=st.none(), severity=st.sampled_from(list(W.FINDING_POINTS)),
                     indicators=st.sampled_from([(), ("FL09",)]),
                     audit_date=st.dates(date(2015, 1, 1), TODAY))
fees = st.builds(lambda w, owed, repaid, conf, wage: fee(owed, min(repaid, owed), min(conf, w),
                                                          wage, w),
                 st.integers(1, 500), st.integers(0, 10**9), st.integers(0, 10**9),
                 st.integers(0, 500), st.one_of(st.none(), st.integers(1, 10**7)))
suppliers = st.sampled_from([BRICKS, COTTON, PARTS]).flatmap(lambda s: st.builds(
    lambda fs, es: replace(s, findings=tuple(fs), fees=tuple(es)),
    st.lists(findings, max_size=4), st.lists(fees, max_size=3)))


@settings(max_examples=200, deadline=None)
@given(suppliers, findings)
def test_adding_a_finding_never_lowers_the_score(s, f):
    assert total(replace(s, findings=(*s.findings, f))) >= total(s)


@settings(max_examples=200, deadline=None)
@given(suppliers, fees)
def test_adding_an_unpaid_fee_never_lowers_the_score(s, e):
    assert total(replace(s, fees=(*s.fees, e))) >= total(s)


@settings(max_examples=200, deadline=None)
@given(suppliers, fees, st.floats(0, 1), st.floats(0, 1))
def test_repaying_or_confirming_fees_never_raises_the_score(s, e, pay, confirm):
    before = replace(s, fees=(*s.fees, e))
    repaid = min(e.owed_minor, e.repaid_minor + int((e.owed_minor - e.repaid_minor) * pay))
    confirmed = min(e.workers, e.workers_confirmed + int((e.workers - e.workers_confirmed)
                                                         * confirm))
    after = replace(s, fees=(*s.fees, replace(e, repaid_minor=repaid,
                                              workers_confirmed=confirmed)))
    assert total(after) <= total(before)


@settings(max_examples=100, deadline=None)
@given(suppliers)
def test_scoring_is_deterministic(s):
    assert scoring.factor_json(factors(s), 0) == scoring.factor_json(factors(s), 0)


def test_factor_json_says_what_would_lower_the_score():
    s = replace(BRICKS, findings=(FindingInput(1, 9, "F1", "critical", (), TODAY),))
    out = {f["code"]: f for f in scoring.factor_json(factors(s), 0)}
    assert out["audit_findings"]["lowers_by"] > 0
    assert out["country_tip"]["lower"] is None
