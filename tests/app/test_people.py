"""People of an organisation: invite by email, change roles, deactivate; the last admin stays."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.auth.models import User
from app.mail import OutboxMessage, deliver_pending
from app.people.models import Invitation
from tests.conftest import csrf_from, login, token_for
from tests.conftest_mail import link_in
from tests.factories import PASSWORD, make_org, make_user

NEW_PASSWORD = "lantern-orchard-river-77"


def _admin(app, db, org):
    admin = make_user(db, org, "admin")
    db.commit()
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    return client, admin


def _actions(db, org) -> list[str]:
    return list(db.scalars(
        select(ActivityEntry.action).where(ActivityEntry.org_id == org.id)
        .order_by(ActivityEntry.seq)
    ))


def test_invitation_email_accept_sign_in_then_demotion_ends_session_and_token(
    app, db, buyer, smtp
):
    """The issue's round trip: the email arrives, the link makes the account, the person signs
    in, and demoting them ends their open session (another client) and their API token."""
    admin_client, _user = _admin(app, db, buyer)
    page = admin_client.get("/people")
    response = admin_client.post("/people/invitations", data={
        "csrf_token": csrf_from(page.text), "email": "Lan.Nguyen@Example.org", "role": "admin"})
    assert response.status_code == 302, response.text
    assert "lan.nguyen@example.org" in admin_client.get("/people").text  # open invitation
    assert "lan.nguyen@example.org" in admin_client.get("/admin/outbox").text

    # Sent by the queue's task once the request committed (tests run the queue eagerly).
    (mail,) = smtp.wait_for(1)
    assert deliver_pending(db, app.config) == 0  # nothing left to send, nothing sent twice
    assert mail["To"] == "lan.nguyen@example.org"
    assert buyer.name in mail["Subject"]
    path = link_in(mail, "/invitations/")
    raw = path.rsplit("/", 1)[1]
    invitation = db.scalar(select(Invitation))
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(invitation.as_json()) and invitation.purpose == "join_org"

    invitee = app.test_client()
    form = invitee.get(path)
    assert form.status_code == 200 and buyer.name in form.text
    created = invitee.post(path, data={
        "csrf_token": csrf_from(form.text), "name": "Nguyen Thi Lan",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert created.status_code == 302 and created.headers["Location"] == "/login"
    user = db.scalar(select(User).where(User.email == "lan.nguyen@example.org"))
    assert user.org_id == buyer.id and user.role == "admin" and user.name == "Nguyen Thi Lan"
    assert invitee.get(path).status_code == 404  # single use

    assert login(invitee, user.email, NEW_PASSWORD).status_code == 302
    assert invitee.get("/people").status_code == 200
    bearer = token_for(app.test_client(), user.email, NEW_PASSWORD)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer).status_code == 200

    people = admin_client.get("/people")
    demoted = admin_client.post(f"/people/{user.id}/role", data={
        "csrf_token": csrf_from(people.text), "role": "compliance"})
    assert demoted.status_code == 302
    # The very next request of the demoted person's browser and token: signed out.
    after = invitee.get("/people")
    assert after.status_code == 302 and "/login?next=" in after.headers["Location"]
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    # Signing in again gives the new role.
    again = app.test_client()
    login(again, user.email, NEW_PASSWORD)
    assert again.get("/people").status_code == 403
    assert {"invitation.created", "mail.sent", "invitation.accepted", "user.role_changed"} <= set(
        _actions(db, buyer))


def test_deactivation_ends_session_and_token_and_blocks_sign_in(app, db, buyer):
    admin_client, _user = _admin(app, db, buyer)
    colleague = make_user(db, buyer, "compliance")
    db.commit()
    browser = app.test_client()
    login(browser, colleague.email)
    bearer = token_for(app.test_client(), colleague.email)
    assert browser.get("/settings").status_code == 200
    token = csrf_from(admin_client.get("/people").text)
    assert admin_client.post(f"/people/{colleague.id}/deactivate",
                             data={"csrf_token": token}).status_code == 302
    assert browser.get("/settings").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert login(app.test_client(), colleague.email).status_code == 401
    assert "deactivated" in admin_client.get("/people").text
    assert admin_client.post(f"/people/{colleague.id}/reactivate",
                             data={"csrf_token": token}).status_code == 302
    assert login(app.test_client(), colleague.email).status_code == 302
    # The token revoked at deactivation stays revoked.
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    changes = [a for a in _actions(db, buyer) if a.startswith("user.") and "activated" in a]
    assert changes == ["user.deactivated", "user.reactivated"]


def test_last_active_admin_cannot_be_demoted_or_deactivated(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    db.commit()
    headers = token_for(app.test_client(), admin.email)
    client = app.test_client()
    for body in ({"role": "compliance"}, {"active": False}):
        response = client.patch(f"/api/v1/people/{admin.id}", json=body, headers=headers)
        assert response.status_code == 409, body
        assert "last active administrator" in response.json["error"]["message"]
    db.refresh(admin)
    assert admin.role == "admin" and admin.is_active
    # A second admin makes it possible; a deactivated admin does not count.
    other = make_user(db, buyer, "admin")
    other.is_active = False
    db.commit()
    assert client.patch(f"/api/v1/people/{admin.id}", json={"role": "compliance"},
                        headers=headers).status_code == 409
    other.is_active = True
    db.commit()
    response = client.patch(f"/api/v1/people/{other.id}", json={"role": "compliance"},
                            headers=headers)
    assert response.status_code == 200 and response.json["role"] == "compliance"


def test_roles_stay_within_what_the_organisation_kind_allows(app, db):
    supplier_org = make_org(db, "supplier")
    admin = make_user(db, supplier_org, "admin")
    worker = make_user(db, supplier_org, "supplier")
    db.commit()
    headers = token_for(app.test_client(), admin.email)
    client = app.test_client()
    response = client.patch(f"/api/v1/people/{worker.id}", json={"role": "compliance"},
                            headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "role"
    invite = client.post("/api/v1/people/invitations",
                         json={"email": "x@example.org", "role": "auditor"}, headers=headers)
    assert invite.status_code == 422 and invite.json["error"]["details"][0]["field"] == "role"
    bad = client.patch(f"/api/v1/people/{worker.id}", json={"active": "no"}, headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["field"] == "active"
    assert client.patch(f"/api/v1/people/{worker.id}", json={"email": "a@b.c"},
                        headers=headers).status_code == 422


def test_people_api_fields_and_tenancy(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    stranger = make_user(db, make_org(db, "buyer"), "compliance")
    db.commit()
    headers = token_for(app.test_client(), admin.email)
    client = app.test_client()
    body = client.get("/api/v1/people", headers=headers).json
    assert body["total"] == 1
    assert set(body["items"][0]) >= {"id", "email", "name", "role", "active", "last_login_at"}
    assert body["items"][0]["active"] is True and body["items"][0]["last_login_at"]
    assert client.patch(f"/api/v1/people/{stranger.id}", json={"role": "admin"},
                        headers=headers).status_code == 404


def test_invitation_api_and_outbox(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    db.commit()
    headers = token_for(app.test_client(), admin.email)
    response = app.test_client().post(
        "/api/v1/people/invitations", json={"email": "chen@example.org", "role": "compliance"},
        headers=headers)
    assert response.status_code == 201, response.text
    body = response.json
    assert set(body) >= {"id", "email", "role", "expires_at"}
    assert body["email"] == "chen@example.org" and body["role"] == "compliance"
    message = db.scalar(select(OutboxMessage))
    assert message.template == "invitation" and message.related_type == "invitation"
    assert message.related_id == body["id"] and "/invitations/" in message.body_text
    assert PASSWORD not in message.body_text
    # Inviting a member again is a conflict; a second invitation replaces the first.
    again = app.test_client().post(
        "/api/v1/people/invitations", json={"email": admin.email, "role": "compliance"},
        headers=headers)
    assert again.status_code == 409
    app.test_client().post(
        "/api/v1/people/invitations", json={"email": "chen@example.org", "role": "admin"},
        headers=headers)
    statuses = sorted(i.status for i in db.scalars(select(Invitation)))
    assert statuses == ["pending", "revoked"]


def test_invitation_email_escapes_names(app, db, smtp):
    org = make_org(db, "buyer", name='Evil <script>alert(1)</script> Ltd')
    admin = make_user(db, org, "admin")
    admin.name = "<b>Boss</b>"
    db.commit()
    headers = token_for(app.test_client(), admin.email)
    app.test_client().post("/api/v1/people/invitations",
                           json={"email": "x@example.org", "role": "compliance"}, headers=headers)
    deliver_pending(db, app.config)
    (mail,) = smtp.wait_for(1)
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "<b>Boss</b>" not in html
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; Ltd" in html
    assert "&lt;b&gt;Boss&lt;/b&gt;" in html


def test_people_page_is_for_admins(logged_in):
    assert logged_in.get("/people").status_code == 403


def test_nav_shows_people_and_outbox_to_admins_only(app, db, buyer, logged_in):
    assert 'href="/people"' not in logged_in.get("/").text
    client, _user = _admin(app, db, buyer)
    home = client.get("/").text
    assert 'href="/people"' in home and 'href="/admin/outbox"' in home


def test_the_page_refuses_to_demote_the_last_admin(app, db, buyer):
    client, admin = _admin(app, db, buyer)
    page = client.get("/people")
    response = client.post(f"/people/{admin.id}/role",
                           data={"csrf_token": csrf_from(page.text), "role": "compliance"})
    assert response.status_code == 409 and "last active administrator" in response.text
    response = client.post(f"/people/{admin.id}/deactivate",
                           data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 409
    db.refresh(admin)
    assert admin.role == "admin" and admin.is_active
    assert client.get("/people").status_code == 200  # still signed in


def test_the_invite_form_names_the_problem(app, db, buyer):
    client, admin = _admin(app, db, buyer)
    page = client.get("/people")
    response = client.post("/people/invitations", data={
        "csrf_token": csrf_from(page.text), "email": admin.email, "role": "compliance"})
    assert response.status_code == 409 and "already belongs to" in response.text
    response = client.post("/people/invitations", data={
        "csrf_token": csrf_from(page.text), "email": "x@example.org", "role": "regulator"})
    assert response.status_code == 422 and "Not a valid choice" in response.text
    assert db.scalar(select(Invitation.id)) is None
