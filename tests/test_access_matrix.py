"""Every route, every role: who gets in, who is refused, and another tenant's ids are 404.

Add each new route to ACCESS. A route missing here, or whose decorator disagrees, fails.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app.access import ANY_USER, PUBLIC
from tests.conftest import login, token_for
from tests.factories import make_org, make_user

EDITORS = frozenset({"admin", "compliance"})
ROLES = ("admin", "compliance", "supplier", "auditor", "regulator")

ACCESS: dict[str, object] = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "main.dashboard": ANY_USER,
    "main.activity": EDITORS,
    "auth.login": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.settings": ANY_USER,
    "auth.tokens": ANY_USER,
    "auth.revoke_token": ANY_USER,
    "auth_api.create_token": PUBLIC,
    "auth_api.revoke_current_token": ANY_USER,
    "auth_api.me": ANY_USER,
}

# Routes that may also be extended by domain packages: how to make an object for an argument.
# Each maker takes (db, org, user) and returns an id the org owns.
ARG_MAKERS: dict[str, object] = {}


def _token_id(db, org, user):
    from app.auth.services import issue_token

    return issue_token(db, user)[0].id


ARG_MAKERS["token_id"] = _token_id


def register_arg(name: str):
    def decorate(fn):
        ARG_MAKERS[name] = fn
        return fn

    return decorate


def _rules(app: Flask):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_classified(app):
    problems = []
    for rule in app.url_map.iter_rules():
        expected = ACCESS.get(rule.endpoint)
        if expected is None:
            problems.append(f"{rule.endpoint} ({rule.rule}) is not in ACCESS")
            continue
        if rule.endpoint == "static":
            continue
        actual = getattr(app.view_functions[rule.endpoint], "access", None)
        if actual != expected:
            problems.append(f"{rule.endpoint}: decorator says {actual!r}, ACCESS {expected!r}")
    assert not problems, "\n".join(problems)


def _principal(db, role: str | None):
    kinds = {"admin": "buyer", "compliance": "buyer", "supplier": "supplier",
             "auditor": "audit_firm", "regulator": "regulator", None: "buyer"}
    org = make_org(db, kinds[role])
    user = make_user(db, org, role) if role else make_user(db, org, "compliance")
    return org, user


def _call(app, client, rule, method, url, headers):
    kwargs = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {} if rule.rule.startswith("/api/") else None
    return client.open(url, method=method, **kwargs)


def _url(rule, values):
    from flask import url_for

    return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_role_by_route(app, db, monkeypatch, role):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    failures = []
    org, user = _principal(db, role)
    db.commit()
    for rule, method in _rules(app):
        expected = ACCESS[rule.endpoint]
        values = {arg: ARG_MAKERS[arg](db, org, user) for arg in rule.arguments}
        db.commit()
        client = app.test_client()
        headers = {}
        if role is not None:
            if rule.rule.startswith("/api/"):
                headers = token_for(client, user.email)
            else:
                login(client, user.email)
        with app.test_request_context():
            url = _url(rule, values)
        response = _call(app, client, rule, method, url, headers)
        status = response.status_code
        allowed = expected == PUBLIC or (
            role is not None and (expected == ANY_USER or role in expected)
        )
        label = f"{method} {rule.rule} as {role or 'anonymous'}: {status}"
        if status >= 500:
            failures.append(label + " (server error)")
        elif allowed and (status in (401, 403) or _to_login(response)):
            failures.append(label + " (should be allowed)")
        elif not allowed and role is None and not (status == 401 or _to_login(response)):
            failures.append(label + " (anonymous should be refused)")
        elif not allowed and role is not None and status not in (403, 404):
            failures.append(label + " (should be forbidden)")
    assert not failures, "\n".join(failures)


def _to_login(response) -> bool:
    # Refusals redirect to /login?next=...; a plain /login (after logout) is success.
    return response.status_code == 302 and "/login?next=" in response.headers.get("Location", "")


@pytest.mark.parametrize("role", sorted(EDITORS))
def test_another_tenants_ids_are_404(app, db, monkeypatch, role):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    _org, user = _principal(db, role)
    other_org, other_user = _principal(db, role)
    db.commit()
    failures = []
    for rule, method in _rules(app):
        expected = ACCESS[rule.endpoint]
        if not rule.arguments or expected == PUBLIC:
            continue
        if expected != ANY_USER and role not in expected:
            continue
        values = {arg: ARG_MAKERS[arg](db, other_org, other_user) for arg in rule.arguments}
        db.commit()
        client = app.test_client()
        headers = token_for(client, user.email) if rule.rule.startswith("/api/") else {}
        if not headers:
            login(client, user.email)
        with app.test_request_context():
            url = _url(rule, values)
        response = _call(app, client, rule, method, url, headers)
        if response.status_code != 404:
            failures.append(f"{method} {rule.rule}, another tenant's id: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- suppliers ------------------------------------------------------------------------------

ACCESS.update({
    "suppliers.index": EDITORS,
    "suppliers.create": EDITORS,
    "suppliers.detail": EDITORS,
    "suppliers.edit": EDITORS,
    "suppliers.delete": EDITORS,
    "suppliers.add_relationship": EDITORS,
    "suppliers.delete_relationship": EDITORS,
    "suppliers.import_page": EDITORS,
    "suppliers.import_job": EDITORS,
    "suppliers.import_status": EDITORS,
    "suppliers.template_download": EDITORS,
    "suppliers.export": EDITORS,
    "suppliers.network_view": EDITORS,
    "suppliers.loops": EDITORS,
    "suppliers_api.loops": EDITORS,
    "suppliers_api.list_suppliers": EDITORS,
    "suppliers_api.create_supplier": EDITORS,
    "suppliers_api.get_supplier": EDITORS,
    "suppliers_api.update_supplier": EDITORS,
    "suppliers_api.delete_supplier": EDITORS,
    "suppliers_api.import_suppliers": EDITORS,
    "suppliers_api.import_template_xlsx": EDITORS,
    "suppliers_api.export": EDITORS,
    "suppliers_api.list_relationships": EDITORS,
    "suppliers_api.create_relationship": EDITORS,
    "suppliers_api.delete_relationship": EDITORS,
    "suppliers_api.network": EDITORS,
    "suppliers_api.upstream": EDITORS,
    "suppliers_api.paths": EDITORS,
})


@register_arg("supplier_id")
def _supplier_id(db, org, user):
    from tests.suppliers.factories import make_supplier

    return make_supplier(db, org).id


@register_arg("relationship_id")
def _relationship_id(db, org, user):
    from tests.suppliers.factories import link, make_supplier

    return link(db, org, make_supplier(db, org)).id


@register_arg("job_id")
def _job_id(db, org, user):
    from suppliers.models import ImportJob

    job = ImportJob(org_id=org.id, user_id=user.id, filename="list.xlsx", status="done")
    db.add(job)
    db.flush()
    return job.id

ACCESS["openapi.document"] = PUBLIC

# --- favicon (h8) ---
ACCESS.update({"main.favicon": PUBLIC})
