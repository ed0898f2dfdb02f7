"""Demo connections: Northwind's record of Saigon Stitch Co. is connected to the demo supplier
organisation (sign in as supplier@saigonstitch.example, printed by `flask seed-demo`), and an
invitation to Penang Garment Industries' contact is open. Both made through the real
services, once: a record that was ever invited is left alone on later runs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.people.models import Invitation
from suppliers.connections import PURPOSE
from suppliers.models import Supplier
from suppliers.services.connection import accept_connection_signed_in, invite_contact

DEMO_SITE = "http://127.0.0.1:5000"  # the address `make run` serves
CONNECTED = ("T1-VN-01", "supplier@saigonstitch.example")  # accepted by that user
PENDING = ("T1-MY-03", "compliance@penanggarment.example")  # left open


def _invited_before(session: Session, supplier: Supplier) -> bool:
    return session.scalar(
        select(Invitation.id).where(
            Invitation.org_id == supplier.org_id, Invitation.purpose == PURPOSE,
            Invitation.data["supplier_id"].as_integer() == supplier.id,
        ).limit(1)
    ) is not None


def seed(session: Session, orgs: dict) -> None:
    buyer, supplier_org = orgs.get("buyer"), orgs.get("supplier")
    if buyer is None or supplier_org is None:
        return
    inviter = session.scalar(select(User).where(User.org_id == buyer.id,
                                                User.role == "compliance").order_by(User.id))
    contact = session.scalar(select(User).where(User.org_id == supplier_org.id)
                             .order_by(User.id))
    if inviter is None or contact is None:
        return
    for (external_id, email), accept in ((CONNECTED, True), (PENDING, False)):
        supplier = session.scalar(select(Supplier).where(Supplier.org_id == buyer.id,
                                                         Supplier.external_id == external_id))
        if supplier is None or supplier.linked_org_id is not None \
                or _invited_before(session, supplier):
            continue
        links: list[str] = []
        invite_contact(session, supplier=supplier, actor=inviter, email=email,
                       link_for=lambda raw, links=links: links.append(raw)
                       or f"{DEMO_SITE}/connect/{raw}")
        if accept:
            accept_connection_signed_in(session, links[0], user=contact)
