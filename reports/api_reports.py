"""Report API (API.md): the due-diligence report as PDF, XLSX or CSV, and the kept reports.

Who: compliance and admin users of a buying company (403 for other roles and kinds, as the
risk API); another organisation's report id is 404. A small network's report is made in the
request and answered as the file; above REPORT_INLINE_MAX_SUPPLIERS suppliers (or with
`?async=1`) it goes on the job queue: 202 with the report and its job, Location naming it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.models import User
from app.auth.roles import NETWORK_EDITORS
from app.db import get_db, get_session
from app.errors import Conflict, ValidationFailed
from app.jobs.models import Job
from app.tenancy import get_owned, owned
from reports import files
from reports import jobs as _jobs  # noqa: F401 - registers the job's handler
from reports.models import ReportFile
from reports.report_tables import supplier_count
from reports.services import reports as services

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")
readers = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
MEDIA = ["application/pdf", files.CONTENT_TYPES["xlsx"], "text/csv"]


def _date(args: Any, name: str) -> date | None:
    if name not in args:
        return None  # the default
    raw = (args.get(name) or "").strip()
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad(name, raw)
    except ValueError:
        return _bad(name, raw)


def _bad(name: str, raw: str) -> date:
    raise ValidationFailed(f"{name} is a date such as 2026-03-31.",
                           [{"field": name, "message": f'"{raw[:40]}" is not a date '
                                                       "(YYYY-MM-DD)"}])


def parse_request(args: Any) -> tuple[str, date, date]:
    """(format, period_start, period_end) from query or form arguments; 422 naming the field."""
    fmt = (args.get("format") or "pdf").strip().lower()
    start, end = _date(args, "period_start"), _date(args, "period_end")
    default_start, default_end = services.default_period(end)
    start, end = start or default_start, end or default_end
    services.check_request(fmt, start, end)
    return fmt, start, end


READ_WHOLE_MAX = 10 * 1024 * 1024


def send(report: ReportFile):
    """The report's file as the answer: read whole up to 10 MB (no open file handle outlives
    a response nobody closes, as app/filestore.py does), streamed above that."""
    response = files.serve(report.storage_key, report.filename or "report", report.format)
    if (report.size or 0) <= READ_WHOLE_MAX:
        body = files.read(report.storage_key)
        response.close()
        response.direct_passthrough = False
        response.set_data(body)
    return response


def _end_read() -> None:
    """Close the request's read session before the one write transaction (as app/deferred.py
    does): in tests every session shares one connection, and closing the reader afterwards
    would roll back to its savepoint, the writer's work with it."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def report_json(report: ReportFile, job: Job | None = None,
                created_by: str | None = None) -> dict[str, Any]:
    progress = None
    if job is not None and report.status in ("queued", "running"):
        progress = {"stage": job.stage or job.status, "done": job.progress, "total": job.total}
    return {
        "id": report.id, "kind": report.kind, "format": report.format,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(), "status": report.status,
        "job_id": report.job_id, "progress": progress, "filename": report.filename,
        "size": report.size, "sha256": report.sha256, "rows": report.rows,
        "error": report.error, "created_by": created_by,
        "created_at": report.created_at.isoformat(),
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "download_url": (url_for("reports_api.download", report_id=report.id)
                         if report.status == "done" else None),
    }


def with_people(session, reports: list[ReportFile]) -> list[dict[str, Any]]:
    """Reports as JSON with who made them and their jobs' progress, in two queries."""
    users = {u.id: u.email for u in session.scalars(select(User).where(
        User.id.in_({r.created_by_id for r in reports if r.created_by_id})))}
    jobs = {j.id: j for j in session.scalars(select(Job).where(
        Job.id.in_({r.job_id for r in reports if r.job_id}),
        Job.org_id == current_user.org_id))}
    return [report_json(r, jobs.get(r.job_id), users.get(r.created_by_id)) for r in reports]


@bp.get("/reports/due-diligence")
@readers
@api_route(query="DueDiligenceQuery", produces=MEDIA, also={202: "ReportQueued"})
def due_diligence(query: dict):
    """The due-diligence report of a period as `?format=pdf` (default), `xlsx` or `csv`.

    The period defaults to the 12 months ending today. Up to REPORT_INLINE_MAX_SUPPLIERS
    suppliers (2,000 by default) the file is the answer; above it, or with `?async=1`, the
    report is made on the job queue: 202 `{report, job}` with a Location header naming the
    report, whose `download_url` gives the file once it is done.
    """
    fmt, start, end = parse_request(request.args)
    reader = get_session()  # a read session: producing the file writes nothing
    org = current_user.organization
    limit = int(current_app.config.get("REPORT_INLINE_MAX_SUPPLIERS", 2000))
    queued = request.args.get("async", "").strip().lower() in ("1", "true", "yes")
    if not queued and supplier_count(reader, org.id) <= limit:
        path, rows = services.produce(reader, org=org, fmt=fmt, period_start=start,
                                      period_end=end)
        _end_read()
        writer = get_db().new_session(write=True)
        try:
            report = services.make_now(writer, org=org, actor=current_user, fmt=fmt,
                                       period_start=start, period_end=end, path=path, rows=rows)
            writer.commit()
        except BaseException:
            writer.rollback()
            path.unlink(missing_ok=True)
            raise
        finally:
            writer.close()
        return send(report)
    _end_read()
    writer = get_db().new_session(write=True)
    try:
        report = services.request_report(writer, org=org, actor=current_user, fmt=fmt,
                                         period_start=start, period_end=end)
        job_id = report.job_id
        writer.commit()  # queues the job (at once, with QUEUE_IMMEDIATE)
        report = writer.get(ReportFile, report.id, populate_existing=True) or report
        job = writer.get(Job, job_id, populate_existing=True)
        body = {"report": report_json(report, job, current_user.email),
                "job": job.as_json() if job else None}
    finally:
        writer.close()
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = url_for("reports_api.get_report", report_id=report.id)
    return response


@bp.get("/reports")
@readers
@api_route(response="Report", many=True, query="ReportListQuery")
def list_reports(query: dict):
    """The kept reports of your organisation, newest first (each format until replaced)."""
    db = get_session()
    stmt = owned(ReportFile, current_user.org_id).order_by(ReportFile.id.desc())
    page = paginate(db, stmt, lambda r: r)
    page["items"] = with_people(db, page["items"])
    return jsonify(page)


@bp.get("/reports/<int:report_id>")
@readers
@api_route(response="Report")
def get_report(report_id: int):
    """One report: its period, status (with progress while it is made), size and hash."""
    db = get_session()
    return jsonify(with_people(db, [get_owned(db, ReportFile, report_id,
                                              current_user.org_id)])[0])


@bp.get("/reports/<int:report_id>/download")
@readers
@api_route(produces=MEDIA, errors=[409, 410])
def download(report_id: int):
    """The report's file; 409 while it is still being made, 410 if its file has gone."""
    report = get_owned(get_session(), ReportFile, report_id, current_user.org_id)
    if report.status != "done" or not report.storage_key:
        raise Conflict(f"This report is {report.status}: download it once it is done.")
    return send(report)
