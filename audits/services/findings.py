"""Findings: entered one at a time (API) or uploaded as a workbook, both through the pure
importer (audits/importer.py), so the crosswalk and every rule apply alike.

An upload is all or nothing: every row error is collected, and nothing is written if there is
one. Re-uploading the same file changes nothing: a row matches the audit's finding with the same
code (a row without a code, the codeless finding with the same description, clause and scheme
severity); changed fields are updated, unchanged rows are left alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, ValidationFailed
from app.exports import write_xlsx
from app.spreadsheets import SpreadsheetError, open_table
from app.uploads import as_app_error
from audits.crosswalk import SCHEMES, scheme_values
from audits.importer import (
    COLUMN_HELP,
    FINDING_COLUMNS,
    REQUIRED,
    WORKER_GROUPS,
    ParsedFinding,
    parse_findings,
)
from audits.models import Audit, Finding
from audits.services.notify import inputs_changed

MAX_REPORTED_ERRORS = 1000
RECORDING = ("planned", "in_progress")  # an audit's findings are final once it is submitted
# Finding attribute <- ParsedFinding attribute
FIELDS = {"clause": "clause", "description": "description", "scheme_severity": "scheme_severity",
          "severity": "severity", "indicators": "indicators",
          "workers_affected": "workers_affected", "worker_groups": "worker_groups",
          "fee_minor": "fee_minor", "fee_currency": "fee_currency", "root_cause": "root_cause",
          "evidence_note": "evidence"}


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "dry_run": self.dry_run}


def _values(parsed: ParsedFinding) -> dict[str, Any]:
    out = {attr: getattr(parsed, source) for attr, source in FIELDS.items()}
    out["indicators"] = list(out["indicators"] or [])
    out["worker_groups"] = list(out["worker_groups"] or [])
    return out


def _fail(errors: list[dict[str, Any]]) -> ValidationFailed:
    rows = len({e.get("row") for e in errors})
    return ValidationFailed(
        f"{len(errors):,} problem{'s' if len(errors) != 1 else ''} in {rows:,} "
        f"row{'s' if rows != 1 else ''}; nothing was imported. Fix them and upload again.",
        errors[:MAX_REPORTED_ERRORS])


def ensure_recording(audit: Audit) -> None:
    if audit.status not in RECORDING:
        raise Conflict(f"This audit is {audit.status}: its findings can no longer change.")


def _key(code: str | None, values: Mapping[str, Any]) -> tuple:
    if code:
        return ("code", code.casefold())
    return ("text", values["description"], values["clause"], values["scheme_severity"])


def _existing(session: Session, audit: Audit) -> dict[tuple, Finding]:
    found = session.scalars(select(Finding).where(Finding.audit_id == audit.id)).all()
    out: dict[tuple, Finding] = {}
    for f in found:
        out.setdefault(_key(f.code, {"description": f.description, "clause": f.clause,
                                     "scheme_severity": f.scheme_severity}), f)
    return out


def write_findings(session: Session, audit: Audit, parsed: list[ParsedFinding], *, actor: Any,
                   dry_run: bool = False, source: str = "upload") -> tuple[ImportSummary,
                                                                           list[Finding]]:
    """Match and write already-parsed findings (duplicate codes in one batch are row errors).
    Returns the summary and the existing findings the batch matched (updated or unchanged);
    new ones are bulk-inserted."""
    ensure_recording(audit)
    summary = ImportSummary(rows=len(parsed), dry_run=dry_run)
    seen: dict[tuple, int] = {}
    errors = _length_errors(parsed)
    for p in parsed:
        key = _key(p.code, _values(p))
        if key[0] == "code" and key in seen:
            errors.append({"row": p.row, "column": "code",
                           "message": f'The code "{p.code}" is also on row {seen[key]}: each '
                                      "finding's code appears once."})
        seen.setdefault(key, p.row)
    if errors:
        raise _fail(errors)
    existing = _existing(session, audit)
    written: list[Finding] = []
    new_rows: list[dict[str, Any]] = []
    now = utcnow()
    for p in parsed:
        values = _values(p)
        finding = existing.get(_key(p.code, values))
        if finding is None:
            summary.created += 1
            new_rows.append({"org_id": audit.org_id, "audit_id": audit.id,
                             "supplier_id": audit.supplier_id, "code": p.code,
                             "status": "open", "created_at": now, "updated_at": now} | values)
            continue
        changed = {k: v for k, v in values.items() if getattr(finding, k) != v}
        if not changed:
            summary.unchanged += 1
            written.append(finding)
            continue
        summary.updated += 1
        if not dry_run:
            for k, v in changed.items():
                setattr(finding, k, v)
            written.append(finding)
    if new_rows and not dry_run:
        # One bulk insert (PITFALLS: ORM inserts); every row has the same keys, NULLs
        # rendered, so it stays one batch. Created findings are not returned as objects.
        session.execute(insert(Finding).execution_options(render_nulls=True), new_rows)
    if not dry_run and (summary.created or summary.updated):
        session.flush()
        record(session, org_id=audit.org_id, actor=actor, action=f"audit.findings_{source}",
               obj=audit, summary=f"{summary.created} created, {summary.updated} updated",
               details=summary.as_json())
        inputs_changed(session, audit.org_id, [audit.supplier_id], "findings")
    return summary, written


# What the columns hold (PostgreSQL refuses longer text; SQLite would store it).
LIMITS = {"code": 40, "clause": 200, "scheme_severity": 60}


def _length_errors(parsed: list[ParsedFinding]) -> list[dict[str, Any]]:
    errors = []
    for p in parsed:
        for column, limit in LIMITS.items():
            value = getattr(p, column)
            if value is not None and len(value) > limit:
                errors.append({"row": p.row, "column": column,
                               "message": f"At most {limit} characters ({len(value):,} given)."})
    return errors


def _row_of(values: Mapping[str, Any]) -> dict[str, object]:
    """An API body as the upload's columns (so one parser checks both)."""
    row: dict[str, object] = {}
    for column in FINDING_COLUMNS:
        value = values.get(column)
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = str(value)
        row[column] = value if value not in ("", None) else None
    return row


