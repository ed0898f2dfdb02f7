"""The Relationships sheet of an import workbook: one row per edge. Pure: no database.

The supplier sheet's supplies_to column holds one relationship kind and product per supplier,
and "blank" means our company, so it cannot say that a supplier sells to our company and to
another supplier, or goods and labour at once. An export therefore lists every edge here, and
an import reads it when the workbook has it. References are resolved later, by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from suppliers.importer import _RELATIONSHIPS, RowError, _text, _vocab
from suppliers.kinds import RELATIONSHIP_KINDS

if TYPE_CHECKING:
    from app.spreadsheets import Table

RELATIONSHIPS_SHEET = "Relationships"
# The names are for people reading the file; the import goes by the references.
EDGE_COLUMNS = ("supplier", "customer", "kind", "product", "supplier_name", "customer_name")
REQUIRED_EDGE_COLUMNS = ("supplier", "customer")
TIERLIGHT_REF = "tierlight:"  # "tierlight:42": the supplier exported with tierlight_id 42

EDGE_HELP: dict[str, str] = {
    "supplier": "Required. The supplier that sells: its external_id, or tierlight:<id> as "
                "exported for a supplier without one, or its exact name.",
    "customer": "Who it sells to, named the same way. Blank means your company.",
    "kind": "What flows to the customer: " + ", ".join(RELATIONSHIP_KINDS) + '. Blank means '
            '"labour" for recruitment agencies and labour providers, "goods" otherwise.',
    "product": 'What the supplier provides in this relationship, such as "cotton yarn".',
    "supplier_name": "For reading only: the import ignores it.",
    "customer_name": "For reading only: the import ignores it.",
}


@dataclass(slots=True)
class RelationshipRow:
    row: int
    supplier: str
    customer: str | None
    kind: str | None  # None: the default for the supplier's kind
    product: str | None


def _error(row: int, column: str | None, message: str) -> RowError:
    return RowError(row, column, f"Relationships sheet: {message}", RELATIONSHIPS_SHEET)


def parse_relationship_table(
    table: Table, *, on_progress: Callable[[int], None] | None = None
) -> tuple[list[RelationshipRow], list[RowError]]:
    """Every row of the Relationships sheet, validated; errors carry the sheet's name."""
    missing = [c for c in REQUIRED_EDGE_COLUMNS if c not in table.columns]
    if missing:
        table.close()
        return [], [_error(1, c, f'the column "{c}" is missing.') for c in missing]
    rows: list[RelationshipRow] = []
    errors: list[RowError] = []
    for seen, (number, values) in enumerate(table.rows, start=1):
        if on_progress is not None and seen % 1000 == 0:
            on_progress(seen)
        found: list[RowError] = []
        supplier = _text(values.get("supplier"), "supplier", "Supplier", 300, number, found)
        if supplier is None and not found:
            found.append(RowError(number, "supplier", "Supplier is required (who sells)."))
        customer = _text(values.get("customer"), "customer", "Customer", 300, number, found)
        kind = _vocab(values.get("kind"), "kind", "Kind", _RELATIONSHIPS, number, found)
        product = _text(values.get("product"), "product", "Product", 200, number, found)
        if found:
            errors += [_error(e.row, e.column, e.message) for e in found]
        else:
            rows.append(RelationshipRow(number, supplier, customer, kind, product))
    return rows, errors
