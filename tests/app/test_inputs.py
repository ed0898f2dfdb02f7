"""NUL bytes, lone surrogates and very deep JSON are refused on input, on both databases alike.

Run on PostgreSQL too (TEST_DATABASE_URL): there a NUL that reached the database was a 500.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.models import ApiToken
from app.inputs import MAX_JSON_DEPTH
from suppliers.models import Supplier
from tests.conftest import csrf_from, form_token, login, token_for


def _field(response) -> str:
    assert response.status_code in (400, 422), (response.status_code, response.text[:300])
    return response.json["error"]["details"][0]["field"]


@pytest.fixture
def auth(client, compliance_user):
    return token_for(client, compliance_user.email)


def _suppliers(db) -> int:
    return db.scalar(select(func.count(Supplier.id)))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Lamp\x00 Mill", "country": "IN"}, "name"),
        ({"name": "Lamp Mill", "country": "IN", "products": ["yarn", "cot\x00ton"]}, "products"),
        ({"name": "Lamp Mill", "country": "IN", "identifiers": {"lei": "\x00"}}, "identifiers"),
        ({"name": "Lamp Mill", "country": "IN", "sector\x00": "x"}, "body"),
    ],
)
def test_nul_in_json_is_refused_and_nothing_written(client, db, auth, body, field):
    before = _suppliers(db)
    response = client.post("/api/v1/suppliers", json=body, headers=auth)
    assert _field(response) == field
    assert response.status_code == 422
    assert _suppliers(db) == before


def test_lone_surrogate_in_json_is_refused(client, db, auth):
    before = _suppliers(db)
    response = client.post("/api/v1/suppliers", data='{"name": "Mill \\ud800", "country": "IN"}',
                           content_type="application/json", headers=auth)
    assert _field(response) == "name"
    assert "surrogate" in response.json["error"]["message"]
    assert _suppliers(db) == before


def test_deep_json_is_refused_not_a_500(client, auth):
    response = client.post("/api/v1/suppliers", data="[" * 100_000,
                           content_type="application/json", headers=auth)
    assert _field(response) == "body"
    too_deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    response = client.post("/api/v1/suppliers", data=too_deep,
                           content_type="application/json", headers=auth)
    assert _field(response) == "body"
    assert "deeper" in response.json["error"]["message"]


def test_json_at_the_depth_limit_reaches_the_view(client, auth):
    nested: object = "leaf"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    response = client.post("/api/v1/suppliers", json={"name": "Deep", "products": nested},
                           headers=auth)
    # The view decides (products must be strings), not the guard.
    assert "deeper" not in response.text


@pytest.mark.parametrize("query", ["q=ab%00c", "country=%00", "q%00=1"])
def test_nul_in_query_args_is_refused(client, auth, query):
    response = client.get(f"/api/v1/suppliers?{query}", headers=auth)
    assert response.status_code == 422
    assert _field(response) in ("q", "country", "(name)")


def test_nul_in_the_token_name_is_refused(client, db, compliance_user):
    from tests.factories import PASSWORD

    response = client.post("/api/v1/auth/tokens", json={
        "email": compliance_user.email, "password": PASSWORD, "name": "ERP\x00sync"})
    assert _field(response) == "name"
    assert db.scalar(select(func.count(ApiToken.id))
                     .where(ApiToken.user_id == compliance_user.id)) == 0
    login(client, compliance_user.email)
    page = client.post("/settings/tokens", data={
        "csrf_token": form_token(client, "/settings/tokens"), "name": "ERP\x00sync", "days": 30})
    assert page.status_code == 422
    assert "name" in page.text
    assert db.scalar(select(func.count(ApiToken.id))
                     .where(ApiToken.user_id == compliance_user.id)) == 0


def test_nul_in_the_login_email_is_refused(client, compliance_user):
    page = client.get("/login")
    response = client.post("/login", data={
        "email": compliance_user.email + "\x00", "password": "whatever-it-is-1",
        "csrf_token": csrf_from(page.text)})
    assert response.status_code == 422
    assert "email" in response.text
    api = client.post("/api/v1/auth/tokens", json={"email": "a\x00@example.org",
                                                   "password": "whatever-it-is-1"})
    assert _field(api) == "email"


def test_nul_in_the_supplier_search_page_is_refused(logged_in):
    response = logged_in.get("/suppliers?q=%00")
    assert response.status_code == 422
    assert "q" in response.text
