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
from app.spreadsheets import SpreadsheetError, open_table
from app.uploads import as_app_error
from suppliers.importer import (
    SUPPLIER_COLUMNS,
    ParseResult,
    RowError,
    SupplierRow,
    parse_supplier_table,
)
from suppliers.models import Relationship, Supplier
from suppliers.services.network import refresh_tiers
from suppliers.services.suppliers import SUPPLIER_FIELDS

IDENTIFIERS = (("external_id", "external ID"), ("os_id", "OS ID"), ("lei", "LEI"),
               ("duns", "DUNS"))
MAX_REPORTED_ERRORS = 1000
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
    rows = len({e.row for e in errors})
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
) -> ImportSummary:
    """Match rows to the network, check every reference, write (unless dry_run)."""
    summary = ImportSummary(rows=len(rows), dry_run=dry_run)
    existing = _existing(session, org_id)
    errors: list[RowError] = []
    matched: list[int | None] = [_match(row, existing, errors) for row in rows]
    refs = _resolve_references(rows, matched, existing, errors)
    if errors:
        errors.sort(key=lambda e: (e.row, e.column or ""))
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
        summary.relationships_created = len(_new_edges(session, org_id, rows, matched, refs))
        return summary

    now = utcnow()
    new_ids = _insert_suppliers(session, org_id, [rows[p] for p in creates], now)
    for position, new_id in zip(creates, new_ids, strict=True):
        matched[position] = new_id
    _update_suppliers(session, updates, now)
    summary.relationships_created = _insert_edges(
        session, org_id, rows, matched, refs, now
    )
    summary.tiers_changed = refresh_tiers(session, org_id)
    record(
        session, org_id=org_id, actor=actor, action="suppliers.imported",
        object_type="supplier_import", summary=filename or "spreadsheet",
        details=summary.as_json(),
    )
    return summary


@dataclass
class _Existing:
    by_key: dict[str, dict[str, int]]  # identifier field -> value -> supplier id
    by_name: dict[str, list[int]]  # casefolded name -> ids
    fields: dict[int, tuple]  # supplier id -> its SUPPLIER_FIELDS values
    names: dict[int, str]


def _existing(session: Session, org_id: int) -> _Existing:
    columns = [Supplier.id, Supplier.name_key, *(getattr(Supplier, f) for f in SUPPLIER_FIELDS)]
    by_key: dict[str, dict[str, int]] = {f: {} for f, _ in IDENTIFIERS}
    by_name: dict[str, list[int]] = {}
    fields: dict[int, tuple] = {}
    names: dict[int, str] = {}
    result = session.execute(select(*columns).where(Supplier.org_id == org_id))
    for sid, name_key, *values in result:
        record_values = dict(zip(SUPPLIER_FIELDS, values, strict=True))
        for f, _label in IDENTIFIERS:
            if record_values[f] is not None:
                by_key[f][record_values[f]] = sid
        by_name.setdefault(name_key, []).append(sid)
        record_values["products"] = list(record_values["products"] or [])
        fields[sid] = tuple(record_values[f] for f in SUPPLIER_FIELDS)
        names[sid] = record_values["name"]
    return _Existing(by_key, by_name, fields, names)


def _match(row: SupplierRow, existing: _Existing, errors: list[RowError]) -> int | None:
    """The existing supplier this row updates: by external_id, then OS ID, LEI, DUNS."""
    found: int | None = None
    found_by = ""
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


