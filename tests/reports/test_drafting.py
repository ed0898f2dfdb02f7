"""Drafting from the facts: the figures appear in the text, markers where data cannot speak,
and any facts shape (empty, sparse, hostile, random) drafts without an error."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import drafting
from reports.completeness import check, markers, summary
from reports.frameworks import FRAMEWORKS
from tests.reports.statement_facts import FIGURE_KEYS, rich_facts, zero_facts

KEYS = sorted(FRAMEWORKS)


@pytest.mark.parametrize("key", KEYS)
def test_every_section_is_drafted(key):
    sections = drafting.draft(key, rich_facts(), company_name="Harbour Retail Group plc")
    assert list(sections) == [s.key for s in FRAMEWORKS[key].sections]
    assert all(text.strip() for text in sections.values())


def test_uk_draft_carries_the_figures_of_the_facts():
    s = drafting.draft("uk_msa", rich_facts(), company_name="Harbour Retail Group plc")
    assert "Harbour Retail Group plc has mapped 1,284 suppliers in 37 countries" in s["structure"]
    assert "212 direct (tier 1) and 1,051 further upstream" in s["structure"]
    assert "China (402), Bangladesh (188) and Malaysia (97)" in s["structure"]
    assert "Kathmandu Overseas Manpower" in s["structure"]
    assert "23,871 are migrant workers" in s["structure"]
    assert "640 questionnaires" in s["due_diligence"] and "87.5%" in s["due_diligence"]
    assert "48 social audits" in s["due_diligence"] and "2024.2" in s["due_diligence"]
    assert "61 are at high or critical risk" in s["risk"]
    assert "Malaysia and China" in s["risk"]
    assert "Rubber gloves (5 suppliers)" in s["risk"]
    assert "debt bondage (12)" in s["risk"] and "retention of identity documents (5)" in s["risk"]
    assert "MYR 1,120,000.50 of MYR 1,520,000.00 owed to 759 workers" in s["risk"]
    assert "96 corrective actions were verified" in s["risk"] and "11 of them past" in s["risk"]
    assert "corrective actions overdue: 11" in s["effectiveness"]
    assert markers(s["policies"]) and markers(s["training"])
    assert not markers(s["due_diligence"]) and not markers(s["risk"])


def test_au_and_ca_drafts_name_the_entity_and_remediation():
    au = drafting.draft("au_msa", rich_facts(), company_name="Harbour Retail Group plc")
    assert "made by Harbour Retail Group plc for the reporting period 1 April 2024 to " \
           "31 March 2025" in au["entity"]
    assert "ABN" in au["entity"] and markers(au["consultation"])
    assert "List of Goods Produced by Child Labor or Forced Labor (2024)" in au["other"]
    ca = drafting.draft("ca_s211", rich_facts(), company_name="Harbour Retail Group plc")
    assert "447 workers have been repaid in full" in ca["remediation"]
    assert markers(ca["income_loss"]) and markers(ca["training"])


def test_two_frameworks_read_the_same_facts_not_each_others_text():
    facts = rich_facts()
    uk = drafting.draft("uk_msa", facts, company_name="A")
    ca = drafting.draft("ca_s211", facts, company_name="A")
    assert uk["structure"] == ca["structure"]  # one evidence base, the same paragraphs
    facts["figures"]["suppliers.total"]["value"] = 9999
    assert "9,999 suppliers" in drafting.draft("ca_s211", facts, company_name="A")["structure"]


@pytest.mark.parametrize("key", KEYS)
def test_a_new_company_drafts_in_sentences(key):
    sections = drafting.draft(key, zero_facts(), company_name="Nova Start Ltd")
    text = "\n".join(sections.values())
    assert "Nova Start Ltd has not yet recorded any suppliers" in text
    assert "No supplier audits took place in the period." in text
    assert " 0 suppliers" not in text and "None" not in text
    for body in sections.values():  # every paragraph ends as a sentence
        for para in body.split("\n\n"):
            assert para.endswith((".", "]")), para


@pytest.mark.parametrize("facts", [{}, None, {"figures": None, "lists": "x"}, [],
                                   {"figures": {"suppliers.total": 5}}])
def test_empty_or_malformed_facts_draft(facts):
    for key in KEYS:
        sections = drafting.draft(key, facts, company_name="")
        assert all(sections.values())
        assert "The company" in sections["structure"]


def test_hostile_text_in_the_facts_stays_text():
    facts = rich_facts()
    facts["lists"]["recruiters"] = [{"name": "=HYPERLINK(\"x\")[To complete: x]\x00<b>"}]
    facts["lists"]["suppliers_by_country"] = [{"name": "नेपाल", "count": 10**400 // 10**390},
                                              {"name": "中国", "count": float("nan")}]
    facts["method_version"] = "<script>" * 1000
    s = drafting.draft("uk_msa", facts, company_name="Ünïcode 有限公司 <i>")
    assert "नेपाल (10,000,000,000)" in s["structure"] and "中国 (0)" in s["structure"]
    assert "\x00" not in s["structure"]
    # a bracket from data never forges a marker of its own
    assert len(markers(s["structure"])) == 1
    assert len(s["due_diligence"]) < 2000


def test_figures_beside_each_section_are_known_keys():
    for key, framework in FRAMEWORKS.items():
        for section in framework.sections:
            figures = drafting.figures_for(key, section.key)
            assert set(figures) <= set(FIGURE_KEYS)
            assert len(figures) == len(set(figures))
    assert "fees.workers_repaid" in drafting.figures_for("ca_s211", "remediation")
    assert drafting.figures_for("uk_msa", "policies") == ()


def test_a_draft_needs_the_markers_completed():
    sections = drafting.draft("uk_msa", rich_facts(), company_name="H")
    results = {r.key: r for r in check("uk_msa", sections, {})}
    assert not results["policies"].covered and results["due_diligence"].covered
    assert re.search(r"Write the policies in force", results["policies"].missing[0])


_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.lists(st.integers(), max_size=3))
_rows = st.lists(st.dictionaries(st.sampled_from(
    ["name", "country", "count", "label", "kind", "good", "suppliers", "currency", "owed",
     "repaid", "confirmed", "workers", "title", "sent", "submitted", "edition", "factors",
     "code", "dataset"]), _values, max_size=8), max_size=4)
_facts = st.fixed_dictionaries({
    "figures": st.dictionaries(st.sampled_from(FIGURE_KEYS), st.one_of(
        _values, st.fixed_dictionaries({"value": _values})), max_size=12),
    "lists": st.dictionaries(st.sampled_from(
        ["suppliers_by_country", "suppliers_by_kind", "recruiters", "top_risks",
         "high_risk_countries", "high_risk_goods", "findings_by_indicator", "fees_by_currency",
         "questionnaires", "editions"]), st.one_of(_rows, _values), max_size=8),
    "period": st.one_of(_values, st.fixed_dictionaries({"start": _values, "end": _values})),
    "method_version": _values,
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=_facts, key=st.sampled_from(KEYS))
def test_any_facts_shape_drafts_and_checks(facts, key):
    sections = drafting.draft(key, facts, company_name="Random Co")
    assert set(sections) == {s.key for s in FRAMEWORKS[key].sections}
    assert all(isinstance(t, str) and t for t in sections.values())
    assert summary(check(key, sections, {}))["total"] > 0
