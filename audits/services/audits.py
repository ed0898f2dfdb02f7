"""Creating audits, assigning the auditor (or inviting them), and moving the audit's status.

The auditor is named by email. A person with an account in an audit firm is assigned at
once. An address with no account gets an invitation of purpose "audit_assignment" to join
the named audit firm: accepting it creates the account and assigns the audit. A new firm is
created when its first person accepts, and that person becomes its admin (an audit firm's
admin manages its people and does auditor work on the audits assigned to them); people who
join an existing firm this way are auditors. An address that belongs to a buyer, supplier or
regulator cannot be an auditor (422 naming auditor_email).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.auth.models import Organization, User
from app.auth.services import create_org, create_user, normalise_email
from app.db import utcnow
from app.errors import Conflict, NotFound, PermissionDenied, field_error
from app.people.models import Invitation
from app.people.services import (
    AcceptWording,
    InvitationMail,
    LinkFor,
    Purpose,
    clean_email,
    has_control,
    invite,
    register_purpose,
)
from audits.crosswalk import normalise_scheme
from audits.models import AUDIT_STATUSES, AUDIT_TYPES, Audit
from audits.services.notify import inputs_changed
from audits.services.text import clean_text
from suppliers.models import Supplier

PURPOSE = "audit_assignment"
# status -> (next status, who may move it there)
NEXT_STATUS = {"planned": "in_progress", "in_progress": "submitted", "submitted": "accepted"}
BUYER_MOVES = {"in_progress", "accepted"}
AUDITOR_MOVES = {"in_progress", "submitted"}


def live_supplier(session: Session, org_id: int, supplier_id: Any) -> Supplier:
    supplier = None
    if isinstance(supplier_id, int) and not isinstance(supplier_id, bool):
        supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.org_id != org_id or supplier.archived_at is not None:
        raise NotFound(f"No supplier {supplier_id} in your network.",
                       [{"field": "supplier_id", "message": "not in your network"}])
    return supplier


def _firm_name(value: Any) -> str | None:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        return None
    if len(name) > 200 or has_control(name):
        raise field_error("audit_firm", "The audit firm's name: 1 to 200 characters.")
    return name


def _firm_by_name(session: Session, name: str) -> Organization | None:
    return session.scalar(select(Organization).where(func.lower(Organization.name)
                                                     == name.lower()))


def create_audit(
    session: Session, *, org: Organization, actor: User, supplier_id: Any, scheme: Any,
    audit_date: date, auditor_email: Any, link_for: LinkFor, audit_firm: Any = None,
    scheme_variant: Any = None, audit_type: str = "announced", end_date: date | None = None,
    internal_notes: Any = None,
) -> Audit:
    """A planned audit of one of the buyer's suppliers, assigned (or its auditor invited)."""
    supplier = live_supplier(session, org.id, supplier_id)
    try:
        scheme_name = normalise_scheme(scheme if isinstance(scheme, str) else "")
    except ValueError as exc:
        raise field_error("scheme", str(exc)) from None
    if audit_type not in AUDIT_TYPES:
        raise field_error("audit_type", f"One of {', '.join(AUDIT_TYPES)}.")
    if not isinstance(audit_date, date):
        raise field_error("audit_date", "The audit's first day, such as 2027-03-31.")
    if end_date is not None and end_date < audit_date:
        raise field_error("end_date", "The audit cannot end before it starts.")
    email = clean_email(auditor_email) if auditor_email is not None else None
    if not email:
        raise field_error("auditor_email", "The auditor's email address is required.")
    audit = Audit(
        org_id=org.id, supplier_id=supplier.id, scheme=scheme_name,
        scheme_variant=clean_text(scheme_variant, "scheme_variant", 40), audit_type=audit_type,
        audit_date=audit_date, end_date=end_date, auditor_email=email,
        internal_notes=clean_text(internal_notes, "internal_notes", 20_000), status="planned",
        created_by_id=actor.id,
    )
    existing = session.scalar(select(User).where(User.email == email))
    firm_name = _firm_name(audit_firm)
    if existing is not None:
        if existing.organization.kind != "audit_firm":
            message = (f"{email} belongs to {existing.organization.name}, which is not an "
                       "audit firm: name the auditor's own address at their firm.")
            raise field_error("auditor_email", message)
        if not existing.is_active:
            raise field_error("auditor_email", f"{email}'s account at "
                                               f"{existing.organization.name} is deactivated.")
        audit.auditor_user_id = existing.id
        audit.audit_firm_org_id = existing.org_id
        audit.audit_firm_name = existing.organization.name
    else:
        if firm_name is None:
            raise field_error("audit_firm", f"{email} has no Tierlight account yet: name the "
                                            "audit firm they will join.")
        firm = _firm_by_name(session, firm_name)
        if firm is not None and firm.kind != "audit_firm":
            raise field_error("audit_firm", f'"{firm_name}" is on Tierlight, but it is not an '
                                            "audit firm.")
        audit.audit_firm_name = firm.name if firm is not None else firm_name
        audit.audit_firm_org_id = firm.id if firm is not None else None
    session.add(audit)
    session.flush()
    if audit.auditor_user_id is None:
        _invite_auditor(session, audit, org=org, actor=actor, link_for=link_for)
    record(session, org_id=org.id, actor=actor, action="audit.created", obj=audit,
           summary=f"{scheme_name} audit of {supplier.name} on {audit_date.isoformat()}",
           details={"auditor_email": email, "assigned": audit.auditor_user_id is not None})
    return audit


