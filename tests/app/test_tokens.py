"""API tokens: issue, use, revoke; identical answers for every bad credential."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import ApiToken
from tests.conftest import form_token, login, token_for
from tests.factories import PASSWORD


def test_token_opens_me(client, compliance_user):
    headers = token_for(client, compliance_user.email)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["email"] == compliance_user.email
    assert body["role"] == "compliance"
    assert body["organization"] == {
        "id": compliance_user.org_id, "name": compliance_user.org.name,
        "kind": "buyer", "jurisdiction": None,
    }


def test_token_is_stored_hashed(client, db, compliance_user):
    response = client.post(
        "/api/v1/auth/tokens", json={"email": compliance_user.email, "password": PASSWORD}
    )
    raw = response.json["token"]
    stored = db.scalar(select(ApiToken).where(ApiToken.user_id == compliance_user.id))
    assert stored.token_hash != raw and raw not in stored.token_hash
    assert response.json["expires_at"].startswith(stored.expires_at.isoformat()[:10])


def test_revoked_token_is_401(client, compliance_user):
    headers = token_for(client, compliance_user.email)
    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_wrong_password_and_unknown_email_same_401_body(client, compliance_user):
    wrong = client.post(
        "/api/v1/auth/tokens", json={"email": compliance_user.email, "password": "nope-nope-nope"}
    )
    unknown = client.post(
        "/api/v1/auth/tokens", json={"email": "ghost@example.org", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401

    def strip(body):
        body["error"].pop("request_id")
        return body

    assert strip(wrong.json) == strip(unknown.json)


def test_token_request_validation(client):
    response = client.post("/api/v1/auth/tokens", data="not json")
    assert response.status_code == 422
    response = client.post("/api/v1/auth/tokens", json={"email": "a@b.c"})
    assert response.status_code == 422
    assert response.json["error"]["details"] == [{"field": "password", "message": "required"}]


def test_garbage_bearer_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer tl_garbage"})
    assert response.status_code == 401


def test_tokens_page_creates_lists_and_revokes(client, db, compliance_user):
    login(client, compliance_user.email)
    page = client.post(
        "/settings/tokens",
        data={"csrf_token": form_token(client, "/settings/tokens"), "name": "ERP sync",
              "days": 30},
    )
    assert page.status_code == 200
    assert "Copy it now" in page.text and "ERP sync" in page.text
    token = db.scalar(select(ApiToken).where(ApiToken.name == "ERP sync"))
    response = client.post(
        f"/settings/tokens/{token.id}/revoke",
        data={"csrf_token": form_token(client, "/settings/tokens")},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(ApiToken, token.id).revoked_at is not None


def test_cannot_revoke_someone_elses_token(app, client, db, compliance_user, buyer):
    from tests.factories import make_user

    other = make_user(db, buyer, "admin")
    db.commit()
    other_client = app.test_client()
    token_for(other_client, other.email)
    theirs = db.scalar(select(ApiToken).where(ApiToken.user_id == other.id))
    login(client, compliance_user.email)
    response = client.post(
        f"/settings/tokens/{theirs.id}/revoke",
        data={"csrf_token": form_token(client, "/settings/tokens")},
    )
    assert response.status_code == 404


def test_bearer_calls_skip_csrf_but_cookie_calls_do_not(client, compliance_user):
    headers = token_for(client, compliance_user.email)
    # Bearer: no CSRF token needed.
    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204
    # Cookie: the same unsafe call without a CSRF token is refused.
    login(client, compliance_user.email)
    response = client.delete("/api/v1/auth/tokens/current")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"


def test_password_change_ends_api_tokens(client, db, compliance_user):
    headers = token_for(client, compliance_user.email)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    login(client, compliance_user.email)
    response = client.post(
        "/settings",
        data={"csrf_token": form_token(client, "/settings"), "current_password": PASSWORD,
              "new_password": "a-much-better-passphrase-77"},
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    db.expire_all()
    tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == compliance_user.id)).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)


def test_end_all_tokens_ends_only_that_users_tokens(client, db, compliance_user, buyer):
    from app.auth.services import end_all_tokens
    from tests.factories import make_user

    other = make_user(db, buyer, "admin")
    db.commit()
    mine = token_for(client, compliance_user.email)
    theirs = token_for(client, other.email)
    end_all_tokens(db, compliance_user.id)
    db.commit()
    assert client.get("/api/v1/me", headers=mine).status_code == 401
    assert client.get("/api/v1/me", headers=theirs).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/suppliers"), ("PATCH", "/api/v1/suppliers/1"),
     ("DELETE", "/api/v1/suppliers/1"), ("DELETE", "/api/v1/auth/tokens/current"),
     ("POST", "/api/v1/relationships")],
)
def test_unauthenticated_api_writes_are_401_not_csrf(client, method, path):
    response = client.open(path, method=method, json={})
    assert response.status_code == 401, response.text
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_bearer_token_on_a_write_is_401(client):
    response = client.post("/api/v1/suppliers", json={},
                           headers={"Authorization": "Bearer tl_not-a-token"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_a_bearer_read_costs_one_query_for_the_token_user_and_organisation(
    app, client, db, compliance_user
):
    from sqlalchemy import event

    from app.db import get_db

    headers = token_for(client, compliance_user.email)
    client.get("/api/v1/me", headers=headers)  # the first use stamps the token
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/api/v1/me", headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.json["organization"]["kind"] == "buyer"
    assert len(statements) == 1, statements
