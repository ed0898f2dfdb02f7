"""Integers past a column's range, and digits int() cannot read, are 4xx naming the field.

2^31 overflows PostgreSQL's integer, 2^63 SQLite's; '²'.isdigit() is true but int('²') fails.
Before the bounded `int` converter and `int_arg`, most rows of this table answered 500.
"""

from __future__ import annotations

import pytest

from tests.conftest import login, token_for
from tests.suppliers.factories import link, make_supplier

PG = 2**31        # one past PostgreSQL's integer
SQ = 2**63        # one past SQLite's integer
SUP = "²"        # isdigit() but not int()

# (method, url, json body, expected status, field the error names or None)
API_CASES = [
    ("GET", f"/api/v1/suppliers/{PG}", None, 404, None),
    ("GET", f"/api/v1/suppliers/{SQ}", None, 404, None),
    ("GET", f"/api/v1/suppliers/{10**30}", None, 404, None),
    ("PATCH", f"/api/v1/suppliers/{PG}", {"workers": 1}, 404, None),
    ("DELETE", f"/api/v1/suppliers/{SQ}", None, 404, None),
    ("GET", f"/api/v1/suppliers/{PG}/upstream", None, 404, None),
    ("GET", f"/api/v1/suppliers/{SQ}/paths", None, 404, None),
    ("DELETE", f"/api/v1/relationships/{PG}", None, 404, None),
    ("GET", f"/api/v1/suppliers?page={PG}", None, 422, "page"),
    ("GET", f"/api/v1/suppliers?page={SQ}", None, 422, "page"),
    ("GET", f"/api/v1/suppliers?page={SUP}", None, 422, "page"),
    ("GET", f"/api/v1/suppliers?per_page={PG}", None, 422, "per_page"),
    ("GET", f"/api/v1/suppliers?per_page={SUP}", None, 422, "per_page"),
    ("GET", f"/api/v1/suppliers?tier={PG}", None, 422, "tier"),
    ("GET", f"/api/v1/suppliers?tier={SUP}", None, 422, "tier"),
    ("GET", f"/api/v1/network?limit={SQ}", None, 422, "limit"),
    ("GET", f"/api/v1/network?limit={SUP}", None, 422, "limit"),
    ("GET", f"/api/v1/network?max_tier={PG}", None, 422, "max_tier"),
    ("GET", f"/api/v1/network?max_tier={SUP}", None, 422, "max_tier"),
    ("GET", f"/api/v1/relationships?supplier_id={PG}", None, 422, "supplier_id"),
    ("GET", f"/api/v1/relationships?customer_id={SQ}", None, 422, "customer_id"),
    ("GET", f"/api/v1/relationships?supplier_id={SUP}", None, 422, "supplier_id"),
    ("GET", f"/api/v1/relationships?page={SQ}", None, 422, "page"),
    ("POST", "/api/v1/relationships", {"supplier_id": PG}, 422, "supplier_id"),
    ("POST", "/api/v1/relationships", {"supplier_id": 1, "customer_id": SQ}, 422,
     "customer_id"),
    ("PATCH", "/api/v1/suppliers/{own}", {"version": SQ}, 422, "version"),
    ("POST", "/api/v1/suppliers", {"name": "Mill", "country": "IN", "workers": SQ}, 422,
     "workers"),
]

PAGE_CASES = [
    (f"/suppliers?page={PG}", 422, "page"),
    (f"/suppliers?page={SQ}", 422, "page"),
    (f"/suppliers?page={SUP}", 422, "page"),
    (f"/suppliers/{PG}", 404, None),
    (f"/suppliers/{SQ}/edit", 404, None),
    (f"/suppliers/imports/{PG}", 404, None),
    (f"/suppliers/network?focus={PG}", 422, "focus"),
    (f"/suppliers/network?focus={SUP}", 422, "focus"),
    (f"/suppliers/network?tiers={SQ}", 422, "tiers"),
    (f"/suppliers/network?tiers={SUP}", 422, "tiers"),
]


@pytest.fixture
def own(db, compliance_user):
    supplier = make_supplier(db, compliance_user.org)
    link(db, compliance_user.org, supplier)
    db.commit()
    return supplier


@pytest.mark.parametrize(("method", "url", "body", "status", "field"), API_CASES,
                         ids=[f"{c[0]} {c[1]} {c[2] or ''}" for c in API_CASES])
def test_api(client, compliance_user, own, method, url, body, status, field):
    headers = token_for(client, compliance_user.email)
    response = client.open(url.replace("{own}", str(own.id)), method=method, json=body,
                           headers=headers)
    assert response.status_code == status, response.data[:300]
    error = response.json["error"]
    if field is not None:
        assert field in {d.get("field") for d in error["details"]}, error


@pytest.mark.parametrize(("url", "status", "field"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_pages(client, compliance_user, own, url, status, field):
    login(client, compliance_user.email)
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    if field is not None:
        assert f"<td>{field}</td>" in response.text


def test_tier_filter_on_the_list_page_is_refused_not_a_500(client, compliance_user, own):
    login(client, compliance_user.email)
    for raw in (str(PG), SUP):
        response = client.get(f"/suppliers?tier={raw}")
        assert response.status_code == 200
        assert "tier is a whole number or none" in response.text


def test_largest_id_still_routes(client, compliance_user):
    headers = token_for(client, compliance_user.email)
    response = client.get(f"/api/v1/suppliers/{PG - 1}", headers=headers)
    assert response.status_code == 404
    assert response.json["error"]["message"] == "No such supplier."  # reached the view
