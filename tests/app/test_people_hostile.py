"""Hostile input to people, invitations, reset and the outbox: 4xx naming the field, never 500.

PostgreSQL refuses NUL bytes that SQLite stores (PITFALLS), so run this file on both.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.people.models import Invitation
from tests.conftest import csrf_from, login, token_for
from tests.factories import make_user

NUL_EMAIL = "lan\x00@example.org"


@pytest.fixture
def admin_headers(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    db.commit()
    return token_for(app.test_client(), admin.email)


@pytest.mark.parametrize("email", [NUL_EMAIL, "lan@exa\nmple.org", "a" * 300 + "@x.org", "", 7])
def test_bad_invitation_emails_are_422(app, db, admin_headers, email):
    response = app.test_client().post("/api/v1/people/invitations",
                                      json={"email": email, "role": "compliance"},
                                      headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.json["error"]["details"][0]["field"] == "email"
    assert db.scalar(select(func.count(Invitation.id))) == 0


def test_bad_names_at_acceptance_are_422(app, db, buyer, admin_headers):
    app.test_client().post("/api/v1/people/invitations",
                           json={"email": "lan@example.org", "role": "compliance"},
                           headers=admin_headers)
    from app.people import services

    raws: list[str] = []
    admin = db.scalar(select(User).where(User.role == "admin"))
    services.invite(db, org=buyer, actor=admin, email="lan@example.org", role="compliance",
                    link_for=lambda raw: raws.append(raw) or raw)
    db.commit()
    for name in ("Lan\x00", "x" * 201, 5):
        response = app.test_client().post(f"/api/v1/invitations/{raws[0]}/accept",
                                          json={"name": name, "password": "lantern-orchard-77"})
        assert response.status_code == 422, (name, response.text)
        assert response.json["error"]["details"][0]["field"] == "name"
    response = app.test_client().post(f"/api/v1/invitations/{raws[0]}/accept",
                                      json={"name": "Lan", "password": "lantern\x00orchard-77"})
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "password"
    assert app.test_client().post(f"/api/v1/invitations/{raws[0]}/accept",
                                  data="not json").status_code in (404, 422)


def test_nul_bytes_in_forgot_and_outbox_filters(app, db, buyer):
    client = app.test_client()
    page = client.get("/password/forgot")
    response = client.post("/password/forgot",
                           data={"csrf_token": csrf_from(page.text), "email": NUL_EMAIL})
    # The request-level guard (app/inputs.py) refuses NUL in any field before a view runs,
    # with the same answer whether or not the address exists.
    assert response.status_code == 422 and "email" in response.text
    admin = make_user(db, buyer, "admin")
    db.commit()
    login(client, admin.email)
    assert client.get("/admin/outbox?q=%00x&status=%00").status_code == 422
    assert client.get("/invitations/ab%00cd").status_code == 404
    assert client.get("/password/reset/ab%00cd").status_code == 404
