"""Connecting a buyer's supplier record to a supplier organisation (DESIGN.md section 5).

Compliance invites the supplier's contact (`invite_contact`). The emailed link is an
invitation of purpose "connect_supplier" (app/people): accepting it with a new account
creates the supplier organisation and its first user, an admin (the purpose's accept); a
person signed in to a supplier organisation links theirs (`accept_connection_signed_in`).
One supplier organisation can be connected to many buyers: each buyer's record links the
same organisation. The buyer can disconnect. Every step is in the activity log, and
`supplier_connected` / `supplier_disconnected` go out after commit. Services flush; the
caller commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app import signals
from app.activity.services import record
from app.auth.models import Organization, User
from app.auth.services import create_org, create_user
from app.db import utcnow
from app.errors import Conflict, NotFound, PermissionDenied, field_error
from app.people.models import Invitation
from app.people.services import (
    InvitationMail,
    LinkFor,
    Purpose,
    claim_invitation,
    invite,
    open_invitation,
    register_purpose,
    revoke_invitation,
)
from suppliers.connections import PURPOSE, pending_invitations
from suppliers.models import Supplier
from suppliers.services.suppliers import clean_contact_email

CONNECTOR_ROLES = frozenset({"admin", "supplier"})  # of a supplier organisation


def can_connect(user: Any) -> bool:
    """Whether a signed-in user may connect their organisation to a buyer's record."""
    return user.organization.kind == "supplier" and user.role in CONNECTOR_ROLES


def _buyer(session: Session, supplier: Supplier) -> Organization:
    buyer = session.get(Organization, supplier.org_id)
    assert buyer is not None  # the foreign key says so
    return buyer


def _close_open_invitations(session: Session, supplier: Supplier) -> None:
    """Older open invitations for the record stop working (the newest, or the link, wins)."""
    session.execute(
        update(Invitation)
        .where(Invitation.org_id == supplier.org_id, Invitation.purpose == PURPOSE,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.data["supplier_id"].as_integer() == supplier.id)
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def invite_contact(
    session: Session, *, supplier: Supplier, actor: User, email: Any, link_for: LinkFor
) -> Invitation:
    """Email the supplier's contact a link to connect; it becomes the record's contact."""
    email = clean_contact_email(email, "email")
    if email is None:
        raise field_error("email", "The contact's email address is required.")
    if supplier.archived_at is not None:
        raise Conflict(f"{supplier.name} is archived: restore it before inviting its contact.")
    if supplier.linked_org_id is not None:
        raise Conflict(f"{supplier.name} is connected already. Disconnect it first to connect "
                       "it to another organisation.")
    buyer = _buyer(session, supplier)
    if session.scalar(select(User.id).where(User.org_id == buyer.id, User.email == email)):
        message = f"{email} belongs to {buyer.name}: invite the supplier's own contact."
        raise Conflict(message, [{"field": "email", "message": message}])
    _close_open_invitations(session, supplier)
    invitation = invite(
        session, org=buyer, actor=actor, email=email, role="admin", link_for=link_for,
        purpose=PURPOSE, data={"supplier_id": supplier.id}, replace=False,
        mail=InvitationMail(
            subject=f"{buyer.name} invites {supplier.name} to connect on Tierlight",
            template="connection_invitation",
            context={"buyer": buyer.name, "supplier_name": supplier.name,
                     "inviter": actor.name or actor.email},
        ),
    )
    supplier.contact_email = email
    session.flush()
    record(
        session, org_id=buyer.id, actor=actor, action="supplier.connection_invited",
        obj=supplier, object_type="supplier", summary=f"{supplier.name}: {email}",
        details={"invitation_id": invitation.id},
    )
    return invitation


def revoke_contact_invitation(session: Session, *, supplier: Supplier, actor: User
                              ) -> Invitation:
    """The open connection invitation for the record stops working."""
    invitation = pending_invitations(session, supplier.org_id, [supplier.id]).get(supplier.id)
    if invitation is None:
        raise Conflict(f"No connection invitation for {supplier.name} is open.")
    revoke_invitation(session, actor=actor, invitation=invitation)
    _close_open_invitations(session, supplier)  # older ones too, if any remained
    return invitation


def _invited_supplier(session: Session, invitation: Invitation) -> Supplier:
    """The record the invitation connects, locked; NotFound or Conflict when it cannot be."""
    supplier_id = (invitation.data or {}).get("supplier_id")
    supplier = None
    if isinstance(supplier_id, int):
        supplier = session.scalar(
            select(Supplier)
            .where(Supplier.id == supplier_id, Supplier.org_id == invitation.org_id)
            .with_for_update().execution_options(populate_existing=True)
        )
    buyer = invitation.organization.name
    if supplier is None or supplier.archived_at is not None:
        raise NotFound(f"{buyer} no longer keeps the supplier record this invitation was for. "
                       f"Ask {buyer} for a new invitation if you still want to connect.")
    if supplier.linked_org_id is not None:
        raise Conflict(f"{buyer}'s record of {supplier.name} is connected to an organisation "
                       f"already. If that is not yours, ask {buyer} about it.")
    return supplier


def _organisation_name(session: Session, given: Any, supplier: Supplier) -> str:
    name = (given if given is not None else supplier.name)
    name = name.strip() if isinstance(name, str) else ""
    # C0 and C1 controls alike (the importer drops both from supplier names).
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name) or not name or len(name) > 200:
        raise field_error("organization", "The name of your organisation on Tierlight, 1 to "
                                          "200 characters without control characters.")
    if session.scalar(select(Organization.id)
                      .where(func.lower(Organization.name) == name.lower())):
        message = (f'An organisation called "{name}" is on Tierlight already. If it is yours, '
                   "sign in with its account and open the link again; otherwise choose "
                   "another name (for example with your city).")
        raise Conflict(message, [{"field": "organization", "message": message}])
    return name


