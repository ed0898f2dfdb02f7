"""audits.crosswalk: every scheme value, every documented spelling, the SMETA rule, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audits.crosswalk import (
    CROSSWALK,
    NOT_FINDINGS,
    SCHEMES,
    SEVERITIES,
    SPELLINGS,
    UnknownSeverity,
    normalise_scheme,
    scheme_value,
    scheme_values,
    tierlight_severity,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "audits.md"

# Written out by hand from issue 9, not derived from CROSSWALK: the table under test.
# (scheme, scheme value, plain severity, with an FL indicator, concerning child labour)
EXPECTED = [
    ("SMETA", "Non-compliance", "high", "critical", "critical"),
    ("SMETA", "Observation", "low", "low", "low"),
    ("RBA", "Priority", "critical", "critical", "critical"),
    ("RBA", "Major", "high", "high", "high"),
    ("RBA", "Minor", "medium", "medium", "medium"),
    ("RBA", "Risk of non-conformance", "low", "low", "low"),
    ("amfori BSCI", "Zero Tolerance", "critical", "critical", "critical"),
    ("amfori BSCI", "E", "high", "high", "high"),
    ("amfori BSCI", "D", "medium", "medium", "medium"),
    ("amfori BSCI", "C", "low", "low", "low"),
    ("SA8000", "Critical", "critical", "critical", "critical"),
    ("SA8000", "Major", "high", "high", "high"),
    ("SA8000", "Minor", "medium", "medium", "medium"),
    *[(s, v, v, v, v) for s in ("internal", "other") for v in SEVERITIES],
]


def test_the_expected_table_covers_the_crosswalk_exactly():
    assert {(s, v) for s, v, *_ in EXPECTED} == {
        (s, v) for s, values in CROSSWALK.items() for v in values}
    assert tuple(CROSSWALK) == SCHEMES
    assert all(sev in SEVERITIES for values in CROSSWALK.values() for sev in values.values())


@pytest.mark.parametrize(("scheme", "value", "plain", "with_fl", "child"), EXPECTED)
def test_every_scheme_value(scheme, value, plain, with_fl, child):
    assert tierlight_severity(scheme, value) == plain
    assert tierlight_severity(scheme, value, indicators=["FL09"]) == with_fl
    assert tierlight_severity(scheme, value, child_labour=True) == child


@pytest.mark.parametrize("indicator", [f"FL{n:02d}" for n in range(1, 12)])
def test_any_forced_labour_indicator_makes_a_smeta_non_compliance_critical(indicator):
    assert tierlight_severity("SMETA", "Non-compliance", indicators=[indicator]) == "critical"
    assert tierlight_severity("SMETA", "Non-compliance", indicators=iter([indicator])) == \
        "critical"  # any iterable, read once


def test_identity_documents_escalate_only_smeta():
    assert tierlight_severity("SMETA", "NC", indicators=("FL07",)) == "critical"
    assert tierlight_severity("RBA", "Minor", indicators=("FL07",)) == "medium"
    assert tierlight_severity("SA8000", "Minor", child_labour=True) == "medium"


# Every documented other spelling, and case/space/punctuation variants of the values.
SPELLING_CASES = [
    *[(s, other, value) for s, values in SPELLINGS.items()
      for value, others in values.items() for other in others],
    ("SMETA", "non compliance", "Non-compliance"),
    ("SMETA", "Non-Compliance", "Non-compliance"),
    ("SMETA", "NONCOMPLIANCE", "Non-compliance"),
    ("SMETA", "  non-compliance  ", "Non-compliance"),
    ("SMETA", "nc", "Non-compliance"),
    ("SMETA", "observation", "Observation"),
    ("RBA", "priority", "Priority"),
    ("RBA", "PRIORITY NONCONFORMANCE", "Priority"),
    ("RBA", "risk of non conformance", "Risk of non-conformance"),
    ("RBA", "Risk-of-Non-Conformance", "Risk of non-conformance"),
    ("amfori BSCI", "zero tolerance", "Zero Tolerance"),
    ("amfori BSCI", "ZT", "Zero Tolerance"),
    ("amfori BSCI", "zt", "Zero Tolerance"),
    ("amfori BSCI", "Zero-Tolerance", "Zero Tolerance"),
    ("amfori BSCI", "e", "E"),
    ("amfori BSCI", "rating d", "D"),
    ("SA8000", "critical", "Critical"),
    ("SA8000", "major non conformity", "Major"),
    ("internal", "HIGH", "high"),
    ("other", " Low ", "low"),
]


@pytest.mark.parametrize(("scheme", "typed", "value"), SPELLING_CASES)
def test_accepted_spellings(scheme, typed, value):
    assert scheme_value(scheme, typed) == value
    assert tierlight_severity(scheme, typed) == CROSSWALK[scheme][value]


def test_no_spelling_means_two_things():
    for scheme in SCHEMES:
        keys = [re.sub(r"[\W_]+", "", t.casefold())
                for t in [*CROSSWALK[scheme], *(o for os in SPELLINGS[scheme].values()
                                                  for o in os), *NOT_FINDINGS.get(scheme, {})]]
        assert len(keys) == len(set(keys)), scheme


UNKNOWN = [
    ("RBA", "Critical", "Priority, Major, Minor, Risk of non-conformance"),
    ("RBA", "Observation", "Priority, Major, Minor, Risk of non-conformance"),
    ("SMETA", "Major", "Non-compliance, Observation"),
    ("SMETA", "", "Non-compliance, Observation"),
    ("amfori BSCI", "F", "Zero Tolerance, E, D, C"),
    ("amfori BSCI", "Priority", "Zero Tolerance, E, D, C"),
    ("SA8000", "Observation", "Critical, Major, Minor"),
    ("internal", "Priority", "critical, high, medium, low"),
    ("other", "severe", "critical, high, medium, low"),
    ("other", "Non-compliance", "critical, high, medium, low"),
]


@pytest.mark.parametrize(("scheme", "typed", "allowed"), UNKNOWN)
def test_unknown_severities_name_the_scheme_and_its_values(scheme, typed, allowed):
    with pytest.raises(UnknownSeverity) as caught:
        tierlight_severity(scheme, typed)
    message = str(caught.value)
    assert f'"{typed}"' in message and allowed in message
    assert {"SMETA": "SMETA", "RBA": "RBA", "amfori BSCI": "amfori BSCI", "SA8000": "SA8000",
            "internal": "internal", "other": "another scheme"}[scheme] in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("scheme", "typed", "why"), [
    ("amfori BSCI", "A", "rating A is very good performance"),
    ("amfori BSCI", "b", "rating B is good performance"),
    ("amfori BSCI", "Rating A", "rating A"),
    ("SMETA", "Good practice", "good practice"),
    ("SMETA", "good-example", "good example"),
])
def test_ratings_that_are_not_findings_are_refused_saying_why(scheme, typed, why):
    with pytest.raises(UnknownSeverity, match=why) as caught:
        tierlight_severity(scheme, typed)
    assert "leave the row out" in str(caught.value)
    assert ", ".join(CROSSWALK[scheme]) in str(caught.value)


@pytest.mark.parametrize("typed", [None, 3, ["NC"]])
def test_a_severity_that_is_not_text_is_unknown(typed):
    with pytest.raises(UnknownSeverity):
        scheme_value("SMETA", typed)


def test_long_hostile_values_are_shortened_in_messages():
    with pytest.raises(UnknownSeverity) as caught:
        tierlight_severity("RBA", "<script>" + "x" * 10_000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(("typed", "scheme"), [
    ("SMETA", "SMETA"), ("smeta", "SMETA"), ("SMETA 4-pillar", "SMETA"),
    ("SMETA 2-Pillar", "SMETA"), ("smeta 4 pillar", "SMETA"), ("Sedex SMETA", "SMETA"),
    ("RBA", "RBA"), ("rba", "RBA"), ("RBA VAP", "RBA"), ("EICC", "RBA"),
    ("amfori BSCI", "amfori BSCI"), ("amfori", "amfori BSCI"), ("BSCI", "amfori BSCI"),
    ("Amfori-BSCI", "amfori BSCI"),
    ("SA8000", "SA8000"), ("sa 8000", "SA8000"), ("SA-8000", "SA8000"),
    ("internal", "internal"), ("Internal", "internal"), ("other", "other"), (" OTHER ", "other"),
])
def test_normalise_scheme(typed, scheme):
    assert normalise_scheme(typed) == scheme


@pytest.mark.parametrize("typed", ["", "ISO 9001", "WRAP", "SMETA 6", "SA8001", None, 8000])
def test_unknown_schemes_are_refused_listing_the_known_ones(typed):
    with pytest.raises(ValueError, match="SMETA, RBA, amfori BSCI, SA8000, internal, other"):
        normalise_scheme(typed)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_values_are_most_severe_first(scheme):
    values = scheme_values(scheme)
    ranks = [SEVERITIES.index(tierlight_severity(scheme, v)) for v in values]
    assert ranks == sorted(ranks) and values == tuple(CROSSWALK[scheme])


def test_scheme_values_accept_any_spelling_of_the_scheme():
    assert scheme_values("bsci") == ("Zero Tolerance", "E", "D", "C")


def test_unknown_indicator_codes_are_a_callers_bug():
    with pytest.raises(ValueError, match="Unknown indicator codes"):
        tierlight_severity("SMETA", "NC", indicators=["Debt bondage"])


@pytest.mark.parametrize(("scheme", "value", "plain", "with_fl", "child"), EXPECTED)
def test_docs_show_every_row_of_the_crosswalk(scheme, value, plain, with_fl, child):
    docs = DOCS.read_text(encoding="utf-8")
    row = re.search(rf"^\| {re.escape(scheme)} \| {re.escape(value)} \| ([^|\n]*)\|", docs,
                    re.MULTILINE)
    assert row, f"docs/audits.md has no crosswalk row for {scheme} | {value}"
    words = re.findall(r"\b(critical|high|medium|low)\b", row.group(1))
    assert words[0] == plain and set(words) == {plain, with_fl, child}


@pytest.mark.parametrize(("scheme", "value"), [(s, v) for s in SCHEMES for v in CROSSWALK[s]])
def test_docs_list_every_other_spelling(scheme, value):
    docs = DOCS.read_text(encoding="utf-8")
    row = re.search(rf"^\| {re.escape(scheme)} \| {re.escape(value)} \| [^|\n]*\|([^|\n]*)\|",
                    docs, re.MULTILINE)
    assert row
    shown = [t.strip() for t in row.group(1).split(",") if t.strip() not in ("", "–")]
    assert shown == list(SPELLINGS[scheme].get(value, ()))
