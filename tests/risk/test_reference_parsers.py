"""The reference-data parsers: columns found by name, every row problem named by file, row
and column, aggregate and blank rows handled on purpose, TIP editions built from several files,
and hostile files refused by the shared defences (no database)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from app.spreadsheets import SpreadsheetError
from risk.reference.parsers import parse_files
from risk.reference.shipped import shipped_editions, shipped_files
from tests.risk.conftest import csv_bytes

ILAB = ["good", "good_sector", "country", "child_labor", "forced_labor", "forced_child_labor",
        "derived_labor_exploitation", "derived_country"]


def ilab(*rows):
    return [("goods.csv", csv_bytes(ILAB, [list(r) for r in rows]))]


def errors(result):
    return [(e["row"], e["column"], e["message"]) for e in result.errors]


def test_every_shipped_edition_parses_without_errors():
    counts = {}
    for entry in shipped_editions():
        result = parse_files(entry.dataset, shipped_files(entry))
        assert result.errors == [], (entry.dataset, entry.edition, result.errors[:3])
        counts[(entry.dataset, entry.edition)] = (len(result.rows), len(result.skipped))
    assert counts == {
        ("ilab_goods", "2020"): (438, 0), ("ilab_goods", "2022"): (467, 0),
        # 2,251 + 267 + 49 rows; the 2025 list's "world" summary row skipped
        ("tip_tiers", "2025"): (2567, 1),
        # small states without an estimate are skipped, not loaded as zero
        ("gsi_prevalence", "2018"): (167, 19), ("gsi_prevalence", "2023"): (160, 20),
        ("gsi_vulnerability", "2018"): (167, 19),
        ("ituc_rights", "2025 (dashboard copy)"): (151, 0),
    }


def test_ilab_row_values():
    result = parse_files("ilab_goods", ilab(
        ["Bricks", "Manufacturing", "Burma", "Yes", "Yes", "Yes", "No", "No"],
        ["Lithium-Ion Batteries", "Manufacturing", "China", "No", "No", "No", "Yes",
         "Congo, Democratic Republic of the"]))
    assert errors(result) == []
    bricks, batteries = result.rows
    assert (bricks.row_no, bricks.country, bricks.source_country, bricks.item) == \
        (2, "MM", "Burma", "Bricks")
    assert bricks.values == {"child_labor": True, "forced_labor": True,
                             "forced_child_labor": True, "derived": False,
                             "derived_country": None, "derived_country_code": None,
                             "sector": "Manufacturing"}
    assert batteries.values["derived"] is True
    assert batteries.values["derived_country"] == "Congo, Democratic Republic of the"
    assert batteries.values["derived_country_code"] == "CD"


def test_headers_are_found_by_name_in_any_case_and_order_with_aliases():
    data = csv_bytes(["Forced Labour", "COUNTRY", "Item", "Child-Labour", "notes"],
                     [["yes", "Türkiye", "Hazelnuts", "Y"]])
    result = parse_files("ilab_goods", [("g.csv", data)])
    assert errors(result) == []
    row = result.rows[0]
    assert (row.country, row.item, row.values["forced_labor"], row.values["child_labor"],
            row.values["forced_child_labor"]) == ("TR", "Hazelnuts", True, True, False)


def test_missing_columns_are_named():
    result = parse_files("ilab_goods", [("g.csv", csv_bytes(["good", "country"],
                                                              [["Cotton", "China"]]))])
    assert [(e["row"], e["column"]) for e in result.errors] == \
        [(1, "child_labor"), (1, "forced_labor")]
    assert "child_labor or child_labour" in result.errors[0]["message"]
    assert result.rows == []


def test_ilab_row_errors_name_row_and_column():
    result = parse_files("ilab_goods", ilab(
        ["Cotton", "", "Atlantis", "Yes", "No", "No", "No", "No"],
        ["Cotton", "", "China", "Maybe", "No", "No", "No", "No"],
        ["Cotton", "", "China", "", "No", "No", "No", "No"],
        ["", "", "China", "Yes", "No", "No", "No", "No"],
        ["Tea", "", "India", "No", "No", "No", "No", "No"],
        ["Solar Cells", "", "China", "No", "No", "No", "No", "Germany"],
        ["Solar Cells", "", "China", "No", "No", "No", "Yes", "Xanadu"],
        ["Rice", "", "India", "Yes", "No", "No", "No", "No"],
        ["rice", "", "India", "Yes", "No", "No", "No", "No"]))
    assert errors(result) == [
        (2, "country", 'unknown country "Atlantis": use an English name or an ISO code'),
        (3, "child_labor", '"maybe" is not Yes or No'),
        (4, "child_labor", "is blank: write Yes or No"),
        (5, "item", "is blank: name the good"),
        (6, "child_labor", "marks no exploitation: at least one of child_labor, forced_labor, "
                           "forced_child_labor, derived must be Yes"),
        (7, "derived_country", 'names "Germany" but the good is not marked derived '
                               "(derived_labor_exploitation is No)"),
        (8, "derived_country", 'unknown country "Xanadu"'),
        (10, "country", "'rice' for India (IN) is already in row 9 ('India'): one row each"),
    ]
    assert [r.row_no for r in result.rows] == [9]
    assert all(e["file"] == "goods.csv" for e in result.errors)


TIP = ["country", "report_year", "tier"]


def test_tip_tiers_and_their_spellings():
    data = csv_bytes(TIP, [["Burma", "2025", "Tier 3"], ["Haiti", 2025, "special case"],
                           ["Algeria", "2025", "Watchlist"], ["Norway", "2015", "tier 1"],
                           ["Chad", "2024", "Tier 2 Watch List"], ["Peru", "2015", "2"]])
    result = parse_files("tip_tiers", [("tip.csv", data)])
    assert errors(result) == []
    assert [(r.country, r.values["year"], r.values["tier"]) for r in result.rows] == [
        ("MM", 2025, "Tier 3"), ("HT", 2025, "Special Case"), ("DZ", 2025, "Tier 2 Watch List"),
        ("NO", 2015, "Tier 1"), ("TD", 2024, "Tier 2 Watch List"), ("PE", 2015, "Tier 2")]
    assert "file" not in result.rows[0].values  # one file: nothing to say which


def test_tip_row_errors():
    data = csv_bytes(TIP, [["Burma", "2025", "Tier 4"], ["Chad", "20x5", "Tier 3"],
                           ["Chad", "1999", "Tier 3"], ["Chad", "", "Tier 3"],
                           ["Chad", "2025", ""], ["", "2025", "Tier 3"]])
    result = parse_files("tip_tiers", [("tip.csv", data)])
    assert errors(result) == [
        (2, "tier", '"Tier 4" is not a TIP tier (one of Tier 1, Tier 2, Tier 2 Watch List, '
                    "Tier 3, Special Case)"),
        (3, "year", '"20x5" is not a report year (2001 or later)'),
        (4, "year", '"1999" is not a report year (2001 or later)'),
        (5, "year", "is blank: write the report year"),
        (6, "tier", "is blank: write the tier"),
        (7, "country", "is blank: name the country"),
    ]


def test_tip_files_combine_and_must_agree():
    full = csv_bytes(["country", "iso3", "report_year", "tier"],
                     [["Myanmar", "MMR", "2015", "Tier 3"], ["Kosovo", "KOS", "2015", "Tier 2"]])
    recent = csv_bytes(["report_year", "tier", "country"],
                       [["2025", "Tier 3", "Burma"], ["2024", "Tier 3", "Burma"]])
    latest = csv_bytes(["factbook_code", "region_folder", "country", "tier", "report_year"],
                       [["xx", "world", "", "", ""], ["bm", "east-asia", "Burma", "Tier 3",
                                                      "2025"]])
    result = parse_files("tip_tiers", [("a.csv", full), ("b.csv", recent), ("c.csv", latest)])
    assert errors(result) == []
    assert result.skipped == [{"file": "c.csv", "row": 2,
                               "reason": 'a total for "world", not a country'}]
    # the same fact in two files: both rows kept, each naming its file
    assert [(r.country, r.values["year"], r.values["file"]) for r in result.rows] == [
        ("MM", 2015, "a.csv"), ("XK", 2015, "a.csv"), ("MM", 2025, "b.csv"),
        ("MM", 2024, "b.csv"), ("MM", 2025, "c.csv")]
    clash = csv_bytes(TIP, [["Myanmar", "2025", "Tier 2"]])
    result = parse_files("tip_tiers", [("b.csv", recent), ("d.csv", clash)])
    assert errors(result) == [
        (2, "country", "Myanmar is Tier 3 for 2025 in row 2 of b.csv, Tier 2 here")]


def test_iso3_must_agree_with_the_name():
    data = csv_bytes(["country", "iso3", "report_year", "tier"],
                     [["China", "IND", "2015", "Tier 2"], ["Narnia", "NOR", "2015", "Tier 1"],
                      ["France", "ZZZ", "2015", "Tier 1"]])
    result = parse_files("tip_tiers", [("k.csv", data)])
    assert errors(result) == [
        (2, "iso3", '"IND" is IN but the country "China" is CN'),
        (4, "iso3", 'unknown ISO 3166-1 alpha-3 code "ZZZ"')]
    assert [(r.country, r.source_country) for r in result.rows] == [("NO", "Narnia")]


def test_prevalence_and_vulnerability_values():
    data = csv_bytes(["country", "prevalence_per_1000", "est_number_in_modern_slavery"],
                     [["Burma", "12.1", "<1,000"], ["Malta", "", ""], ["World", "6.4", ""],
                      ["Chad", "twelve", ""], ["Peru", "1e400", ""], ["Fiji", "1,5", ""],
                      ["Laos", "-1", ""], ["Iran", "1001", ""], ["Mali", "nan", ""],
                      ["Togo", "99999999999999999999999", ""]])
    result = parse_files("gsi_prevalence", [("gsi.csv", data)])
    assert [(r.country, r.values) for r in result.rows] == [
        ("MM", {"value": 12.1, "estimated_number": "<1,000"})]
    assert [s["reason"] for s in result.skipped] == [
        "the source gives no value for this country", 'a total for "World", not a country']
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (5, "value"), (6, "value"), (7, "value"), (8, "value"), (9, "value"), (10, "value"),
        (11, "value")]
    assert result.errors[0]["message"].startswith('"twelve" is not a number')
    assert result.errors[1]["message"] == '"1e400" is outside 0 to 1000'
    vuln = parse_files("gsi_vulnerability", [("v.csv", csv_bytes(
        ["country", "vulnerability_total_score"],
        [["Burma", "100.00000000000024"], ["Chad", "100.5"]]))])
    assert [r.values["value"] for r in vuln.rows] == [100.00000000000024]
    assert errors(vuln) == [(3, "value", '"100.5" is outside 0 to 100')]


def test_ituc_ratings():
    data = csv_bytes(["Country", "Rating", "Status"],
                     [["Norway", "1", "Sporadic"], ["Belarus", "5 +", ""], ["Chad", "6", ""],
                      ["Peru", "", ""], ["Iraq", "4.0", ""], ["Congo (Republic of)", "4", ""],
                      ["Congo (Democratic Republic of)", "5", ""], ["Curacao", "3", ""],
                      ["Curaçao", "3", ""]])
    result = parse_files("ituc_rights", [("ituc.csv", data)])
    assert [(r.country, r.values["value"]) for r in result.rows] == [
        ("NO", "1"), ("BY", "5+"), ("IQ", "4"), ("CG", "4"), ("CD", "5"), ("CW", "3")]
    assert result.skipped == [{"file": "ituc.csv", "row": 5,
                               "reason": "the source gives no value for this country"}]
    assert errors(result) == [
        (4, "value", '"6" is not an ITUC rating (one of 1, 2, 3, 4, 5, 5+)'),
        (10, "country", "Curaçao (CW) is already in row 9 ('Curacao'): one row each")]


# --- hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "message"), [
    ("=HYPERLINK(\"http://evil\",\"Cotton\")", "starts like a spreadsheet formula"),
    ("+SUM(A1)", "starts like a spreadsheet formula"),
    ("@cmd", "starts like a spreadsheet formula"),
    ("-cmd|' /C calc'!A0", "starts like a spreadsheet formula"),
    ("<script>alert(1)</script>", "contains markup"),
    ("Cotton <img src=x onerror=alert(1)>", "contains markup"),
    ("x" * 201, "is 201 characters long; the most is 200"),
])
def test_hostile_text_in_a_good_is_refused(cell, message):
    result = parse_files("ilab_goods", ilab([cell, "", "China", "Yes", "No", "No", "No", "No"]))
    assert result.rows == []
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "item")]
    assert message in result.errors[0]["message"]


def test_nul_bytes_and_control_characters():
    # In the first bytes, a NUL says "binary file": the file is refused as a whole.
    data = b"good,country,child_labor,forced_labor\nCot\x00ton,China,Yes,No\n"
    with pytest.raises(SpreadsheetError, match="looks like a binary file") as info:
        parse_files("ilab_goods", [("g.csv", data)])
    assert info.value.status == 415
    # Further on, NUL and other control characters are dropped from the cells.
    data = ("good,country,child_labor,forced_labor,notes\n"
            f"Tea,India,Yes,No,{'x' * 600}\nCot\x00ton\x07,Chi\x00na,Yes,No,\n").encode()
    result = parse_files("ilab_goods", [("g.csv", data)])
    assert errors(result) == []
    assert (result.rows[1].item, result.rows[1].country) == ("Cotton", "CN")


def test_other_scripts():
    data = csv_bytes(["good", "country", "child_labor", "forced_labor"],
                     [["棉花", "China", "Yes", "No"], ["Cotton", "中国", "Yes", "No"],
                      ["Хлопок", "Uzbekistan", "No", "Yes"]])
    result = parse_files("ilab_goods", [("g.csv", data)])
    assert [r.item for r in result.rows] == ["棉花", "Хлопок"]  # stored as written
    assert errors(result) == [(3, "country", 'unknown country "中国": use an English name or '
                                             "an ISO code")]


def test_an_edition_must_be_a_text_or_a_workbook():
    with pytest.raises(SpreadsheetError, match=r"^g\.csv: The file is named \.csv but looks "
                                               r"like a PNG image") as info:
        parse_files("ilab_goods", [("g.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)])
    assert info.value.status == 415
    with pytest.raises(SpreadsheetError, match="UTF-16"):
        parse_files("ilab_goods", [("g.csv", "good,country\n".encode("utf-16"))])
    with pytest.raises(SpreadsheetError, match="Only Excel workbooks"):
        parse_files("ilab_goods", [("g.exe", b"MZ")])
    with pytest.raises(SpreadsheetError, match="empty"):
        parse_files("ilab_goods", [("g.csv", b"")])
    with pytest.raises(SpreadsheetError, match="larger than the 10 MB limit") as info:
        parse_files("ilab_goods", [("g.csv", b"x" * (10 * 1024 * 1024 + 1))])
    assert info.value.status == 413
    with pytest.raises(SpreadsheetError, match="at most 5 files"):
        parse_files("tip_tiers", [(f"{n}.csv", b"country\n") for n in range(6)])


def test_legacy_encodings_are_read_as_the_app_reads_them():
    data = "good,country,child_labor,forced_labor\nAçaí Berries,Brazil,Yes,No\n"
    result = parse_files("ilab_goods", [("g.csv", data.encode("cp1252"))])
    assert [r.item for r in result.rows] == ["Açaí Berries"]


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_too_with_numbers_as_numbers():
    data = _workbook([["country", "rating"], ["Norway", 1], ["Belarus", "5+"], ["Chad", 4.0]])
    result = parse_files("ituc_rights", [("ituc.xlsx", data)])
    assert errors(result) == []
    assert [r.values["value"] for r in result.rows] == ["1", "5+", "4"]
    tip = _workbook([["country", "year", "tier"], ["Chad", 2024.0, "Tier 3"],
                     ["Peru", True, "Tier 2"]])
    result = parse_files("tip_tiers", [("tip.xlsx", tip)])
    assert [r.values["year"] for r in result.rows] == [2024]
    assert errors(result) == [(3, "year", '"True" is not a report year (2001 or later)')]


def test_a_formula_cell_in_a_workbook_is_never_evaluated():
    data = _workbook([["country", "rating"], ["Norway", "=1+1"]])
    result = parse_files("ituc_rights", [("ituc.xlsx", data)])
    # the reader takes the cached value (none was saved), never the formula
    assert result.rows == [] and result.errors == []
    assert result.skipped == [{"file": "ituc.xlsx", "row": 2,
                               "reason": "the source gives no value for this country"}]


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"A" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(SpreadsheetError, match=r"^bomb\.xlsx: .*expands [\d,]+ times"):
        parse_files("ilab_goods", [("bomb.xlsx", buffer.getvalue())])


def test_xml_entities_are_refused():
    book = _workbook([["country", "rating"], ["Norway", "1"]])
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet',
                                    1)
            archive.writestr(name, data)
    with pytest.raises(SpreadsheetError, match="refused for safety"):
        parse_files("ituc_rights", [("x.xlsx", out.getvalue())])


def test_too_many_errors_are_summarised():
    rows = [["Atlantis", "1"]] * 600
    result = parse_files("ituc_rights", [("ituc.csv", csv_bytes(["country", "rating"], rows))])
    assert len(result.errors) == 501
    assert result.errors[-1]["message"] == "and 100 more problems"
