"""audits.indicators: codes and names as auditors type them; app.indicators as the one list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import questionnaires.definitions
from app.indicators import INDICATORS
from audits.indicators import SHORT_FORMS, parse_indicators


def test_app_indicators_are_the_ilo_eleven_and_questionnaires_re_export_them():
    assert list(INDICATORS) == [f"FL{n:02d}" for n in range(1, 12)]
    assert INDICATORS["FL07"] == "Retention of identity documents"
    assert INDICATORS["FL09"] == "Debt bondage"
    assert questionnaires.definitions.INDICATORS is INDICATORS


@pytest.mark.parametrize(("text", "codes"), [
    ("FL09", ["FL09"]),
    ("fl9", ["FL09"]),
    ("FL 09", ["FL09"]),
    ("FL-9", ["FL09"]),
    ("fl_11", ["FL11"]),
    ("FL011", ["FL11"]),
    ("FL10", ["FL10"]),
    ("FL1", ["FL01"]),
    ("retention of identity documents", ["FL07"]),
    ("Retention Of Identity Documents", ["FL07"]),
    ("RETENTION OF IDENTITY DOCUMENTS", ["FL07"]),
    ("Debt bondage", ["FL09"]),
    ("debt-bondage", ["FL09"]),
    ("bonded labor", ["FL09"]),
    ("excessive overtime", ["FL11"]),
    ("identity documents", ["FL07"]),
    ("withholding of wages", ["FL08"]),
    ("Physical & sexual violence", ["FL05"]),
    ("abusive working and living conditions", ["FL10"]),
    ("", []),
    ("  ;  ; ", []),
    # ";" or "," between parts; FL order; duplicates once
    ("FL09; retention of identity documents, fl2", ["FL02", "FL07", "FL09"]),
    ("debt bondage;FL09; fl 9 ;Debt Bondage", ["FL09"]),
    ("FL11;FL01;FL05", ["FL01", "FL05", "FL11"]),
    (";".join(f"FL{n}" for n in range(11, 0, -1)), list(INDICATORS)),
])
def test_parse_indicators(text, codes):
    assert parse_indicators(text) == codes


@pytest.mark.parametrize("code", INDICATORS)
def test_every_ilo_name_and_short_form_is_read(code):
    assert parse_indicators(INDICATORS[code]) == [code]
    assert parse_indicators(INDICATORS[code].upper()) == [code]
    for form in SHORT_FORMS[code]:
        assert parse_indicators(form) == [code], form


@pytest.mark.parametrize(("text", "named"), [
    ("FL12", '"FL12" is not an ILO forced-labour indicator'),
    ("FL00", '"FL00"'),
    ("FL0", '"FL0"'),
    ("9", '"9"'),
    ("F L09", '"F L09"'),
    ("forced marriage", '"forced marriage"'),
    ("FL09; trafficking; FL99", '"trafficking", "FL99" are not ILO forced-labour indicators'),
    ("debt bondage / FL07", '"debt bondage / FL07"'),
    ("=HYPERLINK(\"x\")", '"=HYPERLINK'),
    ("债务奴役", '"债务奴役"'),
])
def test_bad_parts_are_named(text, named):
    with pytest.raises(ValueError, match="use codes FL01 to FL11") as caught:
        parse_indicators(text)
    assert named in str(caught.value)


def test_huge_bad_parts_are_shortened_and_at_most_five_named():
    with pytest.raises(ValueError) as caught:
        parse_indicators("x" * 5000)
    assert len(str(caught.value)) < 250
    with pytest.raises(ValueError) as caught:
        parse_indicators(";".join(f"bad{n}" for n in range(50)))
    assert '"bad4"' in str(caught.value) and '"bad5"' not in str(caught.value)


@pytest.mark.parametrize("value", [None, 9, ["FL09"]])
def test_not_text_is_refused(value):
    with pytest.raises(ValueError, match="must be text"):
        parse_indicators(value)


@pytest.mark.parametrize("code", INDICATORS)
def test_docs_list_every_name_and_short_form(code):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "audits.md").read_text("utf-8")
    row = re.search(rf"^\| {code} \| ([^|\n]*)\|([^|\n]*)\|", docs, re.MULTILINE)
    assert row and row.group(1).strip() == INDICATORS[code]
    shown = [t.strip() for t in row.group(2).split(",") if t.strip() not in ("", "–")]
    assert shown == list(SHORT_FORMS[code])
