"""Statement pages: the list and a new draft (/statements), the editor of a draft with its
completeness check, filing, amendment and the PDF.

For the buyer's compliance team and admins. The editor is one form: every section's text,
the title and the approval; saving keeps the version the editor read (a concurrent save is
refused, never lost). Filing refuses an incomplete statement and names what is missing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from app.access import roles_required
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import AppError
from app.tenancy import get_owned
from reports.api import pdf_response
from reports.frameworks import FRAMEWORKS
from reports.models import Evidence, Statement
from reports.services import statements as services

bp = Blueprint("statements", __name__, template_folder="templates")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
STATUS_LABELS = {"draft": "Draft", "filed": "Filed", "superseded": "Superseded"}


class NewStatementForm(FlaskForm):
    framework = SelectField("Framework", choices=[])
    period_start = DateField("Period from", validators=[Optional()])
    period_end = DateField("Period to", validators=[Optional()])


class ApprovalForm(FlaskForm):
    """The statement's fixed fields; section texts come as `section-<key>` (see _changes)."""

    title = StringField("Title")
    approved_by = StringField("Approved by", description="The body that approved it, e.g. "
                                                         "the board of directors")
    approval_date = DateField("Approval date", validators=[Optional()])
    signatory = StringField("Signed by")
    signatory_role = StringField("Signatory's role", description="e.g. Director")


@bp.app_template_filter("sstatus")
def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _last_year() -> tuple[date, date]:
    year = date.today().year - 1
    return date(year, 1, 1), date(year, 12, 31)


def _new_form(formdata: Any = None) -> NewStatementForm:
    form = NewStatementForm(formdata=formdata)
    form.framework.choices = [(f.key, f"{f.name} ({f.jurisdiction})")
                              for f in FRAMEWORKS.values()]
    if formdata is None:
        form.period_start.data, form.period_end.data = _last_year()
    return form


def _list_page(form: NewStatementForm, status: int = 200):
    db = get_session()
    rows = db.scalars(select(Statement).where(Statement.org_id == current_user.org_id)
                      .order_by(Statement.period_end.desc(), Statement.framework,
                                Statement.version.desc())).all()
    checks = {s.id: services.check(s) for s in rows if s.is_draft}
    return render_template("reports/statements.html", statements=rows, form=form,
                           frameworks=FRAMEWORKS, checks=checks), status


@bp.get("/statements")
@editors
def index():
    return _list_page(_new_form())


@bp.post("/statements")
@editors
def create():
    form = _new_form(request.form)
    if not form.validate():
        flash("Please check the dates of the period.", "error")
        return _list_page(form, 422)
    db = get_session()
    try:
        statement = services.create_statement(
            db, org=current_user.organization, actor=current_user,
            framework=form.framework.data, period_start=form.period_start.data,
            period_end=form.period_end.data)
        db.commit()
    except AppError as exc:
        db.rollback()
        for detail in exc.details or []:
            target = getattr(form, detail.get("field") or "", None)
            if target is not None and hasattr(target, "errors"):
                target.errors = [*target.errors, detail["message"]]
        flash(exc.message, "error")
        return _list_page(form, exc.status)
    flash(f"Drafted from your evidence: {len(statement.sections)} sections to review.",
          "success")
    return redirect(url_for("statements.detail", statement_id=statement.id), 303)


def _load(statement_id: int) -> Statement:
    return get_owned(get_session(), Statement, statement_id, current_user.org_id)


def _detail_page(statement: Statement, form: ApprovalForm | None = None,
                 texts: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None,
                 status: int = 200):
    db = get_session()
    if form is None:
        form = ApprovalForm(formdata=None, obj=statement)
    evidence = db.get(Evidence, statement.evidence_id)
    if statement.is_draft:
        sections = services.sections_view(statement, evidence.facts if evidence else {})
        results = [services.result_json(statement, r) for r in services.check(statement)]
    else:
        sections = (statement.content or {}).get("sections", [])
        results = (statement.content or {}).get("completeness", [])
    for section in sections:
        if texts and section["key"] in texts:
            section["text"] = texts[section["key"]]
        section["errors"] = (errors or {}).get(f"sections.{section['key']}", [])
    others = db.scalars(select(Statement).where(
        Statement.org_id == statement.org_id, Statement.evidence_id == statement.evidence_id,
        Statement.id != statement.id)).all()
    return render_template(
        "reports/statement.html", statement=statement, form=form, sections=sections,
        results=results, covered=sum(1 for r in results if r["covered"]),
        framework=FRAMEWORKS[statement.framework], evidence=evidence, siblings=others,
        superseded_by=services.superseded_by(db, statement),
        previous=db.get(Statement, statement.supersedes_id) if statement.supersedes_id
        else None), status


