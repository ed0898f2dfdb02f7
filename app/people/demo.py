"""Demo data of the people area: an open invitation from Northwind's admin, so the People page
and the Outbox show what an invitation looks like. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.people.models import Invitation
from app.people.services import invite

DEMO_INVITEE = "procurement@northwind.example"
DEMO_SITE = "http://127.0.0.1:5000"  # the address `make run` serves


def seed(session, orgs: dict) -> None:
    buyer = orgs["buyer"]
    if session.scalar(select(Invitation.id).where(Invitation.org_id == buyer.id,
                                                  Invitation.email == DEMO_INVITEE)):
        return
    admin = session.scalar(select(User).where(User.org_id == buyer.id, User.role == "admin"))
    if admin is None:
        return
    invite(session, org=buyer, actor=admin, email=DEMO_INVITEE, role="compliance",
           link_for=lambda raw: f"{DEMO_SITE}/invitations/{raw}")
