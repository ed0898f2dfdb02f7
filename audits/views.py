"""The audits pages: the list (the buyer's audits, the auditor's own, the supplier's shared
ones), planning an audit, and one audit with its findings, entered one by one or uploaded.

Thin views: load (through the same helpers as the API, so another tenant's id is 404 and so is
a colleague's audit), authorise, one service call, commit, redirect or render. A refusal of the
service (Conflict, PermissionDenied, a field error) is a flash or a form error, never a 500.
Findings and corrective actions: views_actions.py; the fee ledger: views_fees.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from app.api import page_of
from app.apischema import int_arg
from app.db import get_session
from app.errors import AppError, ValidationFailed
from app.indicators import INDICATORS
from app.uploads import received_file
from audits import money, queries, services
from audits.api import editors, invitation_link, load_audit, readers, recorders
from audits.crosswalk import SCHEMES, SEVERITIES, scheme_values
from audits.forms import TYPE_LABELS, AuditForm, ConfirmForm, FindingForm, UploadForm
from audits.models import AUDIT_STATUSES, FINDING_STATUSES, Audit
from audits.services.actions import relation
from audits.services.audits import AUDITOR_MOVES, BUYER_MOVES, NEXT_STATUS
from audits.services.findings import RECORDING
from suppliers.models import Supplier

bp = Blueprint("audits", __name__, template_folder="templates")
PER_PAGE = 50
FINDINGS_PER_PAGE = 100
MAX_SUPPLIER_CHOICES = 1000
STATUS_LABELS = {"planned": "Planned", "in_progress": "In progress", "submitted": "Submitted",
                 "accepted": "Accepted"}
STATE_LABELS = {"open": "Open", "in_progress": "In progress", "submitted": "Submitted",
                "verified": "Verified"}
# The button that makes each status move, by the status it moves to.
STATUS_BUTTONS = {"in_progress": "Start the audit", "submitted": "Submit the audit",
                  "accepted": "Accept the audit"}


@bp.app_template_filter("astatus")
def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_filter("astate")
def _state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@bp.app_template_filter("atype")
def _type_label(audit_type: str) -> str:
    return TYPE_LABELS.get(audit_type, audit_type)


@bp.app_template_filter("money")
def _money(minor: int | None, currency: str | None) -> str:
    return money.format_money(minor, currency) if minor is not None and currency else "—"


def apply_errors(form, exc: AppError, fields: dict[str, str] | None = None) -> None:
    """Each detail on its form field (renamed by `fields`), the rest as flash messages."""
    shown = False
    for detail in exc.details or []:
        name = (fields or {}).get(detail.get("field") or "", detail.get("field") or "")
        target = getattr(form, name, None) if name else None
        if target is not None and hasattr(target, "errors") and name != "csrf_token":
            target.errors = [*target.errors, detail["message"]]
            shown = True
    if not shown or len(exc.details or []) != 1:
        flash(exc.message, "error")


def attempt(run: Callable[[Session], str | None], done: str) -> bool:
    """Run one service call and commit; a refusal is flashed (never a 500)."""
    db = get_session()
    try:
        message = run(db)
        db.commit()
    except AppError as exc:
        db.rollback()
        flash(exc.message, "error")
        return False
    except StaleDataError:
        db.rollback()
        flash("Someone else changed this at the same moment. Look again, then retry.", "error")
        return False
    flash(message or done, "success")
    return True


def _filters(allowed: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """The query's filters that take one of known values; an unknown one is flashed, ignored."""
    out: dict[str, Any] = {}
    for name, values in allowed.items():
        value = (request.args.get(name) or "").strip()
        if not value:
            continue
        if value in values:
            out[name] = value
        else:
            flash(f'{name.replace("_", " ").capitalize()}: "{value[:40]}" is not one of '
                  f"{', '.join(values)}.", "error")
    return out


def viewer(audit: Audit) -> str | None:
    return relation(current_user, audit)


