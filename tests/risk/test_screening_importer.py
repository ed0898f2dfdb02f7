"""Entity-list files (risk/screening/importer.py): real CSV and XLSX files, and hostile ones."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from app.spreadsheets import SpreadsheetError
from risk.screening.importer import parse_file
from tests.risk.screening_factories import HEADER, HOSHINE, csv_bytes, xlsx_bytes

TODAY = date(2026, 12, 1)


def parse(data: bytes, name: str = "list.csv"):
    return parse_file(name, data, today=TODAY)


def problems(result):
    return [(e["row"], e["column"], e["message"]) for e in result.errors]


def test_a_list_in_csv_and_in_xlsx_reads_the_same():
    rows = [HOSHINE,
            ["Xinjiang Zhongtai Chemical Co., Ltd.", "Zhongtai Chemical | 新疆中泰化学", "CHN",
             "91650000710886496N | 549300ABCDEF12345678", "2022-06-21", "", ""],
            ["Tecelagem Exemplo Ltda.", "", "Brazil", "12.345.678/0001-90", "", "", ""]]
    from_csv = parse(csv_bytes(rows))
    from_xlsx = parse(xlsx_bytes(rows), "list.xlsx")
    assert problems(from_csv) == [] and problems(from_xlsx) == []
    assert [(r.row, r.name, r.aliases, r.country, r.identifiers, r.listed_on)
            for r in from_csv.rows] == [
        (2, "Hoshine Silicon Industry Co., Ltd. and Subsidiaries", ("Hesheng Silicon Industry",),
         "CN", (), date(2022, 6, 21)),
        (3, "Xinjiang Zhongtai Chemical Co., Ltd.", ("Zhongtai Chemical", "新疆中泰化学"), "CN",
         ("91650000710886496N", "549300ABCDEF12345678"), date(2022, 6, 21)),
        (4, "Tecelagem Exemplo Ltda.", (), "BR", ("12.345.678/0001-90",), None)]
    assert [r.fingerprint for r in from_csv.rows] == [r.fingerprint for r in from_xlsx.rows]
    assert from_csv.rows[0].source_url == "https://www.dhs.gov/uflpa-entity-list"


def test_headers_are_found_by_name_and_alias_and_the_rest_is_named():
    data = csv_bytes([["Hoshine Silicon Industry", "June 21, 2022", "CN", "x"]],
                     header=["Name of Entity*", "Effective Date", "Country", "Notes"])
    result = parse(data)
    assert problems(result) == []
    assert result.rows[0].listed_on == date(2022, 6, 21)
    assert result.unknown_columns == ["Notes"]
    missing = parse(csv_bytes([["CN"]], header=["country"]))
    assert problems(missing) == [
        (1, "name", "missing column (the header may say name or entity or entity_name or "
                    "name_of_entity)")]


def test_dates_from_a_workbook_and_as_text():
    data = xlsx_bytes([["A Co", "", "", "", datetime(2024, 5, 17), "", ""],
                       ["B Co", "", "", "", "17 May 2024", "", ""]])
    assert [r.listed_on for r in parse(data, "l.xlsx").rows] == [date(2024, 5, 17)] * 2


@pytest.mark.parametrize(("row", "column", "message"), [
    (["", "alias only", "CN", "", "", "", ""], "name", "is blank: name the entity"),
    (["X Co", "", "Atlantis", "", "", "", ""], "country",
     'unknown country "Atlantis": use an ISO code such as "CN" or an English name'),
    (["X Co", "", "", "", "21/06/2022", "", ""], "listed_on",
     '"21/06/2022" is not a date: write YYYY-MM-DD'),
    (["X Co", "", "", "", "1850-01-01", "", ""], "listed_on",
     "1850-01-01 is not a plausible listing date"),
    (["X Co", "", "", "", "2031-01-01", "", ""], "listed_on",
     "2031-01-01 is not a plausible listing date"),
    (["X Co", "", "", "AB1", "", "", ""], "identifiers",
     '"AB1" is too short to identify an entity (at least 5 letters or digits)'),
    (["X Co", "", "", "", "", "", "javascript:alert(1)"], "source_url",
     '"javascript:alert(1)" is not a web address (http:// or https://)'),
    (["N" * 501, "", "", "", "", "", ""], "name", "is 501 characters long; the most is 500"),
    (["X Co", "|".join(f"alias {i}" for i in range(51)), "", "", "", "", ""], "aliases",
     "holds 51 values; the most is 50"),
])
def test_row_errors_name_the_row_and_column(row, column, message):
    result = parse(csv_bytes([HOSHINE, row]))
    assert problems(result) == [(3, column, message)]
    assert [r.row for r in result.rows] == [2]  # the caller writes nothing while any remains


def test_every_problem_of_a_row_is_named():
    row = ["X Co", "", "Atlantis", "AB", "soon", "", "ftp://x"]
    assert [(r, c) for r, c, _m in problems(parse(csv_bytes([row])))] == [
        (2, "country"), (2, "identifiers"), (2, "listed_on"), (2, "source_url")]


def test_formulas_and_markup_are_kept_as_text():
    row = ["<script>alert('x')</script> Trading", "=HYPERLINK(\"http://evil\")", "CN",
           "", "", "@SUM(A1)", ""]
    result = parse(csv_bytes([row]))
    assert problems(result) == []
    entry = result.rows[0]
    assert entry.name == "<script>alert('x')</script> Trading"
    assert entry.aliases == ('=HYPERLINK("http://evil")',)
    assert entry.reason == "@SUM(A1)"


def test_a_formula_cell_in_a_workbook_is_never_evaluated():
    data = xlsx_bytes([["=CONCAT(\"Hoshine\", \" Silicon\")", "", "CN", "", "", "", ""]])
    # openpyxl saved a formula without a cached value: the reader sees an empty cell
    assert problems(parse(data, "l.xlsx")) == [(2, "name", "is blank: name the entity")]


def test_nul_and_control_characters():
    filler = [[f"Filler Entity {i}", "", "CN", "", "", "", ""] for i in range(20)]
    data = csv_bytes(filler) + b"Bad\x00 Name,,CN,,,,\nTab\tand\x07bell Co,,CN,,,,\n"
    assert data.index(b"\x00") > 512  # past the bytes the type check reads
    result = parse(data)
    assert problems(result) == [(22, None, "line 22 holds a NUL character, which no text may "
                                           "contain")]
    # other control characters are dropped, tabs become spaces
    assert [r.name for r in result.rows][-1] == "Tab andbell Co"
    with pytest.raises(SpreadsheetError, match="binary file"):
        parse(b"name\nHo\x00shine\n")  # in the first bytes: not a text file at all


def test_numbers_where_text_belongs_and_huge_numbers():
    data = xlsx_bytes([[12345, "", "", "", "", "", ""],
                       ["Big Number Co", "", "", 1e20, "", "", ""],
                       ["Country Co", "", 156, "", "", "", ""],
                       ["Serial Co", "", "", "", 45000, "", ""],
                       ["Whole Co", "", "", 91650000710886, "", "", ""]])
    result = parse(data, "l.xlsx")
    assert problems(result) == [
        (2, "name", '"12345" is a number, not a name'),
        (3, "identifiers", '"1e+20" is a number too large to be read exactly: format the '
                           "column as text"),
        (4, "country", '"156" is a number, not a country'),
        (5, "listed_on", '"45000" is a number: write the date as YYYY-MM-DD')]
    assert result.rows[0].identifiers == ("91650000710886",)
    # beyond what a float holds: the workbook's text says 1E+400
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Huge Co", "", "", 1e20, "", "", ""]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name).replace(b"<v>1e+20</v>", b"<v>1E+400</v>"))
    assert problems(parse(out.getvalue(), "huge.xlsx")) == [
        (2, "identifiers", '"inf" is a number too large to be read exactly: format the column '
                           "as text")]


def test_other_scripts_are_kept_as_written():
    rows = [["合盛硅业股份有限公司", "Hoshine Silicon", "中国", "", "", "", ""],
            ["ООО «Ромашка»", "", "Russia", "", "", "", ""],
            ["شركة النسيج", "", "Egypt", "", "", "", ""],
            ["Công ty TNHH Dệt May Thành Công", "", "Viet Nam", "", "", "", ""]]
    result = parse(csv_bytes(rows))
    assert problems(result) == [
        (2, "country", 'unknown country "中国": use an ISO code such as "CN" or an English name')]
    assert [r.name for r in result.rows] == [row[0] for row in rows[1:]]
    assert [r.country for r in result.rows] == ["RU", "EG", "VN"]


def test_the_same_entry_twice_is_an_error():
    result = parse(csv_bytes([HOSHINE, HOSHINE]))
    assert problems(result) == [(3, "name", "the same entry as row 2: one row each")]


def test_too_many_errors_are_summarised():
    result = parse(csv_bytes([[f"Co {i}", "", "Atlantis", "", "", "", ""] for i in range(600)]))
    assert len(result.errors) == 501
    assert result.errors[-1]["message"] == "and 100 more problems"


def test_a_zip_bomb_is_refused_before_any_xml_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"A" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(SpreadsheetError, match=r"expands [\d,]+ times"):
        parse(buffer.getvalue(), "bomb.xlsx")


def test_xml_entities_are_refused():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HOSHINE])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a SYSTEM '
                                    b'"file:///etc/passwd">]><worksheet', 1)
            archive.writestr(name, data)
    with pytest.raises(SpreadsheetError, match="refused for safety"):
        parse(out.getvalue(), "xxe.xlsx")


def test_a_sparse_sheet_reads_only_the_expected_columns():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(2, 2002):
        sheet.cell(row=n, column=1, value=f"Entity {n}")
        sheet.cell(row=n, column=16384, value="x")  # column XFD
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse(buffer.getvalue(), "sparse.xlsx")
    assert problems(result) == [] and len(result.rows) == 2000


def test_other_file_types_are_refused():
    with pytest.raises(SpreadsheetError, match="PNG image"):
        parse(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "list.xlsx")
    with pytest.raises(SpreadsheetError, match="Only Excel workbooks"):
        parse(b"name\nX\n", "list.pdf")
    with pytest.raises(SpreadsheetError, match="larger than"):
        parse(b"name\n" + b"x" * (10 * 1024 * 1024), "big.csv")