def _resolve_references(
    rows: list[SupplierRow], matched: list[int | None], existing: _Existing,
    errors: list[RowError],
) -> list[list[int | str | None]]:
    """Each row's customers: an existing id, ("row", position) for a row of the file, or None."""
    file_by_external: dict[str, int] = {}
    file_by_name: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        if row.external_id:
            file_by_external[row.external_id] = position
        file_by_name.setdefault(row.name.casefold(), []).append(position)
    resolved: list[list[Any]] = []
    for position, row in enumerate(rows):
        targets: list[Any] = []
        if not row.supplies_to:
            targets.append(None)
        for ref in row.supplies_to:
            target = _resolve_one(ref, file_by_external, file_by_name, existing, matched)
            if isinstance(target, str):
                errors.append(RowError(row.row, "supplies_to", target))
            elif target == ("row", position) or (
                matched[position] is not None and target == matched[position]
            ):
                errors.append(RowError(row.row, "supplies_to",
                                       f'"{ref}" is this supplier itself.'))
            else:
                targets.append(target)
        resolved.append(targets)
    return resolved


def _resolve_one(ref, file_by_external, file_by_name, existing: _Existing, matched):
    if ref in file_by_external:
        position = file_by_external[ref]
        return matched[position] if matched[position] is not None else ("row", position)
    if ref in existing.by_key["external_id"]:
        return existing.by_key["external_id"][ref]
    key = ref.casefold()
    in_file = file_by_name.get(key, [])
    in_db = existing.by_name.get(key, [])
    candidates = {("row", p) if matched[p] is None else matched[p] for p in in_file}
    candidates.update(in_db)
    if len(candidates) == 1:
        return candidates.pop()
    if len(candidates) > 1:
        return f'"{ref}" matches {len(candidates)} suppliers by name; use an external_id.'
    return f'No supplier "{ref}" in the file or the network (by external_id or exact name).'


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


def _update_suppliers(session: Session, updates: list[tuple[int, dict]], now) -> None:
    if not updates:
        return
    table = Supplier.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
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


def _existing_edges(session: Session, org_id: int) -> set[tuple]:
    result = session.execute(
        select(Relationship.supplier_id, Relationship.customer_key, Relationship.kind).where(
            Relationship.org_id == org_id
        )
    )
    return {tuple(r) for r in result}


def _new_edges(session, org_id, rows, matched, refs) -> list[tuple[Any, Any, SupplierRow]]:
    """The edges the file adds, as (supplier, customer or None, row), skipping those that
    exist or repeat. A supplier not yet in the database stands as ("row", n), so a dry run
    counts exactly what the import will write."""
    seen = _existing_edges(session, org_id)
    new = []
    for position, row in enumerate(rows):
        supplier = matched[position] if matched[position] is not None else ("row", position)
        for target in refs[position]:
            if isinstance(target, tuple) and matched[target[1]] is not None:
                target = matched[target[1]]
            key = (supplier, target or 0, row.relationship_kind)
            if key not in seen:
                seen.add(key)
                new.append((supplier, target, row))
    return new


def _insert_edges(session, org_id, rows, matched, refs, now) -> int:
    batch = [
        {"org_id": org_id, "supplier_id": supplier_id, "customer_id": customer_id,
         "customer_key": customer_id or 0, "kind": row.relationship_kind,
         "product": row.relationship_product, "created_at": now}
        for supplier_id, customer_id, row in _new_edges(session, org_id, rows, matched, refs)
    ]
    for start in range(0, len(batch), CHUNK):
        session.execute(insert(Relationship.__table__), batch[start:start + CHUNK])
    return len(batch)


def parse_file(
    path: str, filename: str, *, on_progress: Callable[[int], None] | None = None
) -> ParseResult:
    """Open and validate a spreadsheet without touching the database."""
    try:
        with open_table(path, filename, SUPPLIER_COLUMNS) as table:
            parsed = parse_supplier_table(table, on_progress=on_progress)
    except SpreadsheetError as exc:
        raise as_app_error(exc) from exc
    if parsed.errors:
        raise fail_with(parsed.errors)
    if not parsed.rows:
        raise ValidationFailed(
            "The file has a header but no supplier rows.",
            [{"row": 2, "column": None, "message": "No data rows."}],
        )
    return parsed


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
        dry_run=dry_run,
    )
    if parsed.unknown_columns:
        summary.notes.append("Ignored columns: " + ", ".join(parsed.unknown_columns))
    return summary