def _invite_auditor(session: Session, audit: Audit, *, org: Organization, actor: User,
                    link_for: LinkFor) -> Invitation:
    role = "auditor" if audit.audit_firm_org_id is not None else "admin"
    return invite(
        session, org=org, actor=actor, email=audit.auditor_email, role=role,
        link_for=link_for, purpose=PURPOSE, replace=False,
        data={"audit_id": audit.id, "firm": audit.audit_firm_name},
        mail=InvitationMail(
            subject=f"{org.name} asks you to record an audit on Tierlight",
            template="audit_invitation",
            context={"buyer": org.name, "firm": audit.audit_firm_name or "",
                     "supplier_name": audit.supplier.name, "scheme": audit.scheme,
                     "audit_date": audit.audit_date.strftime("%d %b %Y"),
                     "inviter": actor.name or actor.email},
        ),
    )


def _accept_assignment(session: Session, invitation: Invitation, *, name: str, password: str,
                       fast_hash: bool) -> User:
    """The purpose's accept: the account in the audit firm, and the audits it was named for."""
    email = normalise_email(invitation.email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"{email} already has a Tierlight account. Ask "
                       f"{invitation.organization.name} to assign the audit to it.")
    firm_name = (invitation.data or {}).get("firm") or ""
    firm = _firm_by_name(session, firm_name) if firm_name else None
    if firm is not None and firm.kind != "audit_firm":
        raise Conflict(f'"{firm_name}" is now an organisation that is not an audit firm: ask '
                       f"{invitation.organization.name} for a new invitation.")
    role = "auditor"
    if firm is None:
        firm = create_org(session, name=firm_name, kind="audit_firm")
        role = "admin"  # a new firm's first person manages its people
    user = create_user(session, org=firm, email=email, role=role, password=password,
                       name=name, fast_hash=fast_hash)
    # Every audit still waiting for this address at this firm is theirs now.
    waiting = session.scalars(
        select(Audit).where(Audit.auditor_email == email, Audit.auditor_user_id.is_(None),
                            func.lower(Audit.audit_firm_name) == firm.name.lower())
    ).all()
    for audit in waiting:
        audit.auditor_user_id, audit.audit_firm_org_id = user.id, firm.id
    session.flush()
    # Their other invitations for those audits have nothing left to do; invitations to
    # another firm stay open.
    session.execute(
        update(Invitation).where(Invitation.purpose == PURPOSE, Invitation.email == email,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None),
                                 Invitation.id != invitation.id,
                                 Invitation.data["audit_id"].as_integer().in_(
                                     [a.id for a in waiting]))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    )
    for audit in waiting:
        record(session, org_id=audit.org_id, actor=user, action="audit.auditor_joined",
               obj=audit, summary=f"{email} ({firm.name})")
    record(session, org_id=firm.id, actor=user, action="user.joined",
           obj=user, summary=f"{email} joined as {role} through an audit assignment of "
                             f"{invitation.organization.name}")
    return user