def status_moves(audit: Audit, rel: str | None) -> list[tuple[str, str]]:
    """(status, button label) of the moves this user may make now."""
    to = NEXT_STATUS.get(audit.status)
    if to is None:
        return []
    mine = BUYER_MOVES if rel == "buyer" else AUDITOR_MOVES if rel == "auditor" else set()
    return [(to, STATUS_BUTTONS[to])] if to in mine else []


@bp.get("/audits")
@readers
def index():
    db = get_session()
    filters = _filters({"status": AUDIT_STATUSES, "scheme": SCHEMES})
    name = (request.args.get("supplier") or "").strip()[:200]
    if name:
        filters["supplier"] = name
    try:
        supplier_id = int_arg(request.args, "supplier_id")
    except ValidationFailed as exc:
        flash(exc.message, "error")
        supplier_id = None
    kind = current_user.organization.kind
    chosen = None
    if supplier_id and kind == "buyer":
        chosen = db.get(Supplier, supplier_id)
        if chosen is None or chosen.org_id != current_user.org_id:
            chosen = None
        else:
            filters["supplier_id"] = chosen.id
    page = int_arg(request.args, "page", 1, maximum=100_000)
    audits, total = page_of(db, queries.audits_query(current_user, filters), page, PER_PAGE)
    return render_template(
        "audits/index.html", audits=audits, total=total, page=page, per_page=PER_PAGE,
        filters=filters, supplier_name=name, chosen=chosen, kind=kind,
        counts=queries.audit_counts(db, [a.id for a in audits]),
        statuses=AUDIT_STATUSES, schemes=SCHEMES)


def _supplier_choices(db: Session, q: str) -> list[SelectChoice]:
    stmt = select(Supplier.id, Supplier.name, Supplier.country).where(
        Supplier.org_id == current_user.org_id, Supplier.archived_at.is_(None))
    if q:
        stmt = stmt.where(Supplier.name_key.contains(q.casefold(), autoescape=True))
    rows = db.execute(stmt.order_by(Supplier.name_key).limit(MAX_SUPPLIER_CHOICES)).all()
    return [SelectChoice(i, f"{n} ({c})" if c else n) for i, n, c in rows]


@bp.route("/audits/new", methods=["GET", "POST"])
@editors
def new():
    db = get_session()
    q = (request.args.get("q") or "").strip()[:200]
    form = AuditForm()
    form.supplier_id.choices = _supplier_choices(db, q)
    preset = request.args.get("supplier_id", type=int)
    if request.method == "GET" and preset:
        form.supplier_id.data = preset
        if preset not in {c.value for c in form.supplier_id.choices}:
            # from a supplier's page, in a network larger than the list: offer that one too
            chosen = db.get(Supplier, preset)
            if chosen is not None and chosen.org_id == current_user.org_id \
                    and chosen.archived_at is None:
                form.supplier_id.choices = [SelectChoice(chosen.id, chosen.name),
                                            *form.supplier_id.choices]
    status = 200
    if request.method == "POST":
        if form.validate():
            values = form.values()
            try:
                audit = services.create_audit(
                    db, org=current_user.organization, actor=current_user,
                    link_for=invitation_link, **_with_date(values))
                db.commit()
            except AppError as exc:
                db.rollback()
                apply_errors(form, exc)
                status = 409 if exc.status == 409 else 422  # a supplier not found is a bad pick
            else:
                who = ("assigned to " + audit.auditor_email if audit.auditor_user_id else
                       f"{audit.auditor_email} is invited to join {audit.audit_firm_name}")
                flash(f"Audit of {audit.supplier.name} planned: {who}.", "success")
                return redirect(url_for("audits.detail", audit_id=audit.id), 303)
        else:
            status = 422
    return render_template("audits/new.html", form=form, q=q,
                           many=len(form.supplier_id.choices) >= MAX_SUPPLIER_CHOICES), status


