"""app.spreadsheets: real files written to tmp_path and read back (formats, limits, values).

Hostile workbooks are in test_spreadsheets_hostile.py, writing in test_exports.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest

from app import spreadsheets
from app.spreadsheets import SpreadsheetError, detect_format, open_table
from tests.app.sheets import (
    COLUMNS,
    MAIN_NS,
    build_xlsx,
    read,
    sheet_xml,
    write_book,
    write_text,
)

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


# --- CSV text encodings (issue 6: GBK was stored as mojibake) --------------------------------

@pytest.mark.parametrize(("encoding", "name", "address"), [
    ("gbk", "上海纺织有限公司", "上海市浦东新区张江路88号"),
    ("big5", "台灣紡織股份有限公司", "台北市信義區"),
    ("shift_jis", "東京繊維株式会社", "東京都中央区日本橋"),
    ("cp1252", "Société Ivoirienne de Cacao – Müller & Søn", "Rue de l'Église à Abidjan"),
    ("utf-8-sig", "上海纺织有限公司 – Société", "Zürich"),
    ("utf-8", "Öztürk Tekstil", "İstanbul"),
])
def test_csv_in_legacy_encodings_is_decoded_correctly(tmp_path, encoding, name, address):
    text = f"name,country,address\n{name},CN,{address}\nSecond Mill,VN,Hanoi\n"
    path = write_text(tmp_path / "s.csv", text, encoding)
    _, rows = read(path, columns=("name", "country", "address"))
    assert rows[0] == (2, {"name": name, "country": "CN", "address": address})


@pytest.mark.parametrize("content", [
    b"name,country\n\xc4\xe3,CN\n",  # one character: GBK, Big5 or Windows-1252 alike
    "name,country\n纺织,CN\n".encode("gbk"),  # two: GBK or Big5
])
def test_csv_of_undecidable_encoding_is_refused_naming_the_accepted_ones(tmp_path, content):
    (tmp_path / "s.csv").write_bytes(content)
    with pytest.raises(SpreadsheetError) as info:
        open_table(tmp_path / "s.csv", "s.csv", COLUMNS)
    message = info.value.message
    assert (info.value.status, info.value.code) == (422, "unknown_encoding")
    assert "could not be recognised with confidence" in message
    for accepted in ("UTF-8", "Windows-1252", "GBK", "Big5", "Shift-JIS"):
        assert accepted in message
    assert "CSV UTF-8" in message


def test_csv_in_no_accepted_encoding_is_refused(tmp_path):
    # Bytes undefined in Windows-1252 and in every accepted Asian encoding.
    (tmp_path / "s.csv").write_bytes(b"name,country\n" + b"\x81 \x8d\xff\x90 \x9d\xfe,CN\n" * 3)
    with pytest.raises(SpreadsheetError, match="not in a text encoding we accept") as info:
        open_table(tmp_path / "s.csv", "s.csv", COLUMNS)
    assert info.value.code == "unknown_encoding"


def test_csv_encoding_is_found_from_non_ascii_lines_far_into_a_big_file(tmp_path):
    padding = "".join(f"Supplier {i},VN,Hanoi\n" for i in range(80_000))  # about 2 MB of ASCII
    text = f"name,country,address\n{padding}上海纺织有限公司,CN,上海市浦东新区\n"
    path = write_text(tmp_path / "s.csv", text, "gbk")
    started = time.perf_counter()
    _, rows = read(path, columns=("name", "country", "address"))
    assert time.perf_counter() - started < 5
    assert rows[-1] == (80_002, {"name": "上海纺织有限公司", "country": "CN",
                                 "address": "上海市浦东新区"})
