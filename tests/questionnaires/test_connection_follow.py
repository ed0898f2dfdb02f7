"""Assignments follow the supplier record's connection (signals from suppliers): connecting
addresses them to the supplier organisation; disconnecting takes back the open ones, while
the supplier keeps what it submitted."""

from __future__ import annotations

from sqlalchemy import select

from app.people.models import Invitation
from questionnaires.models import Assignment
from suppliers.services import connection
from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.questionnaires.access import sent_assignment
from tests.questionnaires.test_api_flow import FEES, fill_required


def test_connect_then_disconnect(app, db):
    buyer = make_org(db)
    compliance = make_user(db, buyer, "compliance")
    open_one, _ = sent_assignment(db, buyer)
    supplier = open_one.supplier
    submitted, token = sent_assignment(db, buyer)
    submitted.supplier_id = supplier.id  # the same supplier record, another questionnaire
    supplier_org = make_org(db, "supplier")
    admin = make_user(db, supplier_org, "admin")
    links: list[str] = []
    connection.invite_contact(db, supplier=supplier, actor=compliance, email=admin.email,
                              link_for=lambda raw: links.append(raw) or f"http://x/{raw}")
    db.commit()
    assert open_one.supplier_org_id is None

    connection.accept_connection_signed_in(db, links[0], user=admin)
    with app.app_context():  # as in a request: the signal's receiver runs after the commit
        db.commit()
    db.expire_all()
    assert db.get(Assignment, open_one.id).supplier_org_id == supplier_org.id
    client = app.test_client()
    as_supplier = token_for(client, admin.email)
    listed = client.get("/api/v1/assignments", headers=as_supplier).json
    assert {a["id"] for a in listed["items"]} == {open_one.id, submitted.id}

    fill_required(client, token, FEES)
    assert client.post(f"/api/v1/portal/{token}/submit",
                       json={"attestation": {"name": "Ram"}}).status_code == 200
    connection.disconnect(db, supplier=db.get(type(supplier), supplier.id), actor=compliance)
    with app.app_context():
        db.commit()
    db.expire_all()
    assert db.get(Assignment, open_one.id).supplier_org_id is None
    assert db.get(Assignment, submitted.id).supplier_org_id == supplier_org.id
    listed = client.get("/api/v1/assignments", headers=as_supplier).json
    assert [a["id"] for a in listed["items"]] == [submitted.id]
    assert client.get(f"/api/v1/assignments/{open_one.id}",
                      headers=as_supplier).status_code == 404
    invitation = db.scalar(select(Invitation).where(Invitation.org_id == buyer.id))
    assert invitation.status == "accepted"