def _with_date(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("audit_date") is None:
        raise ValidationFailed("The audit's first day is required.",
                               [{"field": "audit_date", "message": "The first day is required."}])
    return values


def _finding_form(audit: Audit, form: FindingForm | None = None) -> FindingForm:
    form = form or FindingForm(formdata=None)
    form.scheme_severity.choices = [SelectChoice(v, v) for v in scheme_values(audit.scheme)]
    return form


def detail_page(audit: Audit, *, finding_form: FindingForm | None = None,
                upload_errors: list[dict] | None = None, upload_message: str | None = None,
                summary: dict | None = None, status: int = 200):
    db = get_session()
    rel = viewer(audit)
    filters = _filters({"severity": SEVERITIES, "status": FINDING_STATUSES,
                        "indicator": tuple(INDICATORS)})
    page = int_arg(request.args, "page", 1, maximum=100_000)
    findings, total = page_of(db, queries.findings_query(audit, filters), page,
                              FINDINGS_PER_PAGE)
    recording = audit.status in RECORDING and rel in ("buyer", "auditor")
    return render_template(
        "audits/detail.html", audit=audit, rel=rel, findings=findings, total=total, page=page,
        per_page=FINDINGS_PER_PAGE, filters=filters, indicators=INDICATORS,
        severities=SEVERITIES, finding_statuses=FINDING_STATUSES,
        actions=queries.action_counts(db, [f.id for f in findings]),
        counts=queries.audit_counts(db, [audit.id])[audit.id],
        moves=status_moves(audit, rel), recording=recording,
        finding_form=_finding_form(audit, finding_form), upload_form=UploadForm(formdata=None),
        upload_errors=upload_errors, upload_message=upload_message, summary=summary,
        confirm=ConfirmForm()), status


@bp.get("/audits/<int:audit_id>")
@readers
def detail(audit_id: int):
    return detail_page(load_audit(get_session(), audit_id))


@bp.post("/audits/<int:audit_id>/status")
@recorders
def status(audit_id: int):
    db = get_session()
    audit = load_audit(db, audit_id)
    to = request.form.get("to", "")

    def run(db: Session) -> str:
        services.set_status(db, audit, to, actor=current_user)
        return f"The audit of {audit.supplier.name} is {_status_label(audit.status).lower()}."

    attempt(run, "Done.")
    return redirect(url_for("audits.detail", audit_id=audit.id), 303)


@bp.post("/audits/<int:audit_id>/findings")
@recorders
def add_finding(audit_id: int):
    db = get_session()
    audit = load_audit(db, audit_id)
    form = _finding_form(audit, FindingForm())
    if not form.validate():
        return detail_page(audit, finding_form=form, status=422)
    try:
        finding = services.add_finding(db, audit, form.values(), actor=current_user)
        db.commit()
    except AppError as exc:
        db.rollback()
        apply_errors(form, exc, {"evidence_note": "evidence_note", "fee_amount": "fee_amount"})
        return detail_page(audit, finding_form=form, status=exc.status)
    flash(f"Finding {finding.code or finding.id} recorded: {finding.severity} "
          f"({finding.scheme_severity}).", "success")
    return redirect(url_for("audits.detail", audit_id=audit.id, _anchor="findings"), 303)


@bp.post("/audits/<int:audit_id>/findings/upload")
@recorders
def upload(audit_id: int):
    db = get_session()
    audit = load_audit(db, audit_id)
    form = UploadForm()
    dry_run = bool(form.dry_run.data)
    try:
        with received_file() as (path, filename):
            summary = services.import_findings(db, audit, path, filename, actor=current_user,
                                               dry_run=dry_run)
    except AppError as exc:
        db.rollback()  # all or nothing: a row error writes nothing
        errors = [d for d in exc.details if "row" in d]
        return detail_page(audit, upload_errors=errors, upload_message=exc.message,
                           status=exc.status)
    if dry_run:
        db.rollback()
        return detail_page(audit, summary=summary.as_json() | {"filename": filename})
    db.commit()
    flash(f"Imported {filename}: {summary.created:,} created, {summary.updated:,} updated, "
          f"{summary.unchanged:,} unchanged ({summary.rows:,} rows).", "success")
    return redirect(url_for("audits.detail", audit_id=audit.id, _anchor="findings"), 303)
