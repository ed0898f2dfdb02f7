"""Supplier connections in the pages: the Connection box of the supplier page (invite, send
again, revoke, disconnect), and what a supplier organisation's people see of their buyers."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.auth.models import User
from app.cli import seed_demo
from app.people.models import Invitation
from suppliers import services
from suppliers.demo_connections import CONNECTED, PENDING
from suppliers.models import Supplier
from tests.conftest import csrf_from, login
from tests.conftest_mail import link_in
from tests.factories import make_org, make_user
from tests.suppliers.factories import link, make_supplier
from tests.suppliers.test_connections import GOOD, invite


def _box(html: str) -> str:
    found = re.search(r'<section class="card" id="connection">(.*?)</section>', html, re.S)
    assert found, "no Connection box"
    return found.group(1)


def test_invite_send_again_and_revoke_from_the_supplier_page(logged_in, db, compliance_user,
                                                             smtp):
    record = make_supplier(db, compliance_user.org, name="Bursa Tekstil Page",
                           contact_email="info@bursatekstil.example")
    db.commit()
    url = f"/suppliers/{record.id}"
    page = logged_in.get(url)
    box = _box(page.text)
    assert "not connected" in box and "Invite the supplier&#39;s contact" in box
    assert 'value="info@bursatekstil.example"' in box  # prefilled with the contact
    sent = logged_in.post(f"{url}/connection", data={"csrf_token": csrf_from(page.text),
                                                     "email": "Export@BursaTekstil.example"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"{url}#connection")
    (first_mail,) = smtp.wait_for(1)
    first_link = link_in(first_mail, "/connect/")

    page = logged_in.get(url)
    box = _box(page.text)
    assert "invitation open" in box and "export@bursatekstil.example" in box
    assert "Expires" in box and "Send again" in box and "Revoke" in box
    assert "Contact email</dt><dd>export@bursatekstil.example" in page.text

    again = logged_in.post(f"{url}/connection", data={"csrf_token": csrf_from(page.text),
                                                      "email": "export@bursatekstil.example"})
    assert again.status_code == 302
    mails = smtp.wait_for(2)
    assert len(mails) == 2
    second_link = link_in(mails[1], "/connect/")
    assert logged_in.application.test_client().get(first_link).status_code == 404
    assert logged_in.application.test_client().get(second_link).status_code == 200

    revoked = logged_in.post(f"{url}/connection/revoke",
                             data={"csrf_token": csrf_from(page.text)})
    assert revoked.status_code == 302
    assert logged_in.application.test_client().get(second_link).status_code == 404
    assert "not connected" in _box(logged_in.get(url).text)
    nothing = logged_in.post(f"{url}/connection/revoke", data={"csrf_token": csrf_from(page.text)})
    assert nothing.status_code == 409


def test_a_bad_address_is_shown_beside_the_field(logged_in, db, compliance_user):
    record = make_supplier(db, compliance_user.org)
    db.commit()
    page = logged_in.get(f"/suppliers/{record.id}")
    for bad in ('"><script>alert(1)</script>@x.example', "lan@", "lan nguyen@x.example"):
        response = logged_in.post(f"/suppliers/{record.id}/connection",
                                  data={"csrf_token": csrf_from(page.text), "email": bad})
        assert response.status_code == 422, bad
        assert "is not an email address" in _box(response.text)
        assert "<script>alert(1)" not in response.text
    empty = logged_in.post(f"/suppliers/{record.id}/connection",
                           data={"csrf_token": csrf_from(page.text), "email": ""})
    assert empty.status_code == 422
    assert db.scalar(select(func.count(Invitation.id))
                     .where(Invitation.org_id == compliance_user.org_id)) == 0


def test_connected_box_and_disconnect_through_a_confirmation(logged_in, db, compliance_user):
    supplier_org = make_org(db, "supplier", name="Penang Garments Portal")
    record = make_supplier(db, compliance_user.org)
    raw = invite(db, record, compliance_user, email="hr@penang.example")
    services.accept_connection_signed_in(db, raw, user=make_user(db, supplier_org, "admin"))
    db.commit()
    url = f"/suppliers/{record.id}"
    box = _box(logged_in.get(url).text)
    assert "Connected to <strong>Penang Garments Portal</strong> since" in box
    assert f"/suppliers/{record.id}/disconnect" in box

    confirm = logged_in.get(f"{url}/disconnect")
    assert confirm.status_code == 200 and "Disconnect " in confirm.text
    assert "<script" not in confirm.text  # a plain form: the CSP forbids inline scripts
    done = logged_in.post(f"{url}/disconnect", data={"csrf_token": csrf_from(confirm.text)})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(Supplier, record.id).linked_org_id is None
    assert "not connected" in _box(logged_in.get(url).text)
    # Not connected: the confirmation page sends you back.
    assert logged_in.get(f"{url}/disconnect").status_code == 302


def test_the_contact_email_is_edited_on_the_form_not_in_spreadsheets(logged_in, db,
                                                                      compliance_user):
    record = make_supplier(db, compliance_user.org, name="Tiruppur Contact Mill")
    db.commit()
    form = logged_in.get(f"/suppliers/{record.id}/edit")
    assert 'name="contact_email"' in form.text
    data = {"csrf_token": csrf_from(form.text), "name": record.name, "country": record.country,
            "kind": record.kind, "contact_email": "Mill@Tiruppur.example",
            "version": str(record.version)}
    assert logged_in.post(f"/suppliers/{record.id}/edit", data=data).status_code == 302
    db.expire_all()
    assert db.get(Supplier, record.id).contact_email == "mill@tiruppur.example"
    bad = logged_in.post(f"/suppliers/{record.id}/edit", data={
        **data, "contact_email": "<b>mill</b>@x.example",
        "version": str(db.get(Supplier, record.id).version)})
    assert bad.status_code == 200 and "is not an email address" in bad.text
    csv_text = logged_in.get("/suppliers/export?format=csv").text
    assert "contact_email" not in csv_text and "mill@tiruppur.example" not in csv_text


def test_supplier_people_see_their_buyers_names_and_nothing_else(app, db):
    supplier_org = make_org(db, "supplier", name="Saigon Stitch Sees Little")
    contact = make_user(db, supplier_org, "supplier")
    admin = make_user(db, supplier_org, "admin")
    buyer = make_org(db, "buyer", name="Northwind Sees Much")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer, name="SAIGON-INTERNAL-RECORD-NAME",
                           external_id="NW-SECRET-REF")
    other = make_supplier(db, buyer, name="Dhaka Denim Other Supplier")
    link(db, buyer, record, other)
    services.set_risk(db, org_id=buyer.id, scores={record.id: (87.5, "critical")})
    raw = invite(db, record, compliance, email=contact.email)
    services.accept_connection_signed_in(db, raw, user=contact)
    db.commit()

    for user in (contact, admin):
        client = app.test_client()
        login(client, user.email)
        page = client.get("/connections")
        assert page.status_code == 200
        assert "Northwind Sees Much" in page.text
        for secret in ("SAIGON-INTERNAL-RECORD-NAME", "NW-SECRET-REF", "Dhaka Denim Other",
                       "87.5", "critical", compliance.email):
            assert secret not in page.text, secret
        dashboard = client.get("/")
        assert "Buyers" in dashboard.text and "buyers connected" in dashboard.text
        assert "Supply network" not in dashboard.text
        for path in (f"/suppliers/{record.id}", "/suppliers", "/suppliers/network"):
            assert client.get(path).status_code in (403, 404), path
    api = app.test_client()
    from tests.conftest import token_for

    api.environ_base["HTTP_AUTHORIZATION"] = token_for(api, contact.email)["Authorization"]
    for path in (f"/api/v1/suppliers/{record.id}", "/api/v1/suppliers", "/api/v1/network",
                 f"/api/v1/suppliers/{record.id}/upstream"):
        assert api.get(path).status_code in (403, 404), path


def test_the_buyers_card_is_for_supplier_organisations_only(app, db):
    for kind, role in (("buyer", "admin"), ("audit_firm", "admin"), ("regulator", "admin")):
        client = app.test_client()
        login(client, make_user(db, make_org(db, kind), role).email)
        db.commit()
        page = client.get("/")
        assert "buyers connected" not in page.text, kind
    lonely = make_user(db, make_org(db, "supplier"), "admin")
    db.commit()
    client = app.test_client()
    login(client, lonely.email)
    assert "buyers connected" in client.get("/").text  # 0, and a link to the page
    assert "No buyer is connected" in client.get("/connections").text


def test_a_new_account_from_the_page_signs_in_and_sees_the_buyer(app, db):
    buyer = make_org(db, "buyer", name="Harbour Retail Welcome")
    raw = invite(db, make_supplier(db, buyer, name="Kathmandu Knit Works"),
                 make_user(db, buyer, "compliance"), email="owner@kathmanduknit.example")
    client = app.test_client()
    page = client.get(f"/connect/{raw}")
    assert "Create the account and connect" in page.text
    made = client.post(f"/connect/{raw}", data={
        "csrf_token": csrf_from(page.text), "organization": "Kathmandu Knit Works",
        "name": "Sita Thapa", "password": GOOD, "confirm": GOOD})
    assert made.status_code == 302 and made.headers["Location"].endswith("/login")
    user = db.scalar(select(User).where(User.email == "owner@kathmanduknit.example"))
    assert user.role == "admin" and user.organization.kind == "supplier"
    assert login(client, user.email, GOOD).status_code == 302
    assert "Harbour Retail Welcome" in client.get("/connections").text


def test_demo_connects_saigon_stitch_once_and_leaves_penang_pending(app, db):
    with app.app_context():
        orgs = seed_demo(db)
        seed_demo(db)
    buyer, supplier_org = orgs["buyer"], orgs["supplier"]
    connected = db.scalar(select(Supplier).where(Supplier.org_id == buyer.id,
                                                 Supplier.external_id == CONNECTED[0]))
    assert connected.linked_org_id == supplier_org.id and connected.connected_at
    pending = db.scalar(select(Supplier).where(Supplier.org_id == buyer.id,
                                               Supplier.external_id == PENDING[0]))
    assert pending.linked_org_id is None and pending.contact_email == PENDING[1]
    invitations = db.scalars(select(Invitation).where(
        Invitation.org_id == buyer.id, Invitation.purpose == "connect_supplier")).all()
    assert sorted(i.status for i in invitations) == ["accepted", "pending"]
