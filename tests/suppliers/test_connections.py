"""Supplier connections over the API: invite by email (real SMTP), accept with a new account or
signed in, one supplier organisation for many buyers, disconnect, links that no longer work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import signals
from app.activity.models import ActivityEntry
from app.auth.models import Organization, User
from app.db import utcnow
from app.errors import Conflict, NotFound, PermissionDenied
from app.people.models import Invitation
from suppliers import services
from suppliers.models import Supplier
from tests.conftest import csrf_from, login, token_for
from tests.conftest_mail import html_of, link_in, text_of
from tests.factories import make_org, make_user
from tests.signal_helpers import received
from tests.suppliers.factories import make_supplier

GOOD = "lantern-orchard-river-77"
SENTENCE = ("{buyer} invites {supplier} to connect on Tierlight, to answer questionnaires and "
            "work on corrective actions they address to you. {buyer} will not see anything else "
            "of yours, and you will not see anything of theirs beyond what they send you.")


def _api(app, user):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = token_for(client, user.email)["Authorization"]
    return client


def _actions(db, org_id) -> list[str]:
    return list(db.scalars(select(ActivityEntry.action).where(ActivityEntry.org_id == org_id)
                           .order_by(ActivityEntry.seq)))


def invite(db, supplier, actor, email="lan@saigonstitch.example") -> str:
    """Invite through the service; the raw token of the link."""
    links: list[str] = []
    services.invite_contact(db, supplier=supplier, actor=actor, email=email,
                            link_for=lambda raw: links.append(raw) or f"http://x/connect/{raw}")
    db.commit()
    return links[0]


def _accept(client, raw, **extra):
    return client.post(f"/api/v1/invitations/{raw}/accept",
                       json={"name": "Nguyen Thi Lan", "password": GOOD, **extra})


def test_invite_by_api_email_accept_creates_the_supplier_org_and_links(app, db, smtp):
    buyer = make_org(db, "buyer", name="Northwind Apparel Test")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer, name="Saigon Stitch Test Co.")
    db.commit()
    api = _api(app, compliance)

    response = api.post(f"/api/v1/suppliers/{record.id}/connection",
                        json={"email": "Lan@SaigonStitch.example"})
    assert response.status_code == 201, response.text
    assert response.json["status"] == "pending"
    assert response.json["email"] == "lan@saigonstitch.example"
    assert response.json["expires_at"]
    shown = api.get(f"/api/v1/suppliers/{record.id}").json
    assert shown["contact_email"] == "lan@saigonstitch.example"
    assert shown["connection"]["status"] == "pending"
    assert shown["connection"]["email"] == "lan@saigonstitch.example"
    assert shown["connection"]["organization"] is None

    (mail,) = smtp.wait_for(1)
    assert mail["To"] == "lan@saigonstitch.example"
    assert " ".join(mail["Subject"].split()) == (  # a long subject is folded in transit
        "Northwind Apparel Test invites Saigon Stitch Test Co. to connect on Tierlight")
    sentence = SENTENCE.format(buyer=buyer.name, supplier=record.name)
    assert sentence in " ".join(text_of(mail).split())
    assert "Connect Saigon Stitch Test Co." in html_of(mail)
    path = link_in(mail, "/connect/")
    raw = path.rsplit("/", 1)[1]
    assert raw not in str(db.scalar(select(Invitation.token_hash)))

    page = app.test_client().get(path)
    assert page.status_code == 200
    assert 'value="Saigon Stitch Test Co."' in page.text  # the organisation's default name

    with received(signals.supplier_connected) as got:
        accepted = _accept(app.test_client(), raw)
        assert accepted.status_code == 201, accepted.text
    org = accepted.json["organization"]
    assert org["kind"] == "supplier" and org["name"] == "Saigon Stitch Test Co."
    assert accepted.json["role"] == "admin"
    assert got == [("suppliers", {"org_id": buyer.id, "supplier_id": record.id,
                                  "linked_org_id": org["id"]})]
    db.expire_all()
    assert db.get(Supplier, record.id).linked_org_id == org["id"]
    user = db.scalar(select(User).where(User.email == "lan@saigonstitch.example"))
    assert user.org_id == org["id"] and user.role == "admin"
    connected = api.get(f"/api/v1/suppliers/{record.id}").json["connection"]
    assert connected["status"] == "connected"
    assert connected["organization"] == {"id": org["id"], "name": "Saigon Stitch Test Co."}
    assert connected["connected_at"]

    steps = ["invitation.created", "supplier.connection_invited", "supplier.connected",
             "invitation.accepted"]
    assert [a for a in _actions(db, buyer.id) if a in steps] == steps
    assert "connection.created" in _actions(db, org["id"])
    # Used: the page and the API say so (404), and nothing else is created.
    assert app.test_client().get(path).status_code == 404
    assert _accept(app.test_client(), raw).status_code == 404
    assert db.scalar(select(func.count(Organization.id))
                     .where(Organization.name == "Saigon Stitch Test Co.")) == 1


def test_a_second_buyer_connects_the_same_org_signed_in(app, db):
    supplier_org = make_org(db, "supplier", name="Saigon Stitch Shared")
    admin = make_user(db, supplier_org, "admin")
    first, second = make_org(db, "buyer"), make_org(db, "buyer")
    at_first = make_supplier(db, first)
    at_first.linked_org_id, at_first.connected_at = supplier_org.id, utcnow()
    at_second = make_supplier(db, second, name="Saigon Stitch (second's record)")
    raw = invite(db, at_second, make_user(db, second, "compliance"), email=admin.email)

    client = app.test_client()
    login(client, admin.email)
    page = client.get(f"/connect/{raw}")
    assert page.status_code == 200
    assert "Connect Saigon Stitch Shared" in page.text
    assert 'name="password"' not in page.text  # signed in: no new account
    with received(signals.supplier_connected) as got:
        done = client.post(f"/connect/{raw}",
                           data={"csrf_token": csrf_from(page.text), "action": "connect"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/connections")
    assert got == [("suppliers", {"org_id": second.id, "supplier_id": at_second.id,
                                  "linked_org_id": supplier_org.id})]
    db.expire_all()
    assert db.get(Supplier, at_second.id).linked_org_id == supplier_org.id
    assert db.get(Supplier, at_first.id).linked_org_id == supplier_org.id
    invitation = db.scalar(select(Invitation).where(Invitation.org_id == second.id))
    assert invitation.status == "accepted" and invitation.accepted_user_id == admin.id
    buyers = client.get("/connections").text
    assert first.name in buyers and second.name in buyers
    assert client.post(f"/connect/{raw}", data={"csrf_token": csrf_from(page.text),
                                                "action": "connect"}).status_code == 404


def test_a_colleague_signed_in_may_accept_and_the_claim_is_single_use(app, db):
    supplier_org = make_org(db, "supplier")
    colleague = make_user(db, supplier_org, "supplier")
    other_org_user = make_user(db, make_org(db, "supplier"), "admin")
    buyer = make_org(db, "buyer")
    record = make_supplier(db, buyer)
    raw = invite(db, record, make_user(db, buyer, "compliance"), email="owner@x.example")
    services.accept_connection_signed_in(db, raw, user=colleague)
    with pytest.raises(NotFound):  # the claim is a conditional update: once only
        services.accept_connection_signed_in(db, raw, user=other_org_user)
    assert record.linked_org_id == supplier_org.id


def test_signed_in_users_of_other_kinds_get_a_clear_message(app, db):
    buyer = make_org(db, "buyer")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer)
    raw = invite(db, record, compliance, email="contact@factory.example")
    client = app.test_client()
    login(client, make_user(db, make_org(db, "audit_firm"), "auditor").email)
    page = client.get(f"/connect/{raw}")
    assert page.status_code == 200
    assert "not a supplier organisation" in page.text and "Sign out" in page.text
    refused = client.post(f"/connect/{raw}", data={"csrf_token": csrf_from(page.text),
                                                    "action": "connect"})
    assert refused.status_code == 403 and "not a supplier organisation" in refused.text
    with pytest.raises(PermissionDenied):
        services.accept_connection_signed_in(db, raw, user=compliance)
    db.rollback()
    db.expire_all()
    assert db.get(Supplier, record.id).linked_org_id is None
    assert db.scalar(select(Invitation.accepted_at).where(Invitation.org_id == buyer.id)) is None


def test_an_existing_account_is_asked_to_sign_in(app, db):
    existing = make_user(db, make_org(db, "supplier"), "supplier", email="lan@factory.example")
    buyer = make_org(db, "buyer")
    raw = invite(db, make_supplier(db, buyer), make_user(db, buyer, "compliance"),
                 email=existing.email)
    page = app.test_client().get(f"/connect/{raw}")
    assert page.status_code == 200 and "already has a Tierlight account" in page.text
    assert f"/login?next=/connect/{raw}" in page.text
    response = _accept(app.test_client(), raw)
    assert response.status_code == 409
    assert "already has a Tierlight account" in response.json["error"]["message"]
    # The old invitations page sends connection links to their own page.
    old = app.test_client().get(f"/invitations/{raw}")
    assert old.status_code == 302 and old.headers["Location"].endswith(f"/connect/{raw}")


def test_disconnect_over_api(app, db):
    supplier_org = make_org(db, "supplier", name="Penang Garments Shared")
    supplier_user = make_user(db, supplier_org, "supplier")
    buyer = make_org(db, "buyer", name="Harbour Retail Disconnects")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer)
    raw = invite(db, record, compliance, email=supplier_user.email)
    services.accept_connection_signed_in(db, raw, user=supplier_user)
    db.commit()
    client = app.test_client()
    login(client, supplier_user.email)
    assert buyer.name in client.get("/connections").text

    api = _api(app, compliance)
    with received(signals.supplier_disconnected) as got:
        assert api.delete(f"/api/v1/suppliers/{record.id}/connection").status_code == 204
    assert got == [("suppliers", {"org_id": buyer.id, "supplier_id": record.id,
                                  "linked_org_id": supplier_org.id})]
    again = api.delete(f"/api/v1/suppliers/{record.id}/connection")
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    assert api.get(f"/api/v1/suppliers/{record.id}").json["connection"]["status"] == "none"
    assert buyer.name not in client.get("/connections").text
    assert "supplier.disconnected" in _actions(db, buyer.id)
    ended = db.scalar(select(ActivityEntry).where(ActivityEntry.org_id == supplier_org.id,
                                                  ActivityEntry.action == "connection.ended"))
    assert ended.actor_email == "system"  # who at the buyer did it is the buyer's business
    assert ended.summary == f"{buyer.name} ended the connection"
    # It can be invited again.
    assert api.post(f"/api/v1/suppliers/{record.id}/connection",
                    json={"email": supplier_user.email}).status_code == 201


def test_another_tenants_or_an_archived_supplier_is_404(app, db):
    buyer, other = make_org(db, "buyer"), make_org(db, "buyer")
    compliance = make_user(db, buyer, "compliance")
    theirs = make_supplier(db, other)
    theirs.linked_org_id = make_org(db, "supplier").id
    archived = services.archive_supplier(db, make_supplier(db, buyer), actor=None)
    db.commit()
    api = _api(app, compliance)
    for sid in (theirs.id, archived.id, 2**31 - 1):
        invited = api.post(f"/api/v1/suppliers/{sid}/connection", json={"email": "a@b.example"})
        assert invited.status_code == 404
        bad_body = api.post(f"/api/v1/suppliers/{sid}/connection", json={"email": "<b>"})
        assert bad_body.status_code == 404  # 404 before the body is read
        assert api.delete(f"/api/v1/suppliers/{sid}/connection").status_code == 404
    db.expire_all()
    assert db.get(Supplier, theirs.id).linked_org_id is not None
    assert db.scalar(select(func.count(Invitation.id)).where(Invitation.org_id == buyer.id)) == 0
    supplier_api = _api(app, make_user(db, make_org(db, "supplier"), "admin"))
    assert supplier_api.post(f"/api/v1/suppliers/{theirs.id}/connection",
                             json={"email": "a@b.example"}).status_code == 403


def test_used_replaced_revoked_and_expired_links_are_404(app, db):
    buyer = make_org(db, "buyer")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer)
    first = invite(db, record, compliance)
    second = invite(db, record, compliance, email="other@factory.example")  # replaces it
    client = app.test_client()
    for raw in (first,):
        assert client.get(f"/connect/{raw}").status_code == 404
        assert _accept(client, raw).status_code == 404
    assert client.get(f"/connect/{second}").status_code == 200
    services.revoke_contact_invitation(db, supplier=record, actor=compliance)
    db.commit()
    assert client.get(f"/connect/{second}").status_code == 404
    with pytest.raises(Conflict):
        services.revoke_contact_invitation(db, supplier=record, actor=compliance)
    third = invite(db, record, compliance)
    invitation = db.scalar(select(Invitation).where(Invitation.org_id == buyer.id)
                           .order_by(Invitation.id.desc()))
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    page = client.get(f"/connect/{third}")
    assert page.status_code == 404 and "expired" in page.text
    assert _accept(client, third).status_code == 404
    assert client.get("/connect/not-a-token").status_code == 404
    assert db.get(Supplier, record.id).linked_org_id is None


def test_an_invitation_for_one_record_leaves_the_others_open(app, db):
    """One contact for two sites: two records, two invitations to the same address."""
    buyer = make_org(db, "buyer")
    compliance = make_user(db, buyer, "compliance")
    north, south = make_supplier(db, buyer), make_supplier(db, buyer)
    raw_north = invite(db, north, compliance, email="group@factory.example")
    raw_south = invite(db, south, compliance, email="group@factory.example")
    client = app.test_client()
    assert client.get(f"/connect/{raw_north}").status_code == 200
    assert client.get(f"/connect/{raw_south}").status_code == 200


def test_the_organisation_name_can_clash(app, db):
    make_org(db, "supplier", name="Dhaka Denim Works Clash")
    buyer = make_org(db, "buyer")
    raw = invite(db, make_supplier(db, buyer, name="Dhaka Denim Works Clash"),
                 make_user(db, buyer, "compliance"))
    taken = _accept(app.test_client(), raw)
    assert taken.status_code == 409
    assert taken.json["error"]["details"][0]["field"] == "organization"
    assert "Dhaka Denim Works Clash" in taken.json["error"]["message"]
    lower = _accept(app.test_client(), raw, organization="dhaka denim works clash")
    assert lower.status_code == 409  # names are unique whatever their case
    too_long = _accept(app.test_client(), raw, organization="D" * 201)
    assert too_long.status_code == 422
    assert too_long.json["error"]["details"][0]["field"] == "organization"
    # The page shows the problem beside the field, and the link still works.
    client = app.test_client()
    page = client.get(f"/connect/{raw}")
    clash = client.post(f"/connect/{raw}", data={
        "csrf_token": csrf_from(page.text), "organization": "Dhaka Denim Works Clash",
        "name": "Rahim", "password": GOOD, "confirm": GOOD})
    assert clash.status_code == 409 and "is on Tierlight already" in clash.text
    made = client.post(f"/connect/{raw}", data={
        "csrf_token": csrf_from(page.text), "organization": "Dhaka Denim Works (Savar)",
        "name": "Rahim", "password": GOOD, "confirm": GOOD})
    assert made.status_code == 302, made.text
    org = db.scalar(select(Organization).where(Organization.name == "Dhaka Denim Works (Savar)"))
    assert org.kind == "supplier"
    assert login(app.test_client(), "lan@saigonstitch.example", GOOD).status_code == 302


def test_invite_refuses_a_connected_supplier_and_the_buyers_own_people(app, db):
    buyer = make_org(db, "buyer")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer)
    record.linked_org_id = make_org(db, "supplier").id
    db.commit()
    api = _api(app, compliance)
    connected = api.post(f"/api/v1/suppliers/{record.id}/connection",
                         json={"email": "a@factory.example"})
    assert connected.status_code == 409 and "connected already" in connected.json["error"][
        "message"]
    other = make_supplier(db, buyer)
    db.commit()
    own = api.post(f"/api/v1/suppliers/{other.id}/connection", json={"email": compliance.email})
    assert own.status_code == 409
    assert own.json["error"]["details"][0]["field"] == "email"


def test_the_supplier_list_shows_each_connection_state(app, db):
    buyer = make_org(db, "buyer")
    compliance = make_user(db, buyer, "compliance")
    none = make_supplier(db, buyer, contact_email="none@factory.example")
    pending = make_supplier(db, buyer)
    connected = make_supplier(db, buyer)
    org = make_org(db, "supplier")
    invite(db, pending, compliance, email="pending@factory.example")
    connected.linked_org_id = org.id
    db.commit()
    items = {s["id"]: s for s in _api(app, compliance).get("/api/v1/suppliers").json["items"]}
    assert items[none.id]["connection"] == {
        "status": "none", "organization": None, "email": "none@factory.example",
        "connected_at": None, "expires_at": None}
    assert items[pending.id]["connection"]["status"] == "pending"
    assert items[pending.id]["connection"]["expires_at"]
    assert items[connected.id]["connection"]["organization"] == {"id": org.id, "name": org.name}


def test_the_people_page_lists_only_invitations_to_join(app, db):
    buyer = make_org(db, "buyer")
    admin = make_user(db, buyer, "admin")
    invite(db, make_supplier(db, buyer), admin, email="factory-contact@factory.example")
    client = app.test_client()
    login(client, admin.email)
    page = client.get("/people")
    assert "factory-contact@factory.example" not in page.text
    assert "No open invitations." in page.text
