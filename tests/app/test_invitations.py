"""Accepting invitations: the policy, single use, expiry, tampering, existing accounts, purposes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.db import utcnow
from app.people import services
from app.people.models import Invitation
from tests.conftest import csrf_from, login
from tests.factories import make_org, make_user

GOOD = "lantern-orchard-river-77"


def _invite(db, org, email="lan@example.org", role="compliance", purpose="join_org", **kw):
    admin = kw.pop("admin", None) or make_user(db, org, "admin")
    links: list[str] = []
    invitation = services.invite(
        db, org=org, actor=admin, email=email, role=role, purpose=purpose,
        link_for=lambda raw: links.append(raw) or f"http://localhost/invitations/{raw}", **kw,
    )
    db.commit()
    return invitation, links[0]


def _accept_api(client, raw, name="Nguyen Thi Lan", password=GOOD):
    return client.post(f"/api/v1/invitations/{raw}/accept",
                       json={"name": name, "password": password})


def test_api_accept_creates_the_account_once(app, db, buyer):
    invitation, raw = _invite(db, buyer)
    client = app.test_client()
    response = _accept_api(client, raw)
    assert response.status_code == 201, response.text
    assert response.json["email"] == "lan@example.org"
    assert response.json["organization"]["id"] == buyer.id
    assert login(app.test_client(), "lan@example.org", GOOD).status_code == 302
    db.refresh(invitation)
    assert invitation.status == "accepted" and invitation.accepted_user_id
    again = _accept_api(client, raw)
    assert again.status_code == 404 and again.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("raw", ["not-a-token", "x" * 5000, "%00", "a%2Bb%3D%27%22"])
def test_tampered_links_are_clear_404s(app, db, buyer, raw):
    _invite(db, buyer)
    client = app.test_client()
    page = client.get(f"/invitations/{raw}")
    assert page.status_code == 404
    if raw != "%00":  # a NUL in a path is refused before any view, as the same 404 page
        assert "This invitation cannot be used" in page.text and "Ask the person" in page.text
    assert _accept_api(client, raw).status_code == 404
    # A path that no longer matches the route is an ordinary 404, never a 500.
    assert client.get("/invitations/..%2F..%2Fetc").status_code == 404


def test_a_changed_character_is_a_404(app, db, buyer):
    _invite(db, buyer)
    _inv, raw = _invite(db, buyer, email="other@example.org")
    flipped = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert app.test_client().get(f"/invitations/{flipped}").status_code == 404


def test_expired_links_are_refused(app, db, buyer):
    invitation, raw = _invite(db, buyer)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    page = app.test_client().get(f"/invitations/{raw}")
    assert page.status_code == 404 and "expired" in page.text
    assert _accept_api(app.test_client(), raw).status_code == 404
    assert db.scalar(select(User.id).where(User.email == "lan@example.org")) is None


def test_invitations_last_seven_days(db, buyer):
    invitation, _raw = _invite(db, buyer)
    lifetime = invitation.expires_at - invitation.created_at
    assert lifetime == timedelta(days=7)


def test_a_replaced_invitation_no_longer_works(app, db, buyer):
    _first, old = _invite(db, buyer)
    _second, new = _invite(db, buyer)
    assert app.test_client().get(f"/invitations/{old}").status_code == 404
    assert app.test_client().get(f"/invitations/{new}").status_code == 200


def test_password_policy_applies_and_nothing_is_written(app, db, buyer):
    invitation, raw = _invite(db, buyer, email="nguyenlan@example.org")
    users = db.scalar(select(func.count(User.id)))
    weak = _accept_api(app.test_client(), raw, password="password1234")
    assert weak.status_code == 422
    assert weak.json["error"]["details"][0]["field"] == "password"
    with_email = _accept_api(app.test_client(), raw, password="i-am-nguyenlan-99")
    assert with_email.status_code == 422
    no_name = _accept_api(app.test_client(), raw, name="  ")
    assert no_name.status_code == 422 and no_name.json["error"]["details"][0]["field"] == "name"
    db.refresh(invitation)
    assert invitation.status == "pending"
    assert db.scalar(select(func.count(User.id))) == users
    # The page shows the same problems next to the field.
    client = app.test_client()
    form = client.get(f"/invitations/{raw}")
    page = client.post(f"/invitations/{raw}", data={
        "csrf_token": csrf_from(form.text), "name": "Lan", "password": "password1234",
        "confirm": "password1234"})
    assert page.status_code == 200 and "too common" in page.text
    mismatch = client.post(f"/invitations/{raw}", data={
        "csrf_token": csrf_from(form.text), "name": "Lan", "password": GOOD, "confirm": GOOD + "x"})
    assert "The two differ." in mismatch.text


def test_an_existing_account_is_explained(app, db, buyer):
    elsewhere = make_user(db, make_org(db, "buyer"), "compliance", email="lan@example.org")
    _invitation, raw = _invite(db, buyer)
    page = app.test_client().get(f"/invitations/{raw}")
    assert page.status_code == 409
    assert "already has a Tierlight account" in page.text
    response = _accept_api(app.test_client(), raw)
    assert response.status_code == 409
    assert "already has a Tierlight account" in response.json["error"]["message"]
    db.refresh(elsewhere)
    assert elsewhere.org_id != buyer.id  # untouched


def test_api_accept_needs_no_csrf_and_no_session(app, db, buyer, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    _invitation, raw = _invite(db, buyer)
    assert _accept_api(app.test_client(), raw).status_code == 201


def test_purposes_are_a_registry(app, db, buyer):
    """A later package registers what accepting links; the invitation records the purpose."""
    db.commit()
    linked: list[tuple[int, dict]] = []

    def connect(session, invitation, *, name, password, fast_hash):
        from app.auth.services import create_org, create_user

        supplier_org = create_org(
            session, name=f"Supplier of {invitation.organization.name}", kind="supplier")
        user = create_user(session, org=supplier_org, email=invitation.email, role="admin",
                           password=password, name=name, fast_hash=fast_hash)
        linked.append((supplier_org.id, invitation.data))
        return user

    services.register_purpose(services.Purpose(
        "connect_supplier_test", lambda org: frozenset({"admin"}), connect))
    try:
        with pytest.raises(Exception, match="Role must be one of admin"):
            _invite(db, buyer, role="compliance", purpose="connect_supplier_test")
        db.rollback()
        invitation, raw = _invite(db, buyer, role="admin", purpose="connect_supplier_test",
                                  data={"supplier_id": 42})
        assert invitation.purpose == "connect_supplier_test"
        response = _accept_api(app.test_client(), raw)
        assert response.status_code == 201, response.text
        assert response.json["organization"]["kind"] == "supplier"
        assert linked == [(response.json["organization"]["id"], {"supplier_id": 42})]
    finally:
        services.PURPOSES.pop("connect_supplier_test")
    with pytest.raises(Exception, match="Unknown invitation purpose"):
        _invite(db, buyer, purpose="no_such_purpose")
    assert db.scalar(select(func.count(Invitation.id))) >= 1


def test_an_admin_can_revoke_an_open_invitation(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    invitation, raw = _invite(db, buyer, admin=admin)
    client = app.test_client()
    login(client, admin.email)
    page = client.get("/people")
    assert "lan@example.org" in page.text
    url = f"/people/invitations/{invitation.id}/revoke"
    assert client.post(url, data={"csrf_token": csrf_from(page.text)}).status_code == 302
    assert app.test_client().get(f"/invitations/{raw}").status_code == 404
    assert client.post(url, data={"csrf_token": csrf_from(page.text)}).status_code == 409
    from app.activity.models import ActivityEntry

    assert db.scalar(select(ActivityEntry.id).where(ActivityEntry.action == "invitation.revoked"))
