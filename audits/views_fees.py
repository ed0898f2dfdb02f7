"""The recruitment-fee ledger of one supplier: its cohorts of workers, what they paid and what
was repaid, totals per currency (never added across currencies), adding a cohort and recording
a repayment. The buyer's compliance team only, as in the API (audits/api_fees.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from app.db import get_session
from app.errors import AppError
from app.tenancy import get_owned
from audits import board as board_queries
from audits import queries, services
from audits.api import editors
from audits.api_fees import _live_supplier
from audits.forms import CATEGORY_LABELS, FeeForm, RepaymentForm
from audits.models import Audit, FeeEntry, Finding
from audits.money import format_money
from audits.services.fees import major_text
from audits.views import apply_errors, attempt, bp
from suppliers.kinds import LABOUR_KINDS
from suppliers.models import Supplier

MAX_CHOICES = 500


def _fee_form(db: Session, supplier: Supplier, form: FeeForm | None = None) -> FeeForm:
    form = form or FeeForm(formdata=None)
    agencies = db.execute(
        select(Supplier.id, Supplier.name, Supplier.country)
        .where(Supplier.org_id == supplier.org_id, Supplier.kind.in_(sorted(LABOUR_KINDS)),
               Supplier.archived_at.is_(None))
        .order_by(Supplier.name_key).limit(MAX_CHOICES)).all()
    form.agency_supplier_id.choices = [SelectChoice(0, "— not in the network —")] + [
        SelectChoice(i, f"{n} ({c})" if c else n) for i, n, c in agencies]
    findings = db.execute(
        select(Finding.id, Finding.code, Finding.description, Finding.severity, Audit.scheme,
               Audit.audit_date)
        .join(Audit, Audit.id == Finding.audit_id)
        .where(Finding.org_id == supplier.org_id, Finding.supplier_id == supplier.id)
        .order_by(Audit.audit_date.desc(), Finding.code, Finding.id).limit(MAX_CHOICES)).all()
    form.finding_id.choices = [SelectChoice(0, "— none —")] + [
        SelectChoice(i, f"{code or '#' + str(i)} ({severity}, {scheme} {when:%d %b %Y}): "
                     f"{text[:60]}")
        for i, code, text, severity, scheme, when in findings]
    return form


def ledger_page(supplier: Supplier, *, fee_form: FeeForm | None = None, status: int = 200):
    db = get_session()
    entries = db.scalars(queries.fee_entries_query(supplier.org_id, supplier.id)).all()
    linked_ids = sorted({e.finding_id for e in entries if e.finding_id})
    linked = {f.id: f for f in db.scalars(select(Finding).where(
        Finding.org_id == supplier.org_id, Finding.id.in_(linked_ids)))} if linked_ids else {}
    return render_template(
        "audits/fees.html", supplier=supplier, entries=entries, linked=linked,
        totals=board_queries.fee_lines(db, supplier.org_id, supplier.id),
        categories=CATEGORY_LABELS, fee_form=_fee_form(db, supplier, fee_form),
        repayment_forms={e.id: _repayment_form(e) for e in entries}), status


def _repayment_form(entry: FeeEntry, formdata=None) -> RepaymentForm:
    """One form per cohort (its own field ids and names), filled with what is recorded."""
    return RepaymentForm(formdata=formdata, prefix=f"e{entry.id}", data={
        "repaid_amount": major_text(entry.repaid_minor, entry.currency),
        "repaid_on": entry.repaid_on, "method": entry.method,
        "workers_confirmed": entry.workers_confirmed})


@bp.get("/suppliers/<int:supplier_id>/fees")
@editors
def fees(supplier_id: int):
    return ledger_page(_live_supplier(get_session(), supplier_id))


@bp.post("/suppliers/<int:supplier_id>/fees")
@editors
def add_fee(supplier_id: int):
    db = get_session()
    supplier = _live_supplier(db, supplier_id)
    form = _fee_form(db, supplier, FeeForm())
    if not form.validate():
        return ledger_page(supplier, fee_form=form, status=422)
    try:
        entry = services.add_fee_entry(db, supplier=supplier, actor=current_user,
                                       values=form.values())
        db.commit()
    except AppError as exc:
        db.rollback()
        apply_errors(form, exc)
        return ledger_page(supplier, fee_form=form, status=exc.status)
    flash(f"Cohort of {entry.workers:,} workers added: "
          f"{format_money(entry.owed_minor, entry.currency)} owed.", "success")
    return redirect(url_for("audits.fees", supplier_id=supplier.id, _anchor=f"entry-{entry.id}"),
                    303)


@bp.post("/fees/<int:entry_id>/repayment")
@editors
def record_repayment(entry_id: int):
    db = get_session()
    entry = get_owned(db, FeeEntry, entry_id, current_user.org_id)
    form = RepaymentForm(prefix=f"e{entry.id}")
    if not form.validate():
        problems = [f"{form[name].label.text}: {errors[0]}" for name, errors in
                    form.errors.items() if name != "csrf_token"]
        flash("; ".join(problems) or "Check the repayment and try again.", "error")
    else:
        def run(db: Session) -> str:
            services.record_repayment(
                db, entry, actor=current_user, repaid_amount=form.repaid_amount.data or "",
                repaid_on=form.repaid_on.data, method=form.method.data,
                workers_confirmed=form.workers_confirmed.data,
                evidence_note=form.evidence_note.data)
            repaid = format_money(entry.repaid_minor, entry.currency)
            owed = format_money(entry.owed_minor, entry.currency)
            return (f"Repayment recorded: {repaid} of {owed}; {entry.workers_confirmed:,} of "
                    f"{entry.workers:,} workers confirmed receipt.")

        attempt(run, "Repayment recorded.")
    return redirect(url_for("audits.fees", supplier_id=entry.supplier_id,
                            _anchor=f"entry-{entry.id}"), 303)

