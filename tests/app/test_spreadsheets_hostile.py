"""app.spreadsheets and app.xlsx_stream against hostile and damaged workbooks."""

from __future__ import annotations

import io
import logging
import time
import zipfile
from typing import Any

import openpyxl
import pytest

from app import spreadsheets, xlsx_stream
from app.spreadsheets import SpreadsheetError, check_xlsx_archive, open_table
from tests.app.sheets import (
    COLUMNS,
    MAIN_NS,
    build_xlsx,
    read,
    sheet_xml,
    write_book,
    write_text,
)

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


# --- issue 6: memory, row numbers, damaged cells, our own bugs -------------------------------

def _text_heavy_workbook(path, strings: int, filler: int) -> None:
    """Shared strings of `filler` repeated characters behind a random key each: they compress
    about 30:1, under the zip-bomb ratio, as the 9.6 MB workbook that expanded to 380 MB did."""
    import random

    rng = random.Random(6)
    pad = "x" * filler
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        framed = build_xlsx(path.with_suffix(".frame.xlsx"), sheet_xml(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
        with zipfile.ZipFile(framed) as frame:
            for name in frame.namelist():
                if name != "xl/sharedStrings.xml":
                    archive.writestr(name, frame.read(name))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(f'<sst xmlns="{MAIN_NS}"><si><t>name</t></si>'.encode())
            batch = []
            for _ in range(strings):
                key = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=12))
                batch.append(f"<si><t>{key}{pad}</t></si>")
                if len(batch) == 2000:
                    member.write("".join(batch).encode())
                    batch.clear()
            member.write(("".join(batch) + "</sst>").encode())


def test_shared_text_is_capped_by_characters(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_SHARED_TEXT", 20)
    strings = (f'<sst xmlns="{MAIN_NS}"><si><t>name</t></si>'
               + "<si><t>abcdefgh</t></si>" * 2 + "</sst>")
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c>'
                                                     "</row>"), strings)
    read(path)  # 4 + 16 characters: at the limit, accepted
    build_xlsx(path, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
               strings.replace("</sst>", "<si><t>i</t></si></sst>"))
    with pytest.raises(SpreadsheetError, match=r"texts add up to more than 20 characters") as info:
        open_table(path, "s.xlsx", COLUMNS)
    assert (info.value.status, info.value.code) == (422, "too_much_text")


def test_text_heavy_workbook_under_the_zip_limits_is_refused_by_its_text(tmp_path):
    """A real case at the real limit: 57 million characters in 3 MB, each archive check
    passed, refused while streaming (before the fix it was read whole into memory)."""
    path = tmp_path / "texts.xlsx"
    _text_heavy_workbook(path, strings=150_000, filler=368)
    assert path.stat().st_size < spreadsheets.MAX_UPLOAD_BYTES
    check_xlsx_archive(path)  # not a zip bomb by ratio, size or member count
    started = time.perf_counter()
    with pytest.raises(SpreadsheetError, match=r"more than 40,000,000 characters"):
        open_table(path, "texts.xlsx", COLUMNS)
    assert time.perf_counter() - started < 20


def test_the_largest_real_supplier_list_fits_under_the_text_cap():
    """5,000 rows with every text unique (name, address, products, IDs), in a shared-string
    table as Excel writes it (each distinct text once), scaled to MAX_ROWS rows."""
    from xml.sax.saxutils import escape

    texts = {"Apparel", "CN"}
    for i in range(5000):
        texts.update([f"SUP-{i:07d}", f"Shenzhen Bright Garments Manufacturing Co. {i}",
                      f"t-shirts; hoodies; polo shirts {i}", f"CN2019{i:07d}FZP",
                      f"Building {i}, 88 Bao'an Industrial Road, Longgang District, Shenzhen"])
    xml = (f'<sst xmlns="{MAIN_NS}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in texts)
           + "</sst>").encode()
    characters = sum(len(text) for text in xlsx_stream._shared_strings(io.BytesIO(xml)))
    per_row = characters / 5000
    assert 150 < per_row < 300
    assert per_row * spreadsheets.MAX_ROWS < spreadsheets.MAX_SHARED_TEXT


@pytest.mark.parametrize(("ref", "words"), [
    ("2000000", "numbers a row 2,000,000, but a spreadsheet's rows run from 1 to 1,048,576"),
    ("1048577", "numbers a row 1,048,577"),
    ("0", "numbers a row 0,"),
    ("²", 'numbered "²", which is not a row number'),
    ("12a", 'numbered "12a", which is not a row number'),
])
def test_row_numbers_past_the_sheet_are_refused_naming_the_row(tmp_path, ref, words):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            f'<row r="{ref}"><c t="inlineStr"><is><t>Acme</t></is></c></row>')
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows))
    with pytest.raises(SpreadsheetError) as info:
        read(path)
    assert info.value.status == 422 and info.value.code == "row_out_of_range"
    assert words in info.value.message


