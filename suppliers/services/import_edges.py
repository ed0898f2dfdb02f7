"""The relationships an import adds: references resolved, then planned once for dry run and write.

A supplier not yet in the database stands as ("row", position) until its id is known. An edge
is (supplier, customer or None for our company, kind, product). Edges come from the supplies_to
column, or, when the workbook has one, from its Relationships sheet alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from suppliers.importer import RowError, SupplierRow
from suppliers.importer_relationships import RELATIONSHIPS_SHEET, RelationshipRow
from suppliers.kinds import LABOUR_KINDS
from suppliers.models import Relationship
from suppliers.services.suppliers import SUPPLIER_FIELDS

CHUNK = 5000
_KIND = SUPPLIER_FIELDS.index("kind")
_TIERLIGHT_REF = re.compile(r"tierlight:\s*(\d{1,19})", re.IGNORECASE)

Target = int | tuple[str, int] | None


@dataclass
class Existing:
    by_key: dict[str, dict[str, int]]  # identifier field -> value -> supplier id
    by_name: dict[str, list[int]]  # casefolded name -> ids
    fields: dict[int, tuple]  # supplier id -> its SUPPLIER_FIELDS values
    names: dict[int, str]
    # every field -> ids, of suppliers with no identifier at all
    unidentified: dict[tuple, list[int]]


class _Refs:
    """Resolves one reference: an external_id, tierlight:<id>, or an exact name."""

    def __init__(self, rows: list[SupplierRow], matched: list[int | None], existing: Existing):
        self.rows, self.matched, self.existing = rows, matched, existing
        self.by_external: dict[str, int] = {}
        self.by_tierlight: dict[int, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for position, row in enumerate(rows):
            if row.external_id:
                self.by_external[row.external_id] = position
            if row.tierlight_id is not None:
                self.by_tierlight[row.tierlight_id] = position
            self.by_name.setdefault(row.name.casefold(), []).append(position)

    def _row(self, position: int) -> Target:
        matched = self.matched[position]
        return matched if matched is not None else ("row", position)

    def resolve(self, ref: str) -> Target | str:
        """The target, or a sentence saying why there is none."""
        if ref in self.by_external:
            return self._row(self.by_external[ref])
        if ref in self.existing.by_key["external_id"]:
            return self.existing.by_key["external_id"][ref]
        tierlight = _TIERLIGHT_REF.fullmatch(ref)
        if tierlight:
            number = int(tierlight.group(1))
            if number in self.by_tierlight:
                return self._row(self.by_tierlight[number])
            if number in self.existing.fields:
                return number
            return f'No supplier "{ref}" in the file (by tierlight_id) or the network.'
        key = ref.casefold()
        candidates = {self._row(p) for p in self.by_name.get(key, [])}
        candidates.update(self.existing.by_name.get(key, []))
        if len(candidates) == 1:
            return candidates.pop()
        if len(candidates) > 1:
            return f'"{ref}" matches {len(candidates)} suppliers by name; use an external_id.'
        return (f'No supplier "{ref}" in the file or the network (by external_id or exact '
                "name).")


def planned_edges(rows: list[SupplierRow], matched: list[int | None], existing: Existing,
                  relationships: list[RelationshipRow] | None, errors: list[RowError]
                  ) -> list[tuple[Target, Target, str, str | None]]:
    """Every edge the file asks for, in file order; problems go to `errors`."""
    refs = _Refs(rows, matched, existing)
    if relationships is None:
        return _from_supplies_to(rows, refs, errors)
    edges = []
    first: dict[tuple, int] = {}
    for edge in relationships:
        found: list[Any] = []
        for column, ref in (("supplier", edge.supplier), ("customer", edge.customer)):
            target = None if ref is None else refs.resolve(ref)
            if isinstance(target, str):
                errors.append(_sheet_error(edge.row, column, target))
            found.append(target)
        supplier, customer = found
        if isinstance(supplier, str) or isinstance(customer, str):
            continue
        if supplier == customer:
            errors.append(_sheet_error(edge.row, "customer", "a supplier cannot supply itself."))
            continue
        kind = edge.kind or _default_kind(supplier, rows, existing)
        key = (supplier, customer, kind)
        if key in first:
            errors.append(_sheet_error(edge.row, "supplier", f"the same relationship as row "
                                                             f"{first[key]}."))
            continue
        first[key] = edge.row
        edges.append((supplier, customer, kind, edge.product))
    return edges


def _sheet_error(row: int, column: str, message: str) -> RowError:
    return RowError(row, column, f"Relationships sheet: {message}", RELATIONSHIPS_SHEET)


def _default_kind(supplier: Target, rows: list[SupplierRow], existing: Existing) -> str:
    kind = rows[supplier[1]].kind if isinstance(supplier, tuple) \
        else existing.fields[supplier][_KIND]
    return "labour" if kind in LABOUR_KINDS else "goods"


def _from_supplies_to(rows: list[SupplierRow], refs: _Refs, errors: list[RowError]
                      ) -> list[tuple[Target, Target, str, str | None]]:
    edges = []
    for position, row in enumerate(rows):
        supplier = refs._row(position)
        if not row.supplies_to:
            edges.append((supplier, None, row.relationship_kind, row.relationship_product))
        for ref in row.supplies_to:
            target = refs.resolve(ref)
            if isinstance(target, str):
                errors.append(RowError(row.row, "supplies_to", target))
            elif target == supplier:
                errors.append(RowError(row.row, "supplies_to", f'"{ref}" is this supplier itself.'))
            else:
                edges.append((supplier, target, row.relationship_kind, row.relationship_product))
    return edges


def _existing_edges(session: Session, org_id: int) -> set[tuple]:
    result = session.execute(
        select(Relationship.supplier_id, Relationship.customer_key, Relationship.kind).where(
            Relationship.org_id == org_id
        )
    )
    return {tuple(r) for r in result}


def new_edges(session: Session, org_id: int, edges, matched: list[int | None]) -> list[tuple]:
    """The planned edges not yet in the network, with ids where they are known, so a dry run
    counts exactly what the import will write."""
    def known(target: Target) -> Target:
        if isinstance(target, tuple) and matched[target[1]] is not None:
            return matched[target[1]]
        return target

    seen = _existing_edges(session, org_id)
    new = []
    for supplier, customer, kind, product in edges:
        supplier, customer = known(supplier), known(customer)
        key = (supplier, customer or 0, kind)
        if key not in seen:
            seen.add(key)
            new.append((supplier, customer, kind, product))
    return new


def insert_edges(session: Session, org_id: int, edges, matched: list[int | None], now) -> int:
    batch = [
        {"org_id": org_id, "supplier_id": supplier_id, "customer_id": customer_id,
         "customer_key": customer_id or 0, "kind": kind, "product": product, "created_at": now}
        for supplier_id, customer_id, kind, product in new_edges(session, org_id, edges, matched)
    ]
    for start in range(0, len(batch), CHUNK):
        session.execute(insert(Relationship.__table__), batch[start:start + CHUNK])
    return len(batch)
