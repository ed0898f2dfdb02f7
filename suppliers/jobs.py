"""Spreadsheet imports on the job queue (app/jobs), reporting progress as they go; and the scan
for duplicate suppliers (after imports, nightly and on demand).

The upload is kept in the upload folder (in the instance folder) until the job has finally
succeeded or failed, so a retry after a killed worker reads it again. The file is read and
validated first, with progress committed in short transactions; the database work then happens
in one transaction, so a worker killed mid-import leaves nothing half-written, and on SQLite
the write lock is held only for the writing, never while progress is being reported.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.auth.models import User
from app.db import get_db, utcnow
from app.errors import AppError, NotFound, ValidationFailed
from app.jobs.runner import JobContext, handler
from app.jobs.services import submit_job
from app.spreadsheets import SpreadsheetError, check_xlsx_archive
from app.uploads import as_app_error, estimate_rows
from suppliers import services
from suppliers.models import ImportJob
from suppliers.services import duplicates

log = logging.getLogger(__name__)
KIND = "suppliers.import"
MAX_STORED_ERRORS = 1000


def start_import(
    session: Session, *, org_id: int, actor: Any, path: str, filename: str, dry_run: bool,
) -> ImportJob:
    """Record an import of the kept upload at `path` and queue it (when the caller commits)."""
    job = submit_job(session, org_id=org_id, user_id=getattr(actor, "id", None), kind=KIND)
    imp = ImportJob(org_id=org_id, user_id=getattr(actor, "id", None), filename=filename,
                    dry_run=dry_run, job_id=job.id)
    session.add(imp)
    session.flush()
    job.payload = {"import_id": imp.id, "file": Path(path).name}
    record(session, org_id=org_id, actor=actor, action="suppliers.import_queued", obj=imp,
           summary=f"Import of {filename} queued" + (" (dry run)" if dry_run else ""),
           details={"filename": filename, "dry_run": dry_run, "job_id": job.id})
    session.flush()
    return imp


def _upload(ctx: JobContext) -> Path:
    name = Path(str(ctx.payload.get("file") or "")).name  # a bare name inside the folder
    return Path(current_app.config["UPLOAD_FOLDER"]) / name


def _set(ctx: JobContext, import_id: int, session: Session | None = None,
         **values: Any) -> None:
    """Update the import row, and mirror its progress on the job row, in one transaction."""
    own = session is None
    session = session or get_db().new_session(write=True)
    try:
        session.execute(update(ImportJob).where(
            ImportJob.id == import_id, ImportJob.org_id == ctx.org_id).values(**values))
        mirror = {"stage": values["status"]} if "status" in values else {}
        if "rows_read" in values:
            mirror["progress"] = values["rows_read"]
        if values.get("rows_total") is not None:
            mirror["total"] = values["rows_total"]
        ctx.update(session, **mirror)
        if own:
            session.commit()
    finally:
        if own:
            session.close()


@handler(KIND, on_failed=lambda ctx, message: _finally_failed(ctx, message))
def run_import(ctx: JobContext) -> dict[str, Any]:
    import_id = int(ctx.payload["import_id"])
    path = _upload(ctx)
    reader = get_db().new_session(write=False)
    imp = reader.get(ImportJob, import_id)
    if imp is None or imp.org_id != ctx.org_id:
        reader.close()
        raise NotFound("The import record is gone.")
    filename, dry_run, user_id = imp.filename, imp.dry_run, imp.user_id
    already = imp.summary if imp.status == "done" else None
    message = imp.message
    reader.close()
    if already is not None:  # committed, then the worker died before the job row said so
        path.unlink(missing_ok=True)
        return already | {"import_id": import_id, "message": message}
    if not path.exists():
        raise ValidationFailed("The uploaded file is gone; upload it again.")
    _set(ctx, import_id, status="reading", rows_read=0)
    try:
        if filename.lower().endswith(".xlsx"):
            check_xlsx_archive(str(path))  # before anything inflates the sheet
        _set(ctx, import_id, rows_total=estimate_rows(str(path), filename))
        parsed = services.parse_file(
            str(path), filename, on_progress=lambda n: _set(ctx, import_id, rows_read=n)
        )
    except SpreadsheetError as exc:
        _failed_rows(ctx, import_id, as_app_error(exc))
    except AppError as exc:
        _failed_rows(ctx, import_id, exc)
    _set(ctx, import_id, status="writing", rows_read=len(parsed.rows))
    session = get_db().new_session(write=True)
    try:
        actor = session.get(User, user_id) if user_id else None
        summary = services.finish_import(
            session, org_id=ctx.org_id, actor=actor, parsed=parsed, filename=filename,
            dry_run=dry_run,
        )
        if dry_run:
            session.rollback()
        result = summary.as_json() | {"notes": summary.notes}
        message = "Checked: nothing was saved." if dry_run else "Imported."
        # The outcome is written in the import's own transaction: saved together, or not at all.
        _set(ctx, import_id, session, status="done", finished_at=utcnow(), summary=result,
             message=message)
        session.commit()
    except AppError as exc:
        session.rollback()
        session.close()
        _failed_rows(ctx, import_id, exc)
    finally:
        session.close()
    path.unlink(missing_ok=True)
    return result | {"import_id": import_id, "message": message}


def _failed_rows(ctx: JobContext, import_id: int, exc: AppError) -> None:
    """Keep the row errors on the import, then end the job failed (no retry: the file is
    wrong, not the worker)."""
    details = exc.details if isinstance(exc, ValidationFailed) else []
    total = getattr(exc, "total", len(details))  # fail_with caps details, keeps the count
    _set(ctx, import_id, errors=details[:MAX_STORED_ERRORS], error_count=total)
    raise exc


def _finally_failed(ctx: JobContext, message: str) -> None:
    """However the job failed for good: the import shows why, and the upload goes."""
    import_id = ctx.payload.get("import_id")
    if import_id is not None:
        _set(ctx, int(import_id), status="failed", finished_at=utcnow(), message=message)
    _upload(ctx).unlink(missing_ok=True)


# --- duplicate suppliers (services/duplicates.py) ---------------------------------------------

@handler(duplicates.KIND)
def run_duplicate_scan(ctx: JobContext) -> dict[str, Any]:
    """Find likely duplicates of the organisation: read and match in a read session (minutes
    of matching never hold SQLite's write lock), then store in one short write transaction.
    Idempotent: a second run finds and stores the same pairs."""
    reader = get_db().new_session(write=False)
    try:
        records, pairs, stats = duplicates.find_pairs(reader, ctx.org_id)
    finally:
        reader.close()
    session = get_db().new_session(write=True)
    try:
        summary = duplicates.store_candidates(session, ctx.org_id, records, pairs, stats)
        session.commit()
    finally:
        session.close()
    log.info("duplicates of organisation %s: %s", ctx.org_id, summary)
    return summary.as_json()


def daily_duplicates(session: Session) -> None:
    """Each night, a scan of every buying company's network (queued: one job each)."""
    from sqlalchemy import select

    from app.auth.models import Organization

    for org_id in session.scalars(select(Organization.id).where(Organization.kind == "buyer")
                                  .order_by(Organization.id)):
        duplicates.request_scan(session, org_id=org_id)