def _wording(session: Session, invitation: Invitation) -> AcceptWording:
    """The acceptance page says what the link is for: joining the audit firm to audit this
    supplier for this buyer (not "join <buyer>", which it is not)."""
    data = invitation.data or {}
    buyer = invitation.organization.name
    firm_name = data.get("firm") or "your audit firm"
    audit = session.get(Audit, data["audit_id"]) if isinstance(data.get("audit_id"), int) \
        else None
    supplier = audit.supplier.name if audit is not None and audit.org_id == invitation.org_id \
        else "a supplier"
    firm = _firm_by_name(session, firm_name) if data.get("firm") else None
    joining = (f"You join {firm.name} on Tierlight as an auditor" if firm is not None else
               f"{firm_name} is new on Tierlight: you set it up and become its administrator")
    when = f" on {audit.audit_date:%d %b %Y}" if audit is not None else ""
    scheme = f"{audit.scheme} " if audit is not None else ""
    return AcceptWording(
        title=f"Join {firm_name} to audit {supplier} for {buyer}",
        intro=(f"{buyer} asks you to record the {scheme}audit of {supplier}{when}. {joining}. "
               "You will see the audits assigned to you and nothing else of "
               f"{buyer}'s: upload your findings and verify the corrective actions."))


def _landing(invitation: Invitation) -> tuple[str, dict[str, Any]] | None:
    audit_id = (invitation.data or {}).get("audit_id")
    return ("audits.detail", {"audit_id": audit_id}) if isinstance(audit_id, int) else None


register_purpose(Purpose(PURPOSE, lambda org: frozenset({"auditor", "admin"}),
                         _accept_assignment, wording=_wording, landing=_landing))


def is_buyer_of(user: User, audit: Audit) -> bool:
    return user.org_id == audit.org_id and user.organization.kind == "buyer"


def set_status(session: Session, audit: Audit, to: str, *, actor: User) -> Audit:
    """planned -> in_progress -> submitted -> accepted. The auditor starts and submits; the
    buyer's compliance may start it too, and accepts a submitted audit."""
    if to not in AUDIT_STATUSES:
        raise field_error("status", f"One of {', '.join(AUDIT_STATUSES)}.")
    if to == audit.status:
        return audit
    if NEXT_STATUS.get(audit.status) != to:
        allowed = NEXT_STATUS.get(audit.status)
        raise Conflict(f"An audit that is {audit.status.replace('_', ' ')} cannot become "
                       f"{to.replace('_', ' ')}; "
                       + (f"it can become {allowed.replace('_', ' ')}." if allowed
                          else "it is final."))
    buyer = is_buyer_of(actor, audit)
    auditor = audit.auditor_user_id == actor.id
    if not ((buyer and to in BUYER_MOVES) or (auditor and to in AUDITOR_MOVES)):
        who = "the assigned auditor" if to == "submitted" else "the company's compliance team"
        raise PermissionDenied(f"Only {who} can make this audit {to.replace('_', ' ')}.")
    before = audit.status
    audit.status = to
    if to == "submitted":
        audit.submitted_at = utcnow()
    if to == "accepted":
        audit.accepted_at = utcnow()
    session.flush()
    record(session, org_id=audit.org_id, actor=actor, action="audit.status_changed", obj=audit,
           summary=f"{before} -> {to}", details={"from": before, "to": to})
    if to in ("submitted", "accepted"):
        inputs_changed(session, audit.org_id, [audit.supplier_id], "audit_status")
    return audit