def _link(session: Session, supplier: Supplier, org: Organization, *, actor: User,
          invitation: Invitation) -> None:
    supplier.linked_org_id = org.id
    supplier.connected_at = utcnow()
    _close_open_invitations(session, supplier)  # nothing left for them to connect
    session.flush()
    buyer = invitation.organization
    record(
        session, org_id=supplier.org_id, actor=actor, action="supplier.connected",
        obj=supplier, object_type="supplier", summary=f"{supplier.name} -> {org.name}",
        details={"linked_org_id": org.id, "invitation_id": invitation.id},
    )
    # The supplier's own log names the buyer and nothing else of it.
    record(
        session, org_id=org.id, actor=actor, action="connection.created",
        object_type="organisation", object_id=buyer.id, summary=f"Connected to {buyer.name}",
    )
    signals.queue(session, signals.supplier_connected, "suppliers", org_id=supplier.org_id,
                  supplier_id=supplier.id, linked_org_id=org.id)


def _accept_with_new_account(
    session: Session, invitation: Invitation, *, name: str, password: str, fast_hash: bool,
    organization: str | None = None,
) -> User:
    """The purpose's accept: a new supplier organisation (named after the buyer's record
    unless `organization` is given), its first user, an admin, and the link."""
    if session.scalar(select(User.id).where(User.email == invitation.email)) is not None:
        raise Conflict(f"{invitation.email} already has a Tierlight account. Sign in with it, "
                       "then open the invitation link again to connect your organisation.")
    supplier = _invited_supplier(session, invitation)
    org_name = _organisation_name(session, organization, supplier)
    org = create_org(session, name=org_name, kind="supplier")
    user = create_user(session, org=org, email=invitation.email, role="admin",
                       password=password, name=name, fast_hash=fast_hash)
    _link(session, supplier, org, actor=user, invitation=invitation)
    return user


register_purpose(Purpose(
    PURPOSE, lambda org: frozenset({"admin"}), _accept_with_new_account,
    fields=("organization",), page="suppliers.connect",
))


def accept_connection_signed_in(session: Session, raw: str, *, user: User) -> Supplier:
    """Connect the signed-in user's supplier organisation through the invitation `raw`."""
    invitation = open_invitation(session, raw)
    if invitation.purpose != PURPOSE:
        raise NotFound("This link is not an invitation to connect a supplier.")
    if not can_connect(user):
        raise PermissionDenied(
            f"You are signed in to {user.organization.name}, which is not a supplier "
            "organisation: only a supplier organisation can be connected. Sign out, then "
            "open the link again to create your supplier organisation's account, or sign in "
            "with it."
        )
    supplier = _invited_supplier(session, invitation)
    claim_invitation(session, invitation)
    invitation.accepted_user_id = user.id
    _link(session, supplier, user.organization, actor=user, invitation=invitation)
    record(
        session, org_id=invitation.org_id, actor=user, action="invitation.accepted",
        obj=invitation, summary=f"{user.email} ({PURPOSE}, signed in)",
    )
    return supplier


def disconnect(session: Session, *, supplier: Supplier, actor: User) -> Supplier:
    """The record no longer links the supplier organisation (which keeps its own data)."""
    if supplier.linked_org_id is None:
        raise Conflict(f"{supplier.name} is not connected.")
    org = session.get(Organization, supplier.linked_org_id)
    assert org is not None  # the foreign key says so
    supplier.linked_org_id = None
    supplier.connected_at = None
    session.flush()
    buyer = _buyer(session, supplier)
    record(
        session, org_id=supplier.org_id, actor=actor, action="supplier.disconnected",
        obj=supplier, object_type="supplier", summary=f"{supplier.name} from {org.name}",
        details={"linked_org_id": org.id},
    )
    # No actor in the supplier's log: who at the buyer did it is the buyer's business.
    record(
        session, org_id=org.id, actor=None, action="connection.ended",
        object_type="organisation", object_id=buyer.id,
        summary=f"{buyer.name} ended the connection",
    )
    signals.queue(session, signals.supplier_disconnected, "suppliers", org_id=supplier.org_id,
                  supplier_id=supplier.id, linked_org_id=org.id)
    return supplier
