"""Due-diligence reports on the job queue (app/jobs), with progress on the job row.

The report is produced in a read session (the job's progress is written in short
transactions of its own, as app/jobs allows), then kept in one short write transaction:
on SQLite the write lock is never held while WeasyPrint or the XLSX writer works. A retry
after a killed worker starts again from the facts; a report already done is not made twice.
"""

from __future__ import annotations

from typing import Any

from app.auth.models import Organization, User
from app.db import get_db
from app.errors import NotFound
from app.jobs.runner import JobContext, handler
from reports.models import ReportFile
from reports.services import reports as services


def _write(fn) -> None:
    session = get_db().new_session(write=True)
    try:
        fn(session)
        session.commit()
    finally:
        session.close()


def _failed(ctx: JobContext, message: str) -> None:
    report_id = ctx.payload.get("report_id")
    if report_id is not None:
        _write(lambda s: services.fail(s, int(report_id), ctx.org_id, message))


def _running(session, report_id: int) -> None:
    report = session.get(ReportFile, report_id)
    if report is not None:
        report.status = "running"
        session.flush()


@handler(services.JOB_KIND, on_failed=_failed)
def run_report(ctx: JobContext) -> dict[str, Any]:
    report_id = int(ctx.payload["report_id"])
    reader = get_db().new_session(write=False)
    try:
        report = reader.get(ReportFile, report_id)
        if report is None or report.org_id != ctx.org_id:
            raise NotFound("The report is gone (a newer one replaced it, or it was removed).")
        if report.status == "done":  # kept, then the worker died before the job said so
            return {"report_id": report_id, "size": report.size, "rows": report.rows}
        org = reader.get(Organization, ctx.org_id)
        fmt, start, end = report.format, report.period_start, report.period_end
        _write(lambda s: _running(s, report_id))
        path, rows = services.produce(
            reader, org=org, fmt=fmt, period_start=start, period_end=end,
            progress=lambda done, total, stage: ctx.progress(done, total, stage))
    finally:
        reader.close()
    writer = get_db().new_session(write=True)
    try:
        report = writer.get(ReportFile, report_id)
        if report is None:
            path.unlink(missing_ok=True)
            raise NotFound("The report was removed while it was being made.")
        actor = writer.get(User, ctx.user_id) if ctx.user_id else None
        services.finish(writer, report, actor=actor, path=path, rows=rows)
        ctx.update(writer, stage="done", progress=rows, total=rows)
        writer.commit()
        size = report.size
    except BaseException:
        writer.rollback()  # the kept file goes with it (reports/files.py)
        path.unlink(missing_ok=True)
        raise
    finally:
        writer.close()
    return {"report_id": report_id, "size": size, "rows": rows}
