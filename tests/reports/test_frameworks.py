"""The frameworks: the statutes' sections and approval requirements, accurately."""

from __future__ import annotations

import pytest

from reports.frameworks import APPROVAL_FIELDS, FRAMEWORKS, frameworks_for
from reports.models import FRAMEWORK_KEYS


def test_every_model_framework_is_defined():
    assert set(FRAMEWORKS) == set(FRAMEWORK_KEYS)


def test_uk_has_the_six_areas_of_section_54_5():
    uk = FRAMEWORKS["uk_msa"]
    assert uk.jurisdiction == "UK"
    assert [s.reference for s in uk.sections] == [f"s.54(5)({c})" for c in "abcdef"]
    assert [s.key for s in uk.sections] == ["structure", "policies", "due_diligence", "risk",
                                            "effectiveness", "training"]
    assert "performance indicators" in uk.section("effectiveness").criteria[0].requirement
    assert {c.reference for c in uk.approval} == {"s.54(6)(a)"}
    assert "board of directors" in uk.approval[0].requirement
    assert "director" in uk.approval[1].requirement


def test_australia_has_the_seven_mandatory_criteria_of_section_16():
    au = FRAMEWORKS["au_msa"]
    assert au.jurisdiction == "AU"
    assert [s.reference for s in au.sections] == [f"s.16(1)({c})" for c in "abcdefg"]
    assert "owns or controls" in au.section("risks").criteria[0].requirement
    assert "remediation" in au.section("actions").criteria[0].requirement
    assert "consultation" in au.section("consultation").criteria[0].requirement
    assert [c.reference for c in au.approval] == ["s.13(2)(b)", "s.13(2)(c)"]
    assert "principal governing body" in au.approval[0].requirement
    assert "responsible member" in au.approval[1].requirement


def test_canada_has_the_seven_report_areas_of_section_11_3():
    ca = FRAMEWORKS["ca_s211"]
    assert ca.jurisdiction == "CA"
    assert [s.reference for s in ca.sections] == [f"s.11(3)({c})" for c in "abcdefg"]
    assert "loss of income" in ca.section("income_loss").criteria[0].requirement
    assert "most vulnerable families" in ca.section("income_loss").criteria[0].requirement
    assert "training" in ca.section("training").criteria[0].requirement
    assert [c.reference for c in ca.approval] == ["s.11(4)", "s.11(6)"]
    assert "attestation" in ca.approval[1].requirement


@pytest.mark.parametrize("key", sorted(FRAMEWORKS))
def test_sections_have_guidance_and_criteria_and_approval_names_fields(key):
    framework = FRAMEWORKS[key]
    keys = [s.key for s in framework.sections] + [c.key for c in framework.approval]
    assert len(keys) == len(set(keys))
    for section in framework.sections:
        assert len(section.guidance) > 60 and section.criteria
    needed = {f for c in framework.approval for f in c.fields}
    assert needed == set(APPROVAL_FIELDS)


def test_frameworks_for_a_jurisdiction():
    assert [f.key for f in frameworks_for("UK")] == ["uk_msa"]
    assert [f.key for f in frameworks_for("au")] == ["au_msa"]
    assert [f.key for f in frameworks_for("CA")] == ["ca_s211"]
    assert frameworks_for(None) == () and frameworks_for("FR") == ()


def test_frameworks_are_frozen():
    with pytest.raises(AttributeError):
        FRAMEWORKS["uk_msa"].name = "changed"  # type: ignore[misc]
