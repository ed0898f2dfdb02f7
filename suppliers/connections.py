"""The read side of supplier connections: a record's connection state, and the buyers a
supplier organisation is connected to (changes: services/connection.py).

A record is `connected` when it links a supplier organisation (`linked_org_id`), `pending`
while a connection invitation for it is open, `none` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import Organization, User
from app.db import utcnow
from app.people.models import Invitation
from app.sharing import Principal
from suppliers.models import Supplier
from suppliers.sharing import connected_records

PURPOSE = "connect_supplier"  # the invitations' purpose (app.people.services.PURPOSES)
IN_CHUNK = 900  # stay under SQLite's bound-parameter limits


@dataclass(frozen=True)
class Connection:
    status: str  # none | pending | connected
    email: str | None  # the pending invitation's address, else the record's contact
    org_id: int | None = None
    org_name: str | None = None
    connected_at: datetime | None = None
    invitation: Invitation | None = None  # the open one, while pending

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "organization": ({"id": self.org_id, "name": self.org_name}
                             if self.org_id is not None else None),
            "email": self.email,
            "connected_at": self.connected_at.isoformat() if self.connected_at else None,
            "expires_at": (self.invitation.expires_at.isoformat()
                           if self.invitation is not None else None),
        }


def pending_invitations(session: Session, org_id: int, supplier_ids: Iterable[int]
                        ) -> dict[int, Invitation]:
    """The newest open connection invitation of each of these suppliers of the organisation."""
    ids = sorted(set(supplier_ids))
    target = Invitation.data["supplier_id"].as_integer()
    found: dict[int, Invitation] = {}
    for i in range(0, len(ids), IN_CHUNK):
        stmt = (
            select(Invitation)
            .where(Invitation.org_id == org_id, Invitation.purpose == PURPOSE,
                   Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                   Invitation.expires_at > utcnow(), target.in_(ids[i:i + IN_CHUNK]))
            .order_by(Invitation.id)
        )
        for invitation in session.scalars(stmt):
            found[int(invitation.data["supplier_id"])] = invitation  # the newest wins
    return found


def connections(session: Session, suppliers: Iterable[Supplier]) -> dict[int, Connection]:
    """Each supplier's connection, in two queries whatever the number of suppliers."""
    suppliers = list(suppliers)
    linked = sorted({s.linked_org_id for s in suppliers if s.linked_org_id is not None})
    names: dict[int, str] = {}
    for i in range(0, len(linked), IN_CHUNK):
        names.update(session.execute(
            select(Organization.id, Organization.name)
            .where(Organization.id.in_(linked[i:i + IN_CHUNK]))
        ).all())
    pending: dict[int, Invitation] = {}
    by_org: dict[int, list[int]] = {}
    for s in suppliers:
        if s.linked_org_id is None:
            by_org.setdefault(s.org_id, []).append(s.id)
    for org_id, ids in by_org.items():
        pending.update(pending_invitations(session, org_id, ids))
    found = {}
    for s in suppliers:
        if s.linked_org_id is not None:
            found[s.id] = Connection("connected", s.contact_email, s.linked_org_id,
                                     names.get(s.linked_org_id), s.connected_at)
        elif s.id in pending:
            found[s.id] = Connection("pending", pending[s.id].email, invitation=pending[s.id])
        else:
            found[s.id] = Connection("none", s.contact_email)
    return found


def connection(session: Session, supplier: Supplier) -> Connection:
    return connections(session, [supplier])[supplier.id]


def invited_record(session: Session, invitation: Invitation) -> Supplier | None:
    """The buyer's live record a connection invitation is for (None if gone or archived)."""
    supplier_id = (invitation.data or {}).get("supplier_id")
    if invitation.purpose != PURPOSE or not isinstance(supplier_id, int):
        return None
    return session.scalar(select(Supplier).where(
        Supplier.id == supplier_id, Supplier.org_id == invitation.org_id,
        Supplier.archived_at.is_(None)))


def has_account(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == email)) is not None


@dataclass(frozen=True)
class ConnectedBuyer:
    """What a supplier organisation may know of a buyer connected to it: its name, and
    since when. Nothing else (not the buyer's record of it, nor its network)."""

    name: str
    since: datetime | None


def connected_buyers(session: Session, user: Principal) -> list[ConnectedBuyer]:
    """The buyers whose live records are connected to the user's organisation, by name."""
    records = connected_records.query(user).subquery()
    rows = session.execute(
        select(Organization.name, func.min(records.c.connected_at))
        .join(records, records.c.org_id == Organization.id)
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    ).all()
    return [ConnectedBuyer(name, since) for name, since in rows]
