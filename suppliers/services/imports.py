"""Writing an imported supplier file: match, check references, then bulk insert/update.

All or nothing: every problem is collected first, and nothing is written if there is one.
Bulk paths use Core statements with identical keys in every row (PITFALLS: ORM inserts, NULLs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import allocate_ids, utcnow
from app.errors import ValidationFailed
from app.spreadsheets import SpreadsheetError, Table, open_table
from app.uploads import as_app_error
from suppliers.importer import (
    IMPORT_COLUMNS,
    ParseResult,
    RowError,
    SupplierRow,
    parse_supplier_table,
)
from suppliers.importer_relationships import (
    EDGE_COLUMNS,
    RELATIONSHIPS_SHEET,
    RelationshipRow,
    parse_relationship_table,
)
from suppliers.models import Supplier
from suppliers.services.duplicates import request_scan
from suppliers.services.import_edges import Existing, insert_edges, new_edges, planned_edges
from suppliers.services.network import network_changed, refresh_tiers
from suppliers.services.suppliers import SUPPLIER_FIELDS

IDENTIFIERS = (("external_id", "external ID"), ("os_id", "OS ID"), ("lei", "LEI"),
               ("duns", "DUNS"))
MAX_REPORTED_ERRORS = 1000
SUPPLIERS_SHEET = "Suppliers"
CHUNK = 5000


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    relationships_created: int = 0
    dry_run: bool = False
    tiers_changed: int = 0
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "relationships_created": self.relationships_created,
            "dry_run": self.dry_run,
        }


def fail_with(errors: list[RowError]) -> ValidationFailed:
    count = len(errors)
    rows = len({(e.sheet, e.row) for e in errors})
    exc = ValidationFailed(
        f"{count:,} problem{'s' if count != 1 else ''} in {rows:,} "
        f"row{'s' if rows != 1 else ''}; nothing was imported. Fix them and upload again.",
        [e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
    )
    exc.total = count  # type: ignore[attr-defined]
    return exc


def _values(row: SupplierRow) -> dict[str, Any]:
    return {f: getattr(row, f) for f in SUPPLIER_FIELDS}


def import_rows(
    session: Session,
    *,
    org_id: int,
    actor: Any,
    rows: list[SupplierRow],
    filename: str = "",
    dry_run: bool = False,
    relationships: list[RelationshipRow] | None = None,
) -> ImportSummary:
    """Match rows to the network, check every reference, write (unless dry_run).

    `relationships`: the workbook's Relationships sheet, which then alone lists the edges.
    """
    summary = ImportSummary(rows=len(rows), dry_run=dry_run)
    existing = _existing(session, org_id)
    errors: list[RowError] = []
    matched = _match_all(rows, existing, errors)
    edges = planned_edges(rows, matched, existing, relationships, errors)
    if errors:
        errors.sort(key=lambda e: (e.sheet or "", e.row, e.column or ""))
        raise fail_with(errors)

    creates: list[int] = []  # positions of rows that become new suppliers
    updates = []
    for position, (row, supplier_id) in enumerate(zip(rows, matched, strict=True)):
        values = _values(row)
        if supplier_id is None:
            creates.append(position)
        elif existing.fields[supplier_id] != tuple(values[f] for f in SUPPLIER_FIELDS):
            updates.append((supplier_id, values))
        else:
            summary.unchanged += 1
    summary.created, summary.updated = len(creates), len(updates)
    if dry_run:
        summary.relationships_created = len(new_edges(session, org_id, edges, matched))
        return summary

    now = utcnow()
    new_ids = _insert_suppliers(session, org_id, [rows[p] for p in creates], now)
    for position, new_id in zip(creates, new_ids, strict=True):
        matched[position] = new_id
    _update_suppliers(session, org_id, updates, now)
    summary.relationships_created = insert_edges(session, org_id, edges, matched, now)
    summary.tiers_changed = refresh_tiers(session, org_id)
    changed = new_ids + [supplier_id for supplier_id, _ in updates]
    if changed or summary.relationships_created:
        # One signal for the whole import, however many rows (risk recomputes once).
        network_changed(session, org_id, changed)
    if changed:
        # New or changed suppliers may be duplicates: one scan queued once this commits.
        request_scan(session, org_id=org_id, user_id=getattr(actor, "id", None))
    record(
        session, org_id=org_id, actor=actor, action="suppliers.imported",
        object_type="supplier_import", summary=filename or "spreadsheet",
        details=summary.as_json(),
    )
    return summary


def _existing(session: Session, org_id: int) -> Existing:
    columns = [Supplier.id, Supplier.name_key, *(getattr(Supplier, f) for f in SUPPLIER_FIELDS)]
    by_key: dict[str, dict[str, int]] = {f: {} for f, _ in IDENTIFIERS}
    by_name: dict[str, list[int]] = {}
    fields: dict[int, tuple] = {}
    names: dict[int, str] = {}
    unidentified: dict[tuple, list[int]] = {}
    result = session.execute(select(*columns).where(Supplier.org_id == org_id)
                             .order_by(Supplier.id))
    for sid, name_key, *values in result:
        record_values = dict(zip(SUPPLIER_FIELDS, values, strict=True))
        identified = False
        for f, _label in IDENTIFIERS:
            if record_values[f] is not None:
                by_key[f][record_values[f]] = sid
                identified = True
        by_name.setdefault(name_key, []).append(sid)
        record_values["products"] = list(record_values["products"] or [])
        if not identified:
            unidentified.setdefault(_same_fields(record_values), []).append(sid)
        fields[sid] = tuple(record_values[f] for f in SUPPLIER_FIELDS)
        names[sid] = record_values["name"]
    return Existing(by_key, by_name, fields, names, unidentified)


def _match_all(rows: list[SupplierRow], existing: Existing, errors: list[RowError]
               ) -> list[int | None]:
    """The existing supplier each row updates (None: a new one); two rows never share one.

    A row without any identifier matches a supplier without any whose every field is the same
    (pairing duplicates in order): so an exported file imported twice into a new organisation
    creates nothing the second time, and no two different suppliers are ever merged.
    """
    matched = [_match(row, existing, errors) for row in rows]
    claimed = {sid for sid in matched if sid is not None}
    spare = {key: [sid for sid in ids if sid not in claimed]
             for key, ids in existing.unidentified.items()}
    for position, row in enumerate(rows):
        if matched[position] is None and _unidentified(row):
            candidates = spare.get(_same_fields(_values(row)))
            if candidates:
                matched[position] = candidates.pop(0)
    owner: dict[int, int] = {}
    for row, sid in zip(rows, matched, strict=True):
        if sid is None:
            continue
        if sid in owner and owner[sid] != row.row:
            errors.append(RowError(row.row, None, f'This row and row {owner[sid]} both match '
                                                  f'the supplier "{existing.names[sid]}".'))
        owner.setdefault(sid, row.row)
    return matched


def _same_fields(values: dict[str, Any]) -> tuple:
    return tuple(tuple(values[f]) if f == "products" else values[f] for f in SUPPLIER_FIELDS)


def _unidentified(row: SupplierRow) -> bool:
    return not (row.external_id or row.os_id or row.lei or row.duns)


def _match(row: SupplierRow, existing: Existing, errors: list[RowError]) -> int | None:
    """The existing supplier this row updates: by the tierlight_id it was exported under, then
    external_id, OS ID, LEI, DUNS."""
    found: int | None = None
    found_by = ""
    if row.tierlight_id is not None and row.tierlight_id in existing.fields:
        found, found_by = row.tierlight_id, "Tierlight ID"
    for f, label in IDENTIFIERS:
        value = getattr(row, f)
        sid = existing.by_key[f].get(value) if value is not None else None
        if sid is None:
            continue
        if found is None:
            found, found_by = sid, label
        elif sid != found:
            errors.append(RowError(
                row.row, f,
                f'{label} {value} belongs to "{existing.names[sid]}", but the {found_by} '
                f'matches "{existing.names[found]}"; one row cannot be both suppliers.',
            ))
    return found


def _insert_suppliers(session: Session, org_id: int, rows: list[SupplierRow], now) -> list[int]:
    table = Supplier.__table__
    ids = allocate_ids(session, table, len(rows))
    for start in range(0, len(rows), CHUNK):
        batch = [
            {**_values(row), "id": new_id, "org_id": org_id, "name_key": row.name.casefold(),
             "tier": None, "created_at": now, "updated_at": now, "version": 1}
            for row, new_id in zip(rows[start:start + CHUNK], ids[start:start + CHUNK],
                                   strict=True)
        ]
        session.execute(insert(table), batch)
    return ids


def _update_suppliers(session: Session, org_id: int, updates: list[tuple[int, dict]], now
                      ) -> None:
    if not updates:
        return
    table = Supplier.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.org_id == org_id)  # defence in depth
        .values(
            {f: bindparam(f"b_{f}") for f in SUPPLIER_FIELDS}
            | {"name_key": bindparam("b_name_key"), "updated_at": now,
               "version": table.c.version + 1}
        )
    )
    params = [
        {"b_id": sid, "b_name_key": values["name"].casefold(),
         **{f"b_{f}": values[f] for f in SUPPLIER_FIELDS}}
        for sid, values in updates
    ]
    for start in range(0, len(params), CHUNK):
        session.execute(stmt, params[start:start + CHUNK])


def parse_file(
    path: str, filename: str, *, on_progress: Callable[[int], None] | None = None
) -> ParseResult:
    """Open and validate a spreadsheet without touching the database.

    The suppliers are the first sheet; a workbook's "Relationships" sheet, when it has one,
    lists every relationship (a CSV file has only the suppliers and their supplies_to).
    """
    try:
        relationships, edge_errors = _relationship_sheet(path, filename)
        with _supplier_sheet(path, filename, relationships is not None) as table:
            parsed = parse_supplier_table(table, on_progress=on_progress,
                                          edges_elsewhere=relationships is not None)
    except SpreadsheetError as exc:
        raise as_app_error(exc) from exc
    parsed.relationships = relationships
    parsed.errors += edge_errors
    if parsed.errors:
        raise fail_with(parsed.errors)
    if not parsed.rows:
        raise ValidationFailed(
            "The file has a header but no supplier rows.",
            [{"row": 2, "column": None, "message": "No data rows."}],
        )
    return parsed


def _supplier_sheet(path: str, filename: str, two_sheets: bool) -> Table:
    """The first sheet; in a workbook with a Relationships sheet, the one named "Suppliers"
    when there is one, wherever it is."""
    if two_sheets:
        try:
            return open_table(path, filename, IMPORT_COLUMNS, sheet=SUPPLIERS_SHEET)
        except SpreadsheetError as exc:
            if exc.code != "missing_sheet":
                raise
    return open_table(path, filename, IMPORT_COLUMNS)


def _relationship_sheet(path: str, filename: str
                        ) -> tuple[list[RelationshipRow] | None, list[RowError]]:
    if not filename.lower().rstrip(". ").endswith(".xlsx"):
        return None, []
    try:
        table = open_table(path, filename, EDGE_COLUMNS, sheet=RELATIONSHIPS_SHEET)
    except SpreadsheetError as exc:
        if exc.code == "missing_sheet":
            return None, []
        if exc.code == "empty":  # a sheet with nothing on it: no relationships
            return [], []
        raise SpreadsheetError(f"{RELATIONSHIPS_SHEET} sheet: {exc.message}", code=exc.code,
                               status=exc.status) from exc
    with table:
        return parse_relationship_table(table)


def import_file(
    session: Session,
    *,
    org_id: int,
    actor: Any,
    path: str,
    filename: str,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Open, parse and import a spreadsheet; every problem is a ValidationFailed (or 413/415)."""
    parsed = parse_file(path, filename, on_progress=on_progress)
    return finish_import(session, org_id=org_id, actor=actor, parsed=parsed,
                         filename=filename, dry_run=dry_run)


def finish_import(
    session: Session, *, org_id: int, actor: Any, parsed: ParseResult, filename: str,
    dry_run: bool,
) -> ImportSummary:
    summary = import_rows(
        session, org_id=org_id, actor=actor, rows=parsed.rows, filename=filename,
        dry_run=dry_run, relationships=parsed.relationships,
    )
    if parsed.unknown_columns:
        summary.notes.append("Ignored columns: " + ", ".join(parsed.unknown_columns))
    return summary
