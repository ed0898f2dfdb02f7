"""suppliers.importer: text is cleaned on input (control characters, line breaks, our own
formula escaping), for spreadsheets, the API and forms alike; the Relationships sheet's rows."""

from __future__ import annotations

import openpyxl
import pytest

from app.spreadsheets import open_table
from suppliers.importer import IMPORT_COLUMNS, clean_text, parse_supplier_table
from suppliers.importer_relationships import (
    EDGE_COLUMNS,
    RELATIONSHIPS_SHEET,
    parse_relationship_table,
)
from tests.suppliers.test_importer import check


@pytest.mark.parametrize(("raw", "name"), [
    ("\x01=HYPERLINK(\"http://evil.example\")", '=HYPERLINK("http://evil.example")'),
    ("Karachi\x00 Tannery", "Karachi Tannery"),
    ("Acme\x7f\x85 Mills\x1b", "Acme Mills"),
    ("Acme\tTextiles\r\nLtd", "Acme Textiles Ltd"),
    ("  \x0b Acme  ", "Acme"),
    ("'=SUM(A1:A9)", "=SUM(A1:A9)"),  # as our exports escape it: imports back as it was
    ("'@home textiles", "@home textiles"),
    ("O'Brien & Sons", "O'Brien & Sons"),
    ("'Quoted' Mills", "'Quoted' Mills"),
    ("上海纺织有限公司", "上海纺织有限公司"),
])
def test_text_fields_lose_control_characters(raw, name):
    cleaned, errors = check({"name": raw, "sector": raw, "products": f"{raw}; yarn"})
    assert errors == []
    assert cleaned["name"] == name and cleaned["sector"] == name
    assert cleaned["products"] == [name, "yarn"]


def test_an_address_keeps_its_line_breaks():
    cleaned, errors = check({"address": "Unit 4\r\nLonggang\x00 District\rShenzhen\t518000"})
    assert errors == [] and cleaned["address"] == "Unit 4\nLonggang District\nShenzhen 518000"


def test_only_control_characters_is_blank():
    cleaned, errors = check({"name": "\x01\x02"})
    assert [c for c, _ in errors] == ["name"] and cleaned["name"] is None


def test_clean_text_leaves_printable_text_alone():
    assert clean_text("Coopérative Agricole – Côte d'Ivoire") == \
        "Coopérative Agricole – Côte d'Ivoire"


def _book(path, edges=None, suppliers=None):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Suppliers"
    for row in suppliers or [["external_id", "name", "country"], ["S-1", "Acme", "CN"]]:
        workbook.active.append(row)
    if edges is not None:
        sheet = workbook.create_sheet(RELATIONSHIPS_SHEET)
        for row in edges:
            sheet.append(row)
    workbook.save(path)
    return path


def test_relationship_rows_are_validated_with_the_sheet_named(tmp_path):
    path = _book(tmp_path / "s.xlsx", [
        ["Supplier", "Customer", "Kind", "Product", "supplier_name"],
        ["S-1", None, "Labor", "migrant workers", "Acme"],
        [None, "S-1", "goods", None, None],
        ["S-2", "S-1", "money", "x" * 201, None],
        ["S-3", " tierlight:12 ", None, None, None],
    ])
    with open_table(path, path.name, EDGE_COLUMNS, sheet=RELATIONSHIPS_SHEET) as table:
        rows, errors = parse_relationship_table(table)
    assert [(r.row, r.supplier, r.customer, r.kind, r.product) for r in rows] == [
        (2, "S-1", None, "labour", "migrant workers"), (5, "S-3", "tierlight:12", None, None)]
    assert [(e.row, e.column, e.sheet) for e in errors] == [
        (3, "supplier", "Relationships"), (4, "kind", "Relationships"),
        (4, "product", "Relationships")]
    assert all(e.message.startswith("Relationships sheet: ") for e in errors)
    assert errors[0].as_dict()["sheet"] == "Relationships"


def test_relationship_sheet_needs_its_reference_columns(tmp_path):
    path = _book(tmp_path / "s.xlsx", [["supplier", "product"], ["S-1", "yarn"]])
    with open_table(path, path.name, EDGE_COLUMNS, sheet=RELATIONSHIPS_SHEET) as table:
        rows, errors = parse_relationship_table(table)
    assert rows == [] and [(e.row, e.column) for e in errors] == [(1, "customer")]


def test_tierlight_ids_are_read_and_checked(tmp_path):
    path = _book(tmp_path / "s.xlsx", suppliers=[
        ["name", "country", "tierlight_id"], ["Acme", "CN", 12], ["Beta", "VN", "13"],
        ["Gamma", "VN", 12], ["Delta", "VN", "twelve"], ["Eps", "VN", -4], ["Zeta", "VN", None]])
    with open_table(path, path.name, IMPORT_COLUMNS) as table:
        result = parse_supplier_table(table)
    assert [(r.name, r.tierlight_id) for r in result.rows] == [("Acme", 12), ("Beta", 13),
                                                               ("Zeta", None)]
    assert [(e.row, e.column) for e in result.errors] == [(4, "tierlight_id"), (5, "tierlight_id"),
                                                          (6, "tierlight_id")]
    assert "already used on row 2" in result.errors[0].message


def test_relationship_columns_must_be_blank_when_the_sheet_lists_them(tmp_path):
    path = _book(tmp_path / "s.xlsx", suppliers=[
        ["name", "country", "supplies_to", "relationship_kind"], ["Acme", "CN", None, None],
        ["Beta", "VN", "Acme", "goods"]])
    with open_table(path, path.name, IMPORT_COLUMNS) as table:
        result = parse_supplier_table(table, edges_elsewhere=True)
    assert [r.name for r in result.rows] == ["Acme"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "supplies_to"),
                                                          (3, "relationship_kind")]
    assert "Relationships sheet" in result.errors[0].message
