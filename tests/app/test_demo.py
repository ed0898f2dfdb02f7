"""The shell's demo data: idempotent, and it shows an open invitation in the outbox."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cli import seed_demo
from app.mail import OutboxMessage
from app.people.demo import DEMO_INVITEE
from app.people.models import Invitation


def test_seed_demo_twice_leaves_one_open_invitation_and_one_message(app, db):
    with app.app_context():
        orgs = seed_demo(db)
        seed_demo(db)
    buyer = orgs["buyer"]
    invitations = db.scalars(select(Invitation).where(Invitation.org_id == buyer.id,
                                                      Invitation.email == DEMO_INVITEE)).all()
    assert len(invitations) == 1 and invitations[0].role == "compliance"
    messages = db.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.org_id == buyer.id, OutboxMessage.to_address == DEMO_INVITEE))
    assert messages == 1