# API body field -> upload column, where they differ
BODY_COLUMNS = {"evidence_note": "evidence", "fee_amount": "recruitment_fee_amount"}


def add_finding(session: Session, audit: Audit, values: Mapping[str, Any], *, actor: Any
                ) -> Finding:
    """One finding from the API; problems are 422 naming the field."""
    ensure_recording(audit)
    body = {BODY_COLUMNS.get(k, k): v for k, v in values.items()}
    parsed, errors = parse_findings([(1, _row_of(body))], audit.scheme)
    errors = errors or _length_errors(parsed)
    if errors:
        reverse = {v: k for k, v in BODY_COLUMNS.items()}
        details = [{"field": reverse.get(e["column"], e["column"]) or "body",
                    "message": e["message"]} for e in errors]
        raise ValidationFailed(f"{details[0]['field']}: {details[0]['message']}", details)
    if parsed[0].code and session.scalar(
        select(Finding.id).where(Finding.audit_id == audit.id, Finding.code == parsed[0].code)
    ):
        raise Conflict(f'This audit has a finding "{parsed[0].code}" already.',
                       [{"field": "code", "message": "already used in this audit"}])
    finding = Finding(org_id=audit.org_id, audit_id=audit.id, supplier_id=audit.supplier_id,
                      code=parsed[0].code, status="open", **_values(parsed[0]))
    session.add(finding)
    session.flush()
    record(session, org_id=audit.org_id, actor=actor, action="finding.created", obj=finding,
           summary=f"{finding.code or finding.id}: {finding.severity}",
           details={"audit_id": audit.id, "indicators": finding.indicators})
    inputs_changed(session, audit.org_id, [audit.supplier_id], "findings")
    return finding


def _rows(table) -> Iterable[tuple[int, dict[str, object]]]:
    try:
        yield from table.rows
    except SpreadsheetError as exc:
        raise as_app_error(exc) from exc


def import_findings(session: Session, audit: Audit, path: str, filename: str, *, actor: Any,
                    dry_run: bool = False) -> ImportSummary:
    """Read an uploaded .xlsx or .csv through the shared hostile-file defences, then write."""
    ensure_recording(audit)
    try:
        table = open_table(path, filename, FINDING_COLUMNS)
    except SpreadsheetError as exc:
        raise as_app_error(exc) from exc
    with table:
        missing = [c for c in REQUIRED if c not in table.columns]
        if missing:
            message = f"The first row lacks the column{'s' if len(missing) > 1 else ''} " \
                      + ", ".join(missing) + ": download the template to see every column."
            raise ValidationFailed(message, [{"row": 1, "column": c, "message": "missing column"}
                                             for c in missing])
        parsed, errors = parse_findings(_rows(table), audit.scheme)
    errors = errors + _length_errors(parsed)
    if errors:
        raise _fail(sorted(errors, key=lambda e: (e["row"], e.get("column") or "")))
    summary, _ = write_findings(session, audit, parsed, actor=actor, dry_run=dry_run)
    return summary


EXAMPLE_ROWS = [
    ["F-01", "ETI 1.1", "Workers' passports are kept in the HR office safe.", "Non-compliance",
     "FL07", 42, "migrant", None, None, "Company policy to prevent absconding",
     "Photos of the safe; 6 worker interviews"],
    ["F-02", "ETI 2.3", "Migrant workers paid recruitment fees to an agency in Nepal.",
     "Non-compliance", "debt bondage; FL02", 120, "migrant; agency", "350000", "NPR",
     "Agency contract silent on fees", "Payslips, worker interviews"],
]


def findings_template() -> bytes:
    """The findings template: an example sheet and a sheet that explains every column."""
    guide = [[c, "yes" if c in REQUIRED else "", COLUMN_HELP.get(c, "")] for c in FINDING_COLUMNS]
    guide += [[], ["Worker groups", "", ", ".join(WORKER_GROUPS)]]
    guide += [[f"Severities: {s}", "", ", ".join(scheme_values(s)) or "critical, high, medium, "
               "low"] for s in SCHEMES]
    guide += [
        [],
        ["Matching", "", "A row updates the audit's finding with the same code; uploading the "
         "same file again changes nothing."],
        ["All or nothing", "", "If any row has a problem, nothing is imported and every "
         "problem is listed with its row and column."],
        ["Limits", "", "25 MB and 200,000 rows; .xlsx or .csv (UTF-8 is the safest)."],
    ]
    buffer = io.BytesIO()
    write_xlsx(buffer, [("Findings", FINDING_COLUMNS, EXAMPLE_ROWS),
                        ("Column guide", ("column", "required", "what to enter"), guide)])
    return buffer.getvalue()
