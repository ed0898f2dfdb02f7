"""The reports page: ask for a due-diligence report of a period, follow it while it is made
(the job's progress, polled by job-progress.js; without JavaScript a refresh link does the
same), download the kept ones. Reports are always made on the queue from here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from app.access import roles_required
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import AppError
from app.jobs.models import Job
from app.tenancy import get_owned, owned
from reports import jobs as _jobs  # noqa: F401 - registers the job's handler
from reports.models import ReportFile
from reports.services import reports as services

bp = Blueprint("reports", __name__, template_folder="templates")
readers = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
KEPT = 30  # every format's latest, plus any still being made
STAGES = {"queued": "Waiting for a worker…", "running": "Starting…",
          "gathering": "Gathering the facts of the period…", "writing": "Writing the file…",
          "done": "Done"}


class ReportForm(FlaskForm):
    period_start = DateField("From", validators=[InputRequired()])
    period_end = DateField("To", validators=[InputRequired()])
    format = SelectField("Format", choices=[
        SelectChoice("pdf", "PDF: the report, a few pages"),
        SelectChoice("xlsx", "XLSX: every table, one sheet each"),
        SelectChoice("csv", "CSV: the supplier risk register")])

    def validate_period_end(self, field: Any) -> None:
        if self.period_start.data and field.data and self.period_start.data > field.data:
            raise ValidationError("The period ends before it starts.")


def _kept(db) -> list[dict[str, Any]]:
    reports = db.scalars(owned(ReportFile, current_user.org_id)
                         .order_by(ReportFile.id.desc()).limit(KEPT)).all()
    from reports.api_reports import with_people

    return [{"row": r, "json": j} for r, j in zip(reports, with_people(db, reports),
                                                  strict=True)]


@bp.route("/reports", methods=["GET", "POST"])
@readers
def index():
    db = get_session()
    form = ReportForm()
    if not form.is_submitted():
        form.period_start.data, form.period_end.data = services.default_period()
    if form.validate_on_submit():
        try:
            report = services.request_report(
                db, org=current_user.organization, actor=current_user, fmt=form.format.data,
                period_start=form.period_start.data, period_end=form.period_end.data)
            db.commit()  # queues the job
        except AppError as exc:
            db.rollback()
            flash(exc.message, "error")
        else:
            flash(f"The {services.LABELS[report.format]} is being made.", "info")
            return redirect(url_for("reports.index", _anchor=f"report-{report.id}"))
    kept = _kept(db)
    active = next((k for k in kept if k["row"].status in ("queued", "running")), None)
    job = db.get(Job, active["row"].job_id) if active and active["row"].job_id else None
    return render_template("reports/index.html", form=form, kept=kept, active=active, job=job,
                           stages=STAGES, labels=services.LABELS)


@bp.get("/reports/<int:report_id>/download")
@readers
def download(report_id: int):
    report = get_owned(get_session(), ReportFile, report_id, current_user.org_id)
    if report.status != "done" or not report.storage_key:
        flash("That report is not ready yet.", "info")
        return redirect(url_for("reports.index"))
    from reports.api_reports import send

    return send(report)


def card(session, user) -> list[dict[str, Any]]:
    """The home card: the latest report of each format, or how to make one."""
    if user.role not in NETWORK_EDITORS or user.organization.kind != "buyer":
        return []
    latest = session.scalars(select(ReportFile).where(
        ReportFile.org_id == user.org_id, ReportFile.status == "done")
        .order_by(ReportFile.id.desc()).limit(3)).all()
    if not latest:
        return [{"label": "No report yet: make one", "value": "—",
                 "href": url_for("reports.index")}]
    return [{"label": f"{services.LABELS[r.format]}, {r.period_start:%d %b %Y} to "
                      f"{r.period_end:%d %b %Y}",
             "value": f"{r.finished_at:%d %b}" if r.finished_at else "—",
             "href": url_for("reports.download", report_id=r.id)} for r in latest]
