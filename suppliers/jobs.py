"""Spreadsheet imports that run after the upload request, reporting progress as they go.

The file is read and validated first, with progress committed in short transactions; the
database work then happens in one transaction, so on SQLite the write lock is held only for
the writing, never while progress is being reported.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import update

from app.auth.models import User
from app.db import get_db, utcnow
from app.errors import AppError, ValidationFailed
from app.spreadsheets import SpreadsheetError, check_xlsx_archive
from app.uploads import as_app_error, estimate_rows
from suppliers import services
from suppliers.models import ImportJob

log = logging.getLogger(__name__)
MAX_STORED_ERRORS = 1000


def start(app: Flask, job_id: int, path: str) -> None:
    if app.config.get("IMPORTS_INLINE"):
        run(app, job_id, path)
        return
    threading.Thread(target=run, args=(app, job_id, path), name=f"import-{job_id}",
                     daemon=True).start()


def _set(app: Flask, job_id: int, **values: Any) -> None:
    session = get_db(app).new_session(write=True)
    try:
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
        session.commit()
    finally:
        session.close()


def run(app: Flask, job_id: int, path: str) -> None:
    with app.app_context():
        try:
            _run(app, job_id, path)
        except Exception:  # the job must end in a state the page can show, whatever happened
            log.exception("import %s failed unexpectedly", job_id)
            _set(app, job_id, status="failed", finished_at=utcnow(),
                 message="The import stopped on an unexpected error; nothing was saved.")
        finally:
            Path(path).unlink(missing_ok=True)


def _run(app: Flask, job_id: int, path: str) -> None:
    database = get_db(app)
    reader = database.new_session(write=False)
    job = reader.get(ImportJob, job_id)
    org_id, user_id, filename, dry_run = job.org_id, job.user_id, job.filename, job.dry_run
    reader.close()
    _set(app, job_id, status="reading")
    try:
        if filename.lower().endswith(".xlsx"):
            check_xlsx_archive(path)  # before anything inflates the sheet
        _set(app, job_id, rows_total=estimate_rows(path, filename))
        parsed = services.parse_file(
            path, filename, on_progress=lambda n: _set(app, job_id, rows_read=n)
        )
    except SpreadsheetError as exc:
        _fail(app, job_id, as_app_error(exc))
        return
    except AppError as exc:
        _fail(app, job_id, exc)
        return
    _set(app, job_id, status="writing", rows_read=len(parsed.rows))
    session = database.new_session(write=True)
    try:
        actor = session.get(User, user_id) if user_id else None
        summary = services.finish_import(
            session, org_id=org_id, actor=actor, parsed=parsed, filename=filename,
            dry_run=dry_run,
        )
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except AppError as exc:
        session.rollback()
        _fail(app, job_id, exc)
        return
    finally:
        session.close()
    _set(app, job_id, status="done", finished_at=utcnow(),
         summary=summary.as_json() | {"notes": summary.notes},
         message="Checked: nothing was saved." if dry_run else "Imported.")


def _fail(app: Flask, job_id: int, exc: AppError) -> None:
    details = exc.details if isinstance(exc, ValidationFailed) else []
    total = getattr(exc, "total", len(details))  # fail_with caps details, keeps the count
    _set(app, job_id, status="failed", finished_at=utcnow(), message=exc.message,
         errors=details[:MAX_STORED_ERRORS], error_count=total)
