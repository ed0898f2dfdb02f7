"""Roles are checked with the organisation's kind: an admin of a supplier, an audit firm or a
regulator is not an editor of a supplier network (issue 6: 19 network routes were reachable)."""

from __future__ import annotations

import pytest

from app.auth.roles import NETWORK_EDITORS
from tests.conftest import login, token_for
from tests.factories import make_org, make_user
from tests.test_access_matrix import maker_for

# Routes with the editors' role names that are about the user's own organisation, not the
# supplier network: any organisation's admin reads its own activity log.
OWN_ORG_ROUTES = {"main.activity"}


def _network_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in OWN_ORG_ROUTES or getattr(view, "access", None) != NETWORK_EDITORS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, view


def test_network_editor_routes_also_require_a_buyer(app):
    routes = list(_network_routes(app))
    assert len(routes) >= 19
    missing = [f"{m} {r.rule}" for r, m, view in routes
               if getattr(view, "org_kinds", None) != frozenset({"buyer"})]
    assert not missing, missing


def _walk(app, db, kind: str) -> list[tuple[str, int]]:
    org = make_org(db, kind)
    user = make_user(db, org, "admin")
    db.commit()
    api_headers = token_for(app.test_client(), user.email)
    seen = []
    for rule, method, _view in _network_routes(app):
        values = {arg: maker_for(rule.endpoint, arg)(db, org, user) for arg in rule.arguments}
        db.commit()
        client = app.test_client()
        headers = {}
        if rule.rule.startswith("/api/"):
            headers = api_headers
        else:
            login(client, user.email)
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        body = {} if method in ("POST", "PUT", "PATCH") and rule.rule.startswith("/api/") else None
        response = client.open(url, method=method, json=body, headers=headers)
        status = response.status_code
        if status == 302 and "/login" in response.headers.get("Location", ""):
            status = 401  # sent to sign in: refused
        seen.append((f"{method} {rule.rule}", status))
    return seen


@pytest.mark.parametrize("kind", ["supplier", "audit_firm", "regulator"])
def test_admins_of_other_kinds_cannot_reach_the_network(app, db, monkeypatch, kind):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    seen = _walk(app, db, kind)
    assert len(seen) >= 19
    wrong = [f"{route}: {status}" for route, status in seen if status not in (403, 404)]
    assert not wrong, "\n".join(wrong)


def test_a_buyers_admin_still_reaches_the_network(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    seen = _walk(app, db, "buyer")
    refused = [f"{route}: {status}" for route, status in seen if status in (401, 403)]
    assert not refused, "\n".join(refused)
