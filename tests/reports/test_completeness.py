"""The completeness check: every criterion covered or missing, with what is missing."""

from __future__ import annotations

from datetime import date

import pytest

from reports.completeness import MIN_CHARS, check, summary
from reports.frameworks import FRAMEWORKS

GOOD = ("We describe this area in full: the policy, who owns it, how suppliers are bound by "
        "it and what changed in the year.")
APPROVAL = {"approved_by": "Board of directors", "approval_date": date(2025, 6, 1),
            "signatory": "Jane Smith", "signatory_role": "Director"}


def _all(key: str, text: str = GOOD) -> dict[str, str]:
    return {s.key: text for s in FRAMEWORKS[key].sections}


@pytest.mark.parametrize("key,expected", [("uk_msa", 8), ("au_msa", 9), ("ca_s211", 9)])
def test_complete_statement_covers_every_criterion(key, expected):
    results = check(key, _all(key), APPROVAL)
    assert len(results) == expected
    assert all(r.covered and r.missing == () for r in results)
    assert summary(results) == {"covered": expected, "total": expected, "complete": True}


def test_results_carry_keys_titles_and_references_in_order():
    results = check("uk_msa", _all("uk_msa"), APPROVAL)
    assert [r.key for r in results][:6] == [s.key for s in FRAMEWORKS["uk_msa"].sections]
    assert results[0].reference == "s.54(5)(a)" and results[-1].reference == "s.54(6)(a)"
    assert results[0].as_json()["missing"] == []


def test_empty_short_and_marked_sections_are_missing():
    sections = _all("uk_msa")
    sections["policies"] = ""
    sections["training"] = "Staff were trained."  # under MIN_CHARS
    sections["risk"] = GOOD + "\n\n[To complete: the steps taken to manage the risk]"
    del sections["effectiveness"]
    results = {r.key: r for r in check("uk_msa", sections, APPROVAL)}
    assert results["policies"].missing == ("The section on policies in relation to slavery and "
                                           "human trafficking is empty.",)
    assert "Too short" in results["training"].missing[0]
    assert results["risk"].missing == ("Write the steps taken to manage the risk.",)
    assert not results["effectiveness"].covered
    assert results["structure"].covered
    assert summary(list(results.values())) == {"covered": 4, "total": 8, "complete": False}


def test_a_marker_in_any_case_or_spacing_counts():
    sections = _all("au_msa")
    sections["consultation"] = GOOD + " [ to complete :   the consultation\nprocess ]"
    result = next(r for r in check("au_msa", sections, APPROVAL) if r.key == "consultation")
    assert result.missing == ("Write the consultation process.",)


def test_exactly_the_threshold():
    sections = _all("uk_msa")
    sections["training"] = "x" * MIN_CHARS
    sections["policies"] = "x" * (MIN_CHARS - 1) + "   \n\n  "
    results = {r.key: r.covered for r in check("uk_msa", sections, APPROVAL)}
    assert results["training"] and not results["policies"]


@pytest.mark.parametrize("field,value", [("approved_by", ""), ("approved_by", "   "),
                                         ("signatory", None), ("signatory_role", "\x00"),
                                         ("approval_date", None), ("approval_date", "")])
def test_blank_approval_fields_are_missing(field, value):
    results = check("uk_msa", _all("uk_msa"), {**APPROVAL, field: value})
    missing = [r for r in results if not r.covered]
    assert len(missing) == 1 and missing[0].missing[0].startswith("Give ")


def test_approval_date_as_iso_string_or_not_a_date():
    ok = check("ca_s211", _all("ca_s211"), {**APPROVAL, "approval_date": "2025-06-01"})
    assert summary(ok)["complete"]
    bad = check("ca_s211", _all("ca_s211"), {**APPROVAL, "approval_date": "first of June"})
    assert [r.missing for r in bad if not r.covered] == [
        ("The approval date is not a date (use YYYY-MM-DD).",)]


def test_no_approval_at_all():
    results = check("au_msa", _all("au_msa"), None)
    approval = [r for r in results if r.key.endswith(("approval", "signature"))]
    assert len(approval) == 2 and not any(r.covered for r in approval)
    assert approval[0].missing == ("Give the body that approved the statement.",
                                   "Give the date of approval.")


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script><p>" * 3,
    "=SUM(1,2)+cmd|' /C calc'!A0 and a formula that a spreadsheet would run",
    "\x00" * 100,
    "नेपालको आपूर्ति शृङ्खलामा जबरजस्ती श्रमको जोखिम मूल्याङ्कन गरिएको छ।",
    "我们对供应链中的强迫劳动风险进行了评估，并采取了补救措施。我们对供应链中的强迫劳动风险进行了评估。",
])
def test_hostile_text_is_judged_as_text(text):
    results = {r.key: r for r in check("uk_msa", {**_all("uk_msa"), "policies": text}, APPROVAL)}
    assert results["policies"].covered == (len(" ".join(text.replace("\x00", " ").split()))
                                           >= MIN_CHARS)


def test_huge_text_with_many_brackets_is_checked_quickly():
    import time

    text = ("[To complete" + "x" * 50) * 200_000 + "[To complete: the policies]"
    started = time.perf_counter()
    results = {r.key: r for r in check("uk_msa", {**_all("uk_msa"), "policies": text}, APPROVAL)}
    assert time.perf_counter() - started < 3
    assert results["policies"].missing == ("Write the policies.",)


def test_non_text_sections_are_missing_not_errors():
    results = check("uk_msa", {"structure": 42, "policies": ["a"], "risk": None}, "nope")
    assert not any(r.covered for r in results)