def test_the_last_row_of_a_sheet_is_accepted(tmp_path):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            '<row r="1048576"><c t="inlineStr"><is><t>Acme</t></is></c></row>')
    _, got = read(build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows)))
    assert got == [(1048576, {"name": "Acme"})]


@pytest.mark.parametrize(("cell", "words"), [
    ('<c r="D2"><v>12 workers</v></c>', 'Cell D2 holds "12 workers", which is not a number'),
    ('<c r="B2" t="s"><v>99</v></c>', 'Cell B2 refers to shared text "99", but the workbook '
                                      "has 0 texts"),
    ('<c r="E2" t="d"><v>last tuesday</v></c>', 'Cell E2 holds "last tuesday", which is not a'),
])
def test_damaged_cells_are_named(tmp_path, cell, words, caplog):
    caplog.set_level(logging.INFO)
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr">'
            '<is><t>country</t></is></c><c r="D1" t="inlineStr"><is><t>workers</t></is></c>'
            '<c r="E1" t="inlineStr"><is><t>audited_on</t></is></c></row>'
            f'<row r="2">{cell}</row>')
    with pytest.raises(SpreadsheetError) as info:
        read(build_xlsx(tmp_path / "s.xlsx", sheet_xml(rows)))
    assert words in info.value.message and info.value.code == "bad_cell"
    assert any(r.exc_info for r in caplog.records if r.name == "app.xlsx_stream")


def test_a_png_named_xlsx_is_named_by_the_archive_check(tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(SpreadsheetError) as info:
        check_xlsx_archive(path)  # suppliers/jobs.py calls it before any type sniffing
    assert "looks like a PNG image" in info.value.message
    assert (info.value.status, info.value.code) == (415, "unsupported_type")
    with open(path, "rb") as handle, pytest.raises(SpreadsheetError, match="PNG image"):
        check_xlsx_archive(handle)  # an open file too, left where it was
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(SpreadsheetError, match="empty"):
        check_xlsx_archive(tmp_path / "empty.xlsx")


def test_parser_errors_become_422_and_are_logged_with_the_original(tmp_path, caplog):
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row><row r="2"><c>'))
    with pytest.raises(SpreadsheetError, match="not well-formed XML") as info:
        read(path)
    assert info.value.status == 422
    logged = [r for r in caplog.records if r.name == "app.spreadsheets" and r.exc_info]
    assert logged and logged[0].exc_info[0].__name__ == "ExpatError"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_our_own_bugs_are_not_reported_as_a_damaged_file(tmp_path, monkeypatch, fmt):
    path = (write_book(tmp_path / "s.xlsx", [["name"], ["Acme"]]) if fmt == "xlsx"
            else write_text(tmp_path / "s.csv", "name\nAcme\n"))

    def bug(*_: object) -> None:
        raise ZeroDivisionError("a bug of ours")

    monkeypatch.setattr(spreadsheets, "_record", bug)
    table = open_table(path, path.name, COLUMNS)
    with pytest.raises(ZeroDivisionError):
        list(table.rows)
    monkeypatch.setattr(xlsx_stream, "_column", bug)
    monkeypatch.setattr(spreadsheets, "_csv_reader", bug)
    with pytest.raises(ZeroDivisionError):
        open_table(path, path.name, COLUMNS)


def test_a_named_sheet_is_read_with_the_same_defences(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["name"])
    workbook.active.append(["Acme"])
    other = workbook.create_sheet("Relationships")
    other.append(["supplier", "customer"])
    for row in range(2, 7):
        other.cell(row=row, column=1, value=f"S-{row}")
        other.cell(row=row, column=16384, value="far away")  # column XFD: never padded
    workbook.save(tmp_path / "s.xlsx")
    table, rows = read(tmp_path / "s.xlsx", columns=("supplier", "customer"),
                       sheet=" relationships ")
    assert table.columns == ["supplier", "customer"]
    assert rows[0] == (2, {"supplier": "S-2", "customer": None}) and len(rows) == 5
    table = open_table(tmp_path / "s.xlsx", "s.xlsx", ("supplier",), sheet="Relationships",
                       max_rows=3)
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        list(table.rows)
    with pytest.raises(SpreadsheetError, match='no sheet named "Audits"') as info:
        open_table(tmp_path / "s.xlsx", "s.xlsx", COLUMNS, sheet="Audits")
    assert info.value.code == "missing_sheet"
    csv_path = write_text(tmp_path / "s.csv", "name\nAcme\n")
    with pytest.raises(SpreadsheetError, match="single sheet") as info:
        open_table(csv_path, "s.csv", COLUMNS, sheet="Relationships")
    assert info.value.code == "missing_sheet"


def test_a_missing_table_of_texts_is_a_damaged_workbook(tmp_path):
    path = build_xlsx(tmp_path / "s.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c>'
                                                     "</row>"))
    with zipfile.ZipFile(path) as source:
        members = {n: source.read(n) for n in source.namelist() if n != "xl/sharedStrings.xml"}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(SpreadsheetError, match="table of texts is missing") as info:
        read(path)
    assert info.value.status == 422
