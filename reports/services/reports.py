"""Due-diligence reports: request one (queued on the job queue), make one now (small
networks, from the API), and keep the finished file until a newer one replaces it.

Making a report is split where the transactions split: `produce` only reads (gathering the
facts, writing the file to a temporary path with progress), so no write lock is held while
WeasyPrint or the XLSX writer works; `finish` then keeps the file, marks the row done,
removes the older reports of the same organisation and format ("kept until replaced") and
writes the activity log, in one short write transaction. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import ValidationFailed
from app.jobs.services import submit_job
from reports import files, report_pdf, report_tables
from reports.evidence import gather_facts
from reports.models import FORMATS, ReportFile

JOB_KIND = "reports.due_diligence"
REPORT_KIND = "due_diligence"
LABELS = {"pdf": "PDF", "xlsx": "XLSX workbook", "csv": "CSV risk register"}
# (done, total, stage) -> None; the job reports it on its row, the API ignores it
Progress = Callable[[int, int | None, str], None]


def default_period(today: date | None = None) -> tuple[date, date]:
    """The 12 months ending today: from the day after this date a year ago."""
    end = today or utcnow().date()
    try:
        year_ago = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        year_ago = end.replace(year=end.year - 1, day=28)
    return year_ago + timedelta(days=1), end


def check_request(fmt: str, period_start: date, period_end: date) -> None:
    if fmt not in FORMATS:
        raise ValidationFailed(f"format is one of {', '.join(FORMATS)}.",
                               [{"field": "format", "message": f"must be one of "
                                                               f"{', '.join(FORMATS)}"}])
    if period_start > period_end:
        raise ValidationFailed("period_start is after period_end.",
                               [{"field": "period_start",
                                 "message": "must not be after period_end"}])


def _row(session: Session, *, org: Any, actor: Any, fmt: str, period_start: date,
         period_end: date, status: str) -> ReportFile:
    check_request(fmt, period_start, period_end)
    report = ReportFile(org_id=org.id, kind=REPORT_KIND, format=fmt, period_start=period_start,
                        period_end=period_end, status=status,
                        created_by_id=getattr(actor, "id", None))
    session.add(report)
    session.flush()
    return report


def request_report(session: Session, *, org: Any, actor: Any, fmt: str, period_start: date,
                   period_end: date) -> ReportFile:
    """A queued report and its job (handed to the queue when the caller commits)."""
    report = _row(session, org=org, actor=actor, fmt=fmt, period_start=period_start,
                  period_end=period_end, status="queued")
    job = submit_job(session, org_id=org.id, user_id=getattr(actor, "id", None), kind=JOB_KIND,
                     payload={"report_id": report.id},
                     total=report_tables.supplier_count(session, org.id))
    report.job_id = job.id
    session.flush()
    return report


def filename_for(fmt: str, period_start: date, period_end: date) -> str:
    stem = "risk-register" if fmt == "csv" else "due-diligence"
    return f"tierlight-{stem}-{period_start.isoformat()}-{period_end.isoformat()}.{fmt}"


def produce(session: Session, *, org: Any, fmt: str, period_start: date, period_end: date,
            progress: Progress | None = None) -> tuple[Path, int]:
    """Write the report to a temporary file (reads only): (path, suppliers in it)."""
    total = report_tables.supplier_count(session, org.id)
    tell = progress or (lambda done, total, stage: None)
    path = files.temp_path(suffix=f".{fmt}")
    try:
        if fmt == "pdf":
            tell(0, total, "gathering")
            facts = gather_facts(session, org=org, period_start=period_start,
                                 period_end=period_end)
            tell(0, total, "writing")
            path.write_bytes(report_pdf.render(
                facts, made_at=utcnow().strftime("%d %b %Y %H:%M UTC")))
        else:
            tell(0, total, "writing")

            def rows(n: int) -> None:
                tell(n, total, "writing")

            if fmt == "xlsx":
                report_tables.write_report_xlsx(path, session, org=org, start=period_start,
                                                end=period_end, progress=rows)
            else:
                report_tables.write_register_csv(path, session, org=org, progress=rows)
    except BaseException:  # WeasyPrint's fatal errors are not Exceptions (PITFALLS.md)
        path.unlink(missing_ok=True)
        raise
    return path, total


def finish(session: Session, report: ReportFile, *, actor: Any, path: Path,
           rows: int) -> ReportFile:
    """Keep the file for `report`, mark it done, replace the older ones, log it."""
    key, size, digest = files.keep(session, path)
    report.storage_key, report.size, report.sha256 = key, size, digest
    report.filename = filename_for(report.format, report.period_start, report.period_end)
    report.rows, report.status, report.error = rows, "done", None
    report.finished_at = utcnow()
    replaced = session.scalars(select(ReportFile).where(
        ReportFile.org_id == report.org_id, ReportFile.kind == report.kind,
        ReportFile.format == report.format, ReportFile.id < report.id,
        ReportFile.status.in_(("done", "failed")))).all()
    for old in replaced:
        files.delete_after_commit(session, old.storage_key)
        session.delete(old)
    record(session, org_id=report.org_id, actor=actor, action="reports.generated", obj=report,
           summary=f"Due-diligence report ({LABELS[report.format]}) for "
                   f"{report.period_start.isoformat()} to {report.period_end.isoformat()}",
           details={"format": report.format, "period_start": report.period_start.isoformat(),
                    "period_end": report.period_end.isoformat(), "size": size,
                    "sha256": digest, "suppliers": rows,
                    "replaced": [old.id for old in replaced]})
    session.flush()
    return report


def make_now(session: Session, *, org: Any, actor: Any, fmt: str, period_start: date,
             period_end: date, path: Path, rows: int) -> ReportFile:
    """A report already produced (by `produce`, in the caller's read session), kept now."""
    report = _row(session, org=org, actor=actor, fmt=fmt, period_start=period_start,
                  period_end=period_end, status="running")
    return finish(session, report, actor=actor, path=path, rows=rows)


def fail(session: Session, report_id: int, org_id: int, message: str) -> None:
    report = session.get(ReportFile, report_id)
    if report is not None and report.org_id == org_id and report.status != "done":
        report.status, report.error, report.finished_at = "failed", message[:1000], utcnow()
        session.flush()
