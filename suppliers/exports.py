"""Supplier exports and the import template (xlsx and csv, formula-safe)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exports import write_csv, write_xlsx
from app.text_encoding import accepted_encodings
from suppliers.countries import country_name
from suppliers.importer import (
    COLUMN_HELP,
    RELATIONSHIP_COLUMNS,
    REQUIRED_COLUMNS,
    SUPPLIER_COLUMNS,
)
from suppliers.importer_relationships import (
    EDGE_COLUMNS,
    EDGE_HELP,
    RELATIONSHIPS_SHEET,
    TIERLIGHT_REF,
)
from suppliers.kinds import RELATIONSHIP_KINDS, SUPPLIER_KINDS
from suppliers.models import Relationship, Supplier

# The supplier's own columns; the relationship columns are rebuilt from its edges.
EXPORT_FIELDS = tuple(c for c in SUPPLIER_COLUMNS if c not in RELATIONSHIP_COLUMNS)
EXTRA_COLUMNS = ("tier", "tierlight_id", "country_name")
# CSV has one sheet: the relationship columns, with one kind and product per supplier.
EXPORT_COLUMNS = (*SUPPLIER_COLUMNS, *EXTRA_COLUMNS)
# A workbook lists every relationship on its Relationships sheet instead.
XLSX_COLUMNS = (*EXPORT_FIELDS, *EXTRA_COLUMNS)
OUR_COMPANY = "(your company)"
EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

EXAMPLE_ROWS = [
    ["MILL-001", "安徽棉纺有限公司", "Anhui Cotton Spinning Co.", "China", "processor",
     "Textiles", "cotton yarn", "Hefei, Anhui", 420, 60, 250, "", "", "", "FAC-77", "goods",
     "yarn"],
    ["FAC-77", "Saigon Stitch Co.", "", "Vietnam", "manufacturer", "Apparel",
     "t-shirts; polo shirts", "Binh Duong", 1200, 150, 900, "", "", "", "", "goods",
     "t-shirts"],
    ["RA-12", "Kathmandu Manpower Services", "", "NP", "recruitment_agency",
     "Labour recruitment", "", "Kathmandu", 15, 0, 4, "", "", "", "FAC-77", "labour",
     "migrant workers"],
]


def _network(session: Session, org_id: int):
    suppliers = session.execute(
        select(Supplier.id, *(getattr(Supplier, c) for c in EXPORT_FIELDS), Supplier.tier)
        # Archived suppliers are left out, like everywhere the network is shown: an export
        # re-imported must not bring them back as live suppliers.
        .where(Supplier.org_id == org_id, Supplier.archived_at.is_(None))
        .order_by(Supplier.name_key, Supplier.id)
    ).all()
    live = {s[0] for s in suppliers}
    edges = [e for e in session.execute(
        select(Relationship.supplier_id, Relationship.customer_id, Relationship.kind,
               Relationship.product)
        .where(Relationship.org_id == org_id).order_by(Relationship.id)
    ) if e[0] in live and (e[1] is None or e[1] in live)]
    # A reference other rows of the file can name: the external_id, else the exported id.
    refs = {s[0]: s[1] or f"{TIERLIGHT_REF}{s[0]}" for s in suppliers}
    return suppliers, edges, refs


def _supplier_cells(sid: int, values: list, tier: int | None) -> list:
    record = dict(zip(EXPORT_FIELDS, values, strict=True))
    record["products"] = "; ".join(record["products"] or [])
    return [*record.values(), tier, sid, country_name(record["country"])]


def _csv_rows(suppliers, edges, refs) -> Iterator[list]:
    customers: dict[int, list] = {}
    kinds: dict[int, tuple[str, str | None]] = {}
    for sid, cid, kind, product in edges:
        if cid is not None:
            customers.setdefault(sid, []).append(refs.get(cid))
        kinds.setdefault(sid, (kind, product))
    for sid, *values, tier in suppliers:
        kind, product = kinds.get(sid, (None, None))
        cells = _supplier_cells(sid, values, tier)
        supplies_to = "; ".join(r for r in customers.get(sid, []) if r)
        yield [*cells[:len(EXPORT_FIELDS)], supplies_to, kind, product,
               *cells[len(EXPORT_FIELDS):]]


def _edge_rows(suppliers, edges, refs) -> Iterator[list]:
    names = {s[0]: s[2] for s in suppliers}
    for sid, cid, kind, product in sorted(edges, key=lambda e: (names[e[0]].casefold(), e[0],
                                                                e[1] or 0, e[2])):
        yield [refs[sid], refs[cid] if cid is not None else None, kind, product, names[sid],
               names[cid] if cid is not None else OUR_COMPANY]


def export_suppliers(session: Session, org_id: int, fmt: str) -> bytes:
    """Every supplier of the organisation, one row each, in the import file's columns; a
    workbook also lists every relationship, one row each, on its Relationships sheet."""
    suppliers, edges, refs = _network(session, org_id)
    if fmt == "csv":
        text = io.StringIO()
        write_csv(text, EXPORT_COLUMNS, _csv_rows(suppliers, edges, refs))
        return text.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    buffer = io.BytesIO()
    write_xlsx(buffer, [
        ("Suppliers", XLSX_COLUMNS, (_supplier_cells(sid, values, tier)
                                     for sid, *values, tier in suppliers)),
        (RELATIONSHIPS_SHEET, EDGE_COLUMNS, _edge_rows(suppliers, edges, refs)),
    ])
    return buffer.getvalue()


def import_template() -> bytes:
    """The import template: an example sheet and a sheet that explains every column."""
    guide = [
        [column, "yes" if column in REQUIRED_COLUMNS else "", COLUMN_HELP[column]]
        for column in SUPPLIER_COLUMNS
    ]
    guide += [
        [],
        ["Supplier kinds", "", ", ".join(SUPPLIER_KINDS)],
        ["Relationship kinds", "", ", ".join(RELATIONSHIP_KINDS)],
        ["tierlight_id", "", "In an export: the supplier's id in Tierlight. Leave it as it "
         "is: relationships name suppliers without an external_id as tierlight:<id>, and "
         "the row updates that supplier when imported again."],
        [],
        ["Relationships sheet", "", "Optional, in .xlsx: a sheet named \"Relationships\" with "
         "one row per relationship, so a supplier can sell to your company and to other "
         "suppliers, or goods and labour, each with its own kind and product. When the "
         "workbook has it, it lists every relationship: leave supplies_to, "
         "relationship_kind and relationship_product blank on the Suppliers sheet. Exports "
         "are written this way, so an export imports back as it was."],
        *[[f"Relationships: {column}", "yes" if column in ("supplier",) else "", text]
          for column, text in EDGE_HELP.items()],
        ["CSV files", "", "A CSV file holds one sheet: relationships are its supplies_to "
         "column, with one kind and product per supplier, and a supplier with customers "
         "does not also supply your company. Use .xlsx to keep every relationship."],
        [],
        ["Matching", "", "Rows update the supplier with the same tierlight_id (as exported), "
         "external_id, OS ID, LEI or DUNS; a row with none of these is the supplier "
         "without any whose every column is the same; other rows create suppliers. "
         "Importing a file again changes nothing."],
        ["All or nothing", "", "If any row has a problem, nothing is imported and every "
         "problem is listed with its sheet, row and column."],
        ["Limits", "", "25 MB and 200,000 rows; .xlsx, or .csv in " + accepted_encodings()
         + ". CSV UTF-8 is the safest choice."],
    ]
    buffer = io.BytesIO()
    write_xlsx(buffer, [
        ("Suppliers", SUPPLIER_COLUMNS, EXAMPLE_ROWS),
        ("Column guide", ("column", "required", "what to enter"), guide),
    ])
    return buffer.getvalue()