@bp.get("/statements/<int:statement_id>")
@editors
def detail(statement_id: int):
    return _detail_page(_load(statement_id))


def _changes(statement: Statement, form: ApprovalForm) -> dict[str, Any]:
    keys = [s.key for s in FRAMEWORKS[statement.framework].sections]
    changes: dict[str, Any] = {
        "title": form.title.data or "", "approved_by": form.approved_by.data or "",
        "approval_date": form.approval_date.data, "signatory": form.signatory.data or "",
        "signatory_role": form.signatory_role.data or ""}
    changes["sections"] = {k: request.form[f"section-{k}"] for k in keys
                           if f"section-{k}" in request.form}
    return changes


@bp.post("/statements/<int:statement_id>")
@editors
def save(statement_id: int):
    db = get_session()
    statement = _load(statement_id)
    form = ApprovalForm(request.form)
    texts = {k[len("section-"):]: v for k, v in request.form.items()
             if k.startswith("section-")}
    if not form.validate():
        flash("Please check the approval date.", "error")
        return _detail_page(statement, form, texts, status=422)
    lock = request.form.get("lock_version", type=int)
    try:
        services.update_statement(db, statement=statement, actor=current_user,
                                  changes=_changes(statement, form), lock_version=lock)
        db.commit()
    except (AppError, StaleDataError) as exc:
        db.rollback()
        if isinstance(exc, StaleDataError):
            flash("Someone else saved this statement at the same moment: reload it.", "error")
            return _detail_page(_load(statement_id), form, texts, status=409)
        errors: dict[str, list[str]] = {}
        for d in exc.details or []:
            errors.setdefault(d.get("field") or "", []).append(d["message"])
            target = getattr(form, d.get("field") or "", None)
            if target is not None and hasattr(target, "errors"):
                target.errors = [*target.errors, d["message"]]
        flash(exc.message, "error")
        return _detail_page(_load(statement_id), form, texts, errors, status=exc.status)
    missing = sum(1 for r in services.check(statement) if not r.covered)
    flash("Saved. " + (f"{missing} criteria still missing." if missing else
                       "Every criterion is covered: it is ready to file."), "success")
    return redirect(url_for("statements.detail", statement_id=statement.id), 303)


def _act(statement_id: int, run, done: str, *, to_self: bool = True):
    db = get_session()
    statement = _load(statement_id)
    try:
        result = run(db, statement)
        db.commit()
    except (AppError, StaleDataError) as exc:
        db.rollback()
        message = getattr(exc, "message", "Someone else changed it at the same moment.")
        details = getattr(exc, "details", None) or []
        flash(message + (" " + " ".join(d["message"] for d in details[:8]) if details else ""),
              "error")
        return redirect(url_for("statements.detail", statement_id=statement_id), 303)
    flash(done, "success")
    target = result.id if (isinstance(result, Statement) and not to_self) else statement_id
    return redirect(url_for("statements.detail", statement_id=target), 303)


@bp.post("/statements/<int:statement_id>/file")
@editors
def file(statement_id: int):
    return _act(statement_id, lambda db, s: services.file_statement(
        db, statement=s, actor=current_user, company=current_user.organization.name),
        "Filed. The PDF is frozen and its SHA-256 recorded; regulators of the jurisdiction "
        "can now read it.")


@bp.post("/statements/<int:statement_id>/amend")
@editors
def amend(statement_id: int):
    return _act(statement_id, lambda db, s: services.amend_statement(
        db, statement=s, actor=current_user),
        "A new version is drafted from the filed text. Filing it supersedes the old one.",
        to_self=False)


@bp.post("/statements/<int:statement_id>/refresh")
@editors
def refresh(statement_id: int):
    return _act(statement_id, lambda db, s: services.refresh_evidence(
        db, statement=s, actor=current_user, org=current_user.organization),
        "Figures gathered again from your current records; your text is unchanged.")


@bp.post("/statements/<int:statement_id>/redraft/<section>")
@editors
def redraft(statement_id: int, section: str):
    return _act(statement_id, lambda db, s: services.redraft_section(
        db, statement=s, section=section[:60]),
        "The section was drafted again from the figures.")


@bp.post("/statements/<int:statement_id>/discard")
@editors
def discard(statement_id: int):
    db = get_session()
    statement = _load(statement_id)
    try:
        services.delete_draft(db, statement=statement, actor=current_user)
        db.commit()
    except AppError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("statements.detail", statement_id=statement_id), 303)
    flash("The draft was discarded.", "success")
    return redirect(url_for("statements.index"), 303)


@bp.get("/statements/<int:statement_id>/pdf")
@editors
def pdf(statement_id: int):
    return pdf_response(get_session(), _load(statement_id))
