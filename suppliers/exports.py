"""Supplier exports and the import template (xlsx and csv, formula-safe)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exports import write_csv, write_xlsx
from suppliers.countries import country_name
from suppliers.importer import COLUMN_HELP, REQUIRED_COLUMNS, SUPPLIER_COLUMNS
from suppliers.kinds import RELATIONSHIP_KINDS, SUPPLIER_KINDS
from suppliers.models import Relationship, Supplier

# The supplier's own columns; the relationship columns are rebuilt from its edges.
EXPORT_FIELDS = tuple(c for c in SUPPLIER_COLUMNS if c not in
                      ("supplies_to", "relationship_kind", "relationship_product"))
EXPORT_COLUMNS = (*SUPPLIER_COLUMNS, "tier", "tierlight_id", "country_name")
EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

EXAMPLE_ROWS = [
    ["MILL-001", "Anhui Cotton Spinning Co.", "China", "processor", "Textiles",
     "cotton yarn", "Hefei, Anhui", 420, 60, 250, "", "", "", "FAC-77", "goods", "yarn"],
    ["FAC-77", "Saigon Stitch Co.", "Vietnam", "manufacturer", "Apparel",
     "t-shirts; polo shirts", "Binh Duong", 1200, 150, 900, "", "", "", "", "goods",
     "t-shirts"],
    ["RA-12", "Kathmandu Manpower Services", "NP", "recruitment_agency", "Labour recruitment",
     "", "Kathmandu", 15, 0, 4, "", "", "", "FAC-77", "labour", "migrant workers"],
]


def _rows(session: Session, org_id: int) -> Iterator[list]:
    suppliers = session.execute(
        select(Supplier.id, *(getattr(Supplier, c) for c in EXPORT_FIELDS), Supplier.tier)
        .where(Supplier.org_id == org_id).order_by(Supplier.name_key, Supplier.id)
    ).all()
    refs = {s[0]: s[1] or s[2] for s in suppliers}  # external_id, else the name
    customers: dict[int, list] = {}
    kinds: dict[int, tuple[str, str | None]] = {}
    for sid, cid, kind, product in session.execute(
        select(Relationship.supplier_id, Relationship.customer_id, Relationship.kind,
               Relationship.product)
        .where(Relationship.org_id == org_id).order_by(Relationship.id)
    ):
        if cid is not None:
            customers.setdefault(sid, []).append(refs.get(cid))
        kinds.setdefault(sid, (kind, product))
    for sid, *values, tier in suppliers:
        record = dict(zip(EXPORT_FIELDS, values, strict=True))
        kind, product = kinds.get(sid, (None, None))
        yield [
            *(
                "; ".join(record[c] or []) if c == "products" else record[c]
                for c in EXPORT_FIELDS
            ),
            "; ".join(r for r in customers.get(sid, []) if r),
            kind,
            product,
            tier,
            sid,
            country_name(record["country"]),
        ]


def export_suppliers(session: Session, org_id: int, fmt: str) -> bytes:
    """Every supplier of the organisation, one row each, in the import file's columns."""
    rows = _rows(session, org_id)
    if fmt == "csv":
        text = io.StringIO()
        write_csv(text, EXPORT_COLUMNS, rows)
        return text.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    buffer = io.BytesIO()
    write_xlsx(buffer, [("Suppliers", EXPORT_COLUMNS, rows)])
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
        ["Matching", "", "Rows update the supplier with the same external_id, else the same "
         "OS ID, LEI or DUNS; other rows create suppliers. Importing a file again changes "
         "nothing."],
        ["All or nothing", "", "If any row has a problem, nothing is imported and every "
         "problem is listed with its row and column."],
        ["Limits", "", "25 MB and 200,000 rows; .xlsx or .csv (UTF-8 or Windows-1252)."],
    ]
    buffer = io.BytesIO()
    write_xlsx(buffer, [
        ("Suppliers", SUPPLIER_COLUMNS, EXAMPLE_ROWS),
        ("Column guide", ("column", "required", "what to enter"), guide),
    ])
    return buffer.getvalue()
