"""A finding's page with its corrective actions, adding and moving actions, and the board of
every action the user may see, by state, overdue first (queries in audits/board.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.apischema import int_arg
from app.db import get_session, utcnow
from app.errors import AppError
from app.indicators import INDICATORS
from audits import board as board_queries
from audits import remediation, services
from audits.api import load_action, load_finding, readers, recorders
from audits.crosswalk import SEVERITIES
from audits.forms import ActionForm, TransitionForm
from audits.models import ACTION_STATES, Action, Finding
from audits.services.actions import FORWARD, fee_entries, fees_outcome, relation
from audits.views import _filters, apply_errors, attempt, bp

# What each move is called on its button.
MOVE_LABELS = {("open", "in_progress"): "Start work", ("in_progress", "submitted"): "Submit for "
               "verification", ("submitted", "verified"): "Verify",
               ("submitted", "in_progress"): "Return with a reason"}


def moves_for(action: Action, rel: str | None) -> list[dict]:
    """The moves (remediation.allowed_moves) this user may make on the action, with labels."""
    out = []
    for to in remediation.allowed_moves(action.state):
        forward = (action.state, to) in FORWARD
        if (forward and rel in ("buyer", "supplier")) or (not forward
                                                          and rel in ("buyer", "auditor")):
            out.append({"to": to, "label": MOVE_LABELS[(action.state, to)],
                        "needs_reason": remediation.is_return(action.state, to)})
    return out


def finding_page(finding: Finding, *, action_form: ActionForm | None = None,
                 status: int = 200):
    db = get_session()
    audit = finding.audit
    rel = relation(current_user, audit)
    actions = db.scalars(select(Action).where(Action.finding_id == finding.id,
                                              Action.org_id == finding.org_id)
                         .order_by(Action.id)).all()
    today = utcnow().date()
    fees = fees_outcome(db, finding) if finding.has_fees else None
    default_due = remediation.default_due(finding.severity, today)
    return render_template(
        "audits/finding.html", finding=finding, audit=audit, rel=rel, actions=actions,
        moves={a.id: moves_for(a, rel) for a in actions},
        late={a.id: board_queries.days_overdue(a, today) for a in actions},
        # The ledger is the buyer's (as in the API): others read the check's outcome only.
        fees=fees, cohorts=fee_entries(db, finding) if finding.has_fees and rel == "buyer"
        else [],
        indicators=INDICATORS, default_due=default_due,
        due_days=remediation.DUE_DAYS[finding.severity],
        action_form=action_form or ActionForm(formdata=None),
        transition_form=TransitionForm(formdata=None)), status


@bp.get("/findings/<int:finding_id>")
@readers
def finding(finding_id: int):
    return finding_page(load_finding(get_session(), finding_id))


@bp.post("/findings/<int:finding_id>/actions")
@recorders
def add_action(finding_id: int):
    db = get_session()
    found = load_finding(db, finding_id)
    form = ActionForm()
    if not form.validate():
        return finding_page(found, action_form=form, status=422)
    try:
        action = services.create_action(
            db, found, actor=current_user, description=form.description.data,
            owner_email=form.owner_email.data or None, due_date=form.due_date.data,
            preventive_action=form.preventive_action.data)
        db.commit()
    except AppError as exc:
        db.rollback()
        apply_errors(form, exc, {"email": "owner_email"})
        return finding_page(found, action_form=form, status=exc.status)
    flash(f"Corrective action added, due {action.due_date:%d %b %Y}; {action.owner_email} "
          "was emailed.", "success")
    return redirect(url_for("audits.finding", finding_id=found.id,
                            _anchor=f"action-{action.id}"), 303)


@bp.post("/actions/<int:action_id>/transition")
@readers
def transition(action_id: int):
    db = get_session()
    action = load_action(db, action_id)
    form = TransitionForm()
    to = form.to.data or ""

    def run(db: Session) -> str:
        before = action.state
        services.transition(db, action, to, form.note.data or None, actor=current_user)
        if remediation.is_return(before, action.state):
            return f"Returned to {action.owner_email} with your reason."
        return f"The corrective action is {action.state.replace('_', ' ')}."

    attempt(run, "Done.")
    if form.back.data == "board":
        return redirect(url_for("audits.board"), 303)
    return redirect(url_for("audits.finding", finding_id=action.finding_id,
                            _anchor=f"action-{action.id}"), 303)


@bp.get("/actions")
@readers
def board():
    db = get_session()
    filters = _filters({"severity": SEVERITIES})
    for name in ("owner", "supplier"):
        value = (request.args.get(name) or "").strip()[:200]
        if value:
            filters[name] = value
    supplier_id = request.args.get("supplier_id", type=int)
    if supplier_id and current_user.organization.kind == "buyer":
        filters["supplier_id"] = supplier_id
    limits = {}
    for state in ACTION_STATES:
        limit = int_arg(request.args, f"{state}_limit", None,
                        maximum=board_queries.MAX_PER_COLUMN)
        if limit:
            limits[state] = limit
    today = utcnow().date()
    columns = board_queries.board(db, current_user, filters, limits, today)
    late = {a.id: board_queries.days_overdue(a, today) for c in columns for a in c.actions}
    return render_template("audits/board.html", columns=columns, filters=filters, late=late,
                           severities=SEVERITIES, step=board_queries.PER_COLUMN,
                           kind=current_user.organization.kind)

