"""Hostile input to supplier connections: NUL and control characters, markup in addresses and
names, wrong types, tampered links. Every one is a 422 (or 404 for links), never a 500, and
markup stays text. Run on PostgreSQL too (PITFALLS: SQLite is lenient)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.mail import deliver_pending
from app.people.models import Invitation
from suppliers.models import Supplier
from tests.conftest import login, token_for
from tests.conftest_mail import html_of, text_of
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier
from tests.suppliers.test_connections import GOOD, _accept, invite

BAD_EMAILS = [
    "lan\x00@factory.example",
    "lan@factory.example\x00",
    "lan\x07@factory.example",
    "lan\u0085@factory.example",
    "<script>alert(1)</script>@factory.example",
    '"><img src=x onerror=alert(1)>@factory.example',
    "lan@factory.example<b>",
    "lan@factory.example\r\nBcc: everyone@example.org",
    "lan@@factory.example",
    "lan@factory",
    "lan nguyen@factory.example",
    "l" * 65 + "@factory.example",
    "lan@" + "a" * 250 + ".example",
    "",
    "   ",
]


@pytest.fixture
def api(app, db):
    buyer = make_org(db, "buyer")
    user = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer)
    db.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = token_for(client, user.email)["Authorization"]
    client.record = record  # type: ignore[attr-defined]
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_bad_addresses_are_422_naming_the_field(api, db, email):
    record = api.record
    invited = api.post(f"/api/v1/suppliers/{record.id}/connection", json={"email": email})
    assert invited.status_code == 422, invited.text
    assert invited.json["error"]["details"][0]["field"] == "email"
    patched = api.patch(f"/api/v1/suppliers/{record.id}", json={"contact_email": email})
    if email.strip():
        assert patched.status_code == 422, patched.text
        assert patched.json["error"]["details"][0]["field"] == "contact_email"
    else:
        assert patched.status_code == 200  # blank clears the contact
    created = api.post("/api/v1/suppliers", json={"name": "Hostile Mill", "country": "VN",
                                                  "contact_email": email})
    assert created.status_code == (422 if email.strip() else 201), created.text
    assert db.scalar(select(func.count(Invitation.id))
                     .where(Invitation.org_id == record.org_id)) == 0


@pytest.mark.parametrize("body", [
    {}, {"email": None}, {"email": 42}, {"email": ["a@b.example"]}, {"email": {"x": 1}},
    {"email": "lan@factory.example", "role": "admin"},
    {"email": "lan@factory.example", "supplier_id": 1},
])
def test_wrong_shapes_are_422(api, body):
    response = api.post(f"/api/v1/suppliers/{api.record.id}/connection", json=body)
    assert response.status_code == 422, response.text
    not_json = api.post(f"/api/v1/suppliers/{api.record.id}/connection", data="email=x",
                        content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 422


def test_the_contact_email_round_trips_and_clears(api, db):
    url = f"/api/v1/suppliers/{api.record.id}"
    assert api.patch(url, json={"contact_email": "Lan@Factory.Example"}).json[
        "contact_email"] == "lan@factory.example"
    assert api.patch(url, json={"contact_email": None}).json["contact_email"] is None
    assert api.patch(url, json={"contact_email": "李@例子.中国"}).json[
        "contact_email"] == "李@例子.中国"


@pytest.mark.parametrize("organization", ["Mill\x00", "Mill\x01 Ltd", "Mill\u009b", "M" * 201])
def test_bad_organisation_names_are_422(app, db, organization):
    buyer = make_org(db, "buyer")
    raw = invite(db, make_supplier(db, buyer), make_user(db, buyer, "compliance"))
    response = _accept(app.test_client(), raw, organization=organization)
    assert response.status_code == 422, response.text
    assert response.json["error"]["details"][0]["field"] == "organization"
    assert db.scalar(select(Invitation.accepted_at).where(Invitation.org_id == buyer.id)) is None


def test_an_organisation_field_on_an_invitation_to_join_is_refused(app, db):
    from app.people.services import invite as invite_person

    buyer = make_org(db, "buyer")
    links: list[str] = []
    invite_person(db, org=buyer, actor=make_user(db, buyer, "admin"), email="new@x.example",
                  role="compliance", link_for=lambda raw: links.append(raw) or raw)
    db.commit()
    response = _accept(app.test_client(), links[0], organization="Somewhere Ltd")
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "organization"


def test_markup_in_names_stays_text_in_mail_and_pages(app, db, smtp):
    buyer = make_org(db, "buyer", name="<b>Bold</b> Buyer & Sons")
    compliance = make_user(db, buyer, "compliance")
    record = make_supplier(db, buyer, name='<img src=x onerror="alert(1)"> Mill')
    raw = invite(db, record, compliance)
    assert deliver_pending(db, app.config) == 1  # made outside a request: nothing queued it
    (mail,) = smtp.wait_for(1)
    assert "\n" not in mail["Subject"].strip()
    assert "<img src=x" not in html_of(mail) and "&lt;img src=x" in html_of(mail)
    assert "<b>Bold</b> Buyer & Sons invites" in text_of(mail)  # text mail: plain text
    page = app.test_client().get(f"/connect/{raw}")
    assert "<img src=x" not in page.text and "&lt;b&gt;Bold&lt;/b&gt;" in page.text
    accepted = _accept(app.test_client(), raw, organization="<script>x</script> Ltd")
    assert accepted.status_code == 201, accepted.text
    client = app.test_client()
    login(client, compliance.email)
    detail = client.get(f"/suppliers/{record.id}")
    assert "<script>x</script>" not in detail.text and "&lt;script&gt;x" in detail.text
    supplier = app.test_client()
    login(supplier, "lan@saigonstitch.example", GOOD)
    buyers = supplier.get("/connections")
    assert "<b>Bold</b>" not in buyers.text and "&lt;b&gt;Bold" in buyers.text


@pytest.mark.parametrize("raw", ["%00", "x" * 5000, "a%2Bb%3D%27%22", "..%2F..%2Fetc"])
def test_tampered_links_are_404(app, db, raw):
    buyer = make_org(db, "buyer")
    invite(db, make_supplier(db, buyer), make_user(db, buyer, "compliance"))
    client = app.test_client()
    assert client.get(f"/connect/{raw}").status_code == 404
    assert client.post(f"/connect/{raw}", data={"action": "connect"}).status_code in (400, 404)
    assert db.scalar(select(func.count(Supplier.id)).where(
        Supplier.org_id == buyer.id, Supplier.linked_org_id.is_not(None))) == 0
