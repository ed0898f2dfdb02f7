"""Corrective actions (CAP items): creating them, moving them through audits/remediation.py.

Who moves what: the buyer's compliance team and the connected supplier's people move work
forward (open -> in_progress -> submitted); the audit's assigned auditor or compliance verify a
submitted action, or return it (submitted -> in_progress, with a reason). An action on a finding
with recruitment fees cannot be verified until the fee ledger shows the fees repaid to the
affected workers (remediation.fees_repaid): remediation closes on outcomes, not paperwork.
The owner is mailed when an action is assigned, returned, or found overdue (once); every
transition goes to the activity log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, PermissionDenied, field_error
from app.mail import queue_mail
from app.people.services import clean_email
from audits import remediation
from audits.models import Action, Audit, FeeEntry, Finding
from audits.services.notify import inputs_changed
from audits.services.text import clean_text

FORWARD = {("open", "in_progress"), ("in_progress", "submitted")}


def relation(actor: Any, audit: Audit) -> str | None:
    """How the actor stands to the audit: buyer, auditor, supplier, or None."""
    kind = actor.organization.kind
    if kind == "buyer" and actor.org_id == audit.org_id:
        return "buyer"
    if kind == "audit_firm" and audit.auditor_user_id == actor.id:
        return "auditor"
    if kind == "supplier" and audit.supplier.linked_org_id == actor.org_id:
        return "supplier"
    return None


def _mail_context(action: Action) -> dict[str, Any]:
    finding, audit = action.finding, action.finding.audit
    return {"buyer": audit.organization.name, "supplier_name": audit.supplier.name,
            "finding": finding.code or f"#{finding.id}", "severity": finding.severity,
            "finding_text": finding.description[:500], "action": action.description[:2000],
            "due_date": action.due_date.strftime("%d %b %Y"),
            "fee_finding": finding.has_fees}


def _mail(session: Session, action: Action, template: str, subject: str, *, actor: Any,
          **extra: Any) -> None:
    queue_mail(session, org_id=action.org_id, to=action.owner_email, subject=subject,
               template=template, context=_mail_context(action) | extra, related=action,
               actor=actor)


def create_action(session: Session, finding: Finding, *, actor: Any, description: Any,
                  owner_email: Any, due_date: date | None = None,
                  preventive_action: Any = None) -> Action:
    """A corrective action on a finding; due by severity unless given; the owner is mailed."""
    text = clean_text(description, "description", required=True)
    email = clean_email(owner_email) if owner_email is not None else None
    if not email:
        raise field_error("owner_email", "The owner's email address is required.")
    today = utcnow().date()
    due = due_date or remediation.default_due(finding.severity, today)
    action = Action(org_id=finding.org_id, supplier_id=finding.supplier_id,
                    finding_id=finding.id, description=text,
                    preventive_action=clean_text(preventive_action, "preventive_action"),
                    owner_email=email, due_date=due, state="open", created_by_id=actor.id)
    session.add(action)
    finding.status = "open"  # a new action reopens a closed finding
    session.flush()
    session.refresh(action, ["finding"])
    record(session, org_id=finding.org_id, actor=actor, action="action.created", obj=action,
           summary=f"{finding.code or finding.id}: due {due.isoformat()} ({email})",
           details={"finding_id": finding.id, "due_date": due.isoformat()})
    _mail(session, action, "action_assigned",
          f"Corrective action for {action.finding.audit.supplier.name}: due "
          f"{due.strftime('%d %b %Y')}", actor=actor)
    return action


def fee_entries(session: Session, finding: Finding) -> list[FeeEntry]:
    return list(session.scalars(select(FeeEntry).where(FeeEntry.finding_id == finding.id,
                                                       FeeEntry.org_id == finding.org_id)
                                .order_by(FeeEntry.id)))


def fees_outcome(session: Session, finding: Finding) -> tuple[bool, str]:
    entries = fee_entries(session, finding)
    return remediation.fees_repaid(
        finding.workers_affected,
        [(e.workers, e.owed_minor, e.repaid_minor) for e in entries])


def _check_who(rel: str | None, current: str, to: str) -> None:
    if (current, to) in FORWARD:
        if rel not in ("buyer", "supplier"):
            raise PermissionDenied("Only the company's compliance team or the supplier move a "
                                   "corrective action forward.")
    elif rel not in ("buyer", "auditor"):
        raise PermissionDenied("Only the audit's auditor or the company's compliance team "
                               "verify or return a corrective action.")


def transition(session: Session, action: Action, to: Any, note: Any, *, actor: Any) -> Action:
    """Move the action; an illegal move is 409 naming the allowed ones."""
    note_text = clean_text(note, "note", limit=5000)
    current = action.state
    if not isinstance(to, str):
        raise field_error("to", "The state to move to.")
    try:
        new_state = remediation.move(current, to, reason=note_text)
    except remediation.IllegalMove as exc:
        raise Conflict(str(exc), [{"field": "to", "message": str(exc)}]) from None
    except ValueError as exc:  # a return without its reason, or an unknown state
        raise field_error("note" if to in remediation.ACTION_STATES else "to", str(exc)) from None
    finding = action.finding
    _check_who(relation(actor, finding.audit), current, new_state)
    if new_state == "verified" and finding.has_fees:
        repaid, explanation = fees_outcome(session, finding)
        if not repaid:
            raise Conflict("This action cannot be verified yet: " + explanation,
                           [{"field": "to", "message": explanation}])
    action.state = new_state
    returned = remediation.is_return(current, new_state)
    if returned:
        action.return_reason = note_text
    if new_state == "verified":
        action.verified_by_id, action.verified_at = actor.id, utcnow()
    session.flush()
    if new_state == "verified":
        _close_if_done(session, finding)
        inputs_changed(session, action.org_id, [action.supplier_id], "action_verified")
    record(session, org_id=action.org_id, actor=actor, action="action.transition", obj=action,
           summary=f"{current} -> {new_state}" + (f": {note_text[:200]}" if note_text else ""),
           details={"from": current, "to": new_state, "note": note_text,
                    "finding_id": finding.id})
    if returned:
        _mail(session, action, "action_returned",
              f"Corrective action returned: {action.finding.audit.supplier.name}",
              actor=actor, reason=note_text or "")
    return action


def _close_if_done(session: Session, finding: Finding) -> None:
    states = session.scalars(select(Action.state).where(Action.finding_id == finding.id)).all()
    if states and all(s == "verified" for s in states):
        finding.status = "closed"
        session.flush()


def flag_overdue(session: Session, today: date | None = None) -> int:
    """The daily job: mark actions past their due date, and mail each owner once."""
    today = today or utcnow().date()
    late = session.scalars(
        select(Action).where(Action.state != "verified", Action.due_date < today,
                             Action.overdue_flagged_on.is_(None)).order_by(Action.id)
        .limit(10_000)
    ).all()
    for action in late:
        action.overdue_flagged_on = today
        session.flush()
        record(session, org_id=action.org_id, actor=None, action="action.overdue", obj=action,
               summary=f"due {action.due_date.isoformat()}, {action.state}")
        _mail(session, action, "action_overdue",
              f"Overdue corrective action: {action.finding.audit.supplier.name}", actor=None)
    return len(late)
