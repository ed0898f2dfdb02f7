"""Every route, every kind of principal: who gets in, who is refused, and another tenant's ids
(or an unknown token) are 404.

The tables live with their package: tests/app/access.py for the shell, tests/<pkg>/access.py
for each domain package. Each holds
- ACCESS: endpoint -> what its decorator says (PUBLIC, ANY_USER or a frozenset of roles);
- MAKERS: how to make the value of a URL argument, `maker(db, org, user)`, keyed by the
  argument's name or by (endpoint, name) when an endpoint needs a different object;
- optionally KINDS: endpoint -> the org kinds whose members may call it (default: any), and
  UNKNOWN: argument name -> `maker()` of a value nobody owns (for public token routes), and
  SHARED_ARGS: argument names, or (endpoint, name), whose values are built-in reference data
  owned by no organisation (a questionnaire template's key): the cross-tenant probe skips a
  route whose every argument is one of them.
A route missing from every table, an entry for a route that does not exist, or a decorator
that disagrees with its entry fails.

Principals: anonymous, and every role of every organisation kind (an admin of a buyer, of a
supplier organisation, of an audit firm, of a regulator). An allowed call must not answer 401,
403, 404 or a redirect to sign in; a refused one must. The cross-tenant probe calls every
route with arguments, as every principal, with another organisation's objects (or, for
public routes, unknown values): 404 for everyone allowed, never a 2xx or 3xx.

Blocks appended at the end of this file by `ACCESS.update({...})` and `@register_arg(...)`
(the old way) still work: they apply after the tables, and register_arg makers take
precedence over a table's per-argument makers. To move one into its package's table, cut
the ACCESS entries into tests/<pkg>/access.py's ACCESS, and each `@register_arg("x")` maker
into its MAKERS as `"x": maker` (or `(endpoint, "x"): maker`); nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
import secrets
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

import tests
from app.access import ANY_USER, PUBLIC
from app.auth.roles import ORG_KINDS, ROLES_FOR_KIND
from tests.conftest import login, token_for
from tests.factories import make_org, make_user

EDITORS = frozenset({"admin", "compliance"})  # kept for blocks appended below


def _tables() -> list[Any]:
    found = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                found.append(importlib.import_module(f"tests.{info.name}.access"))
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.access":
                    raise
    return found


TABLES = _tables()
ACCESS: dict[str, object] = {}
TABLE_MAKERS: dict[object, Any] = {}
KINDS: dict[str, frozenset[str]] = {}
UNKNOWN: dict[str, Any] = {}
SHARED: set[Any] = set()
OVERLAPS: list[str] = []
for _table in TABLES:
    OVERLAPS += [f"{e} in {_table.__name__} and another table"
                 for e in set(_table.ACCESS) & set(ACCESS)]
    ACCESS.update(_table.ACCESS)
    TABLE_MAKERS.update(getattr(_table, "MAKERS", {}))
    KINDS.update(getattr(_table, "KINDS", {}))
    UNKNOWN.update(getattr(_table, "UNKNOWN", {}))
    SHARED.update(getattr(_table, "SHARED_ARGS", ()))

# Makers registered the old way (register_arg, at the end of this file).
ARG_MAKERS: dict[str, Any] = {}


def register_arg(name: str):
    def decorate(fn):
        ARG_MAKERS[name] = fn
        return fn

    return decorate


def maker_for(endpoint: str, arg: str):
    found = TABLE_MAKERS.get((endpoint, arg)) or ARG_MAKERS.get(arg) or TABLE_MAKERS.get(arg)
    assert found is not None, f"no maker for <{arg}> of {endpoint}: add one to MAKERS"
    return found


def unknown_value(rule, arg: str) -> Any:
    if arg in UNKNOWN:
        return UNKNOWN[arg]()
    if isinstance(rule._converters.get(arg), IntegerConverter):
        return 2**31 - 1  # in range of every id column, owned by nobody
    return "unknown-" + secrets.token_urlsafe(16)


# (org kind, role) of every principal but the anonymous one: every role of every kind.
PRINCIPALS = [(kind, role) for kind in ORG_KINDS for role in sorted(ROLES_FOR_KIND[kind])]
PRINCIPAL_IDS = [f"{kind}-{role}" for kind, role in PRINCIPALS]


def allowed(endpoint: str, principal: tuple[str, str] | None) -> bool:
    expected = ACCESS[endpoint]
    if expected == PUBLIC:
        return True
    if principal is None:
        return False
    kind, role = principal
    if kind not in KINDS.get(endpoint, ORG_KINDS):
        return False
    if hasattr(expected, "allows"):  # a richer rule object, if a decorator grows one
        return bool(expected.allows(kind, role))
    return expected == ANY_USER or role in expected  # type: ignore[operator]


def _rules(app: Flask):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_tables_are_found_and_do_not_overlap():
    names = {t.__name__ for t in TABLES}
    assert {"tests.app.access", "tests.suppliers.access"} <= names
    assert not OVERLAPS, "\n".join(OVERLAPS)


def test_expectations_follow_role_and_org_kind(monkeypatch):
    assert allowed("suppliers.index", ("buyer", "compliance"))
    assert not allowed("suppliers.index", ("audit_firm", "auditor"))
    assert not allowed("suppliers.purge", ("buyer", "compliance"))
    assert allowed("main.healthz", None) and not allowed("main.dashboard", None)
    monkeypatch.setitem(KINDS, "suppliers.index", frozenset({"buyer"}))
    assert not allowed("suppliers.index", ("regulator", "admin"))
    assert allowed("suppliers.index", ("buyer", "admin"))


def test_every_route_is_classified(app):
    problems = []
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for rule in app.url_map.iter_rules():
        expected = ACCESS.get(rule.endpoint)
        if expected is None:
            problems.append(f"{rule.endpoint} ({rule.rule}) is in no access table")
            continue
        if rule.endpoint == "static":
            continue
        actual = getattr(app.view_functions[rule.endpoint], "access", None)
        if actual != expected:
            problems.append(f"{rule.endpoint}: decorator says {actual!r}, table {expected!r}")
    problems += [f"{e} is in a table but no route has it" for e in sorted(set(ACCESS) - endpoints)]
    problems += [f"KINDS names {e}, which no table has" for e in sorted(set(KINDS) - set(ACCESS))]
    assert not problems, "\n".join(problems)


def _principal(db, principal: tuple[str, str] | None):
    kind, role = principal or ("buyer", "compliance")
    org = make_org(db, kind)
    return org, make_user(db, org, role)


def _client(app, rule, principal, user):
    client = app.test_client()
    headers: dict[str, str] = {}
    if principal is not None:
        if rule.rule.startswith("/api/"):
            headers = token_for(client, user.email)
        else:
            login(client, user.email)
    return client, headers


def _call(client, rule, method, values, headers):
    from flask import url_for

    with client.application.test_request_context():
        url = url_for(rule.endpoint, **values)
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {} if rule.rule.startswith("/api/") else None
    return client.open(url, method=method, **kwargs)


def _to_login(response) -> bool:
    # Refusals redirect to /login?next=...; a plain /login (after logout) is success.
    return response.status_code == 302 and "/login?next=" in response.headers.get("Location", "")


def _refused(response) -> bool:
    return response.status_code in (401, 403, 404) or _to_login(response)


@pytest.mark.parametrize("principal", [None, *PRINCIPALS], ids=["anonymous", *PRINCIPAL_IDS])
def test_role_by_route(app, db, monkeypatch, principal):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    failures = []
    org, user = _principal(db, principal)
    db.commit()
    who = "anonymous" if principal is None else "{}-{}".format(*principal)
    for rule, method in _rules(app):
        values = {arg: maker_for(rule.endpoint, arg)(db, org, user) for arg in rule.arguments}
        db.commit()
        client, headers = _client(app, rule, principal, user)
        response = _call(client, rule, method, values, headers)
        status = response.status_code
        label = f"{method} {rule.rule} as {who}: {status}"
        if status >= 500:
            failures.append(label + " (server error)")
        elif allowed(rule.endpoint, principal):
            if _refused(response):
                failures.append(label + " (should be allowed)")
        elif principal is None:
            if not (status == 401 or _to_login(response)):
                failures.append(label + " (anonymous should be refused)")
        elif status not in (403, 404):
            failures.append(label + " (should be forbidden)")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("principal", [None, *PRINCIPALS], ids=["anonymous", *PRINCIPAL_IDS])
def test_another_tenants_ids_are_404(app, db, monkeypatch, principal):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    failures, probed = cross_tenant_failures(app, db, principal)
    assert probed, "no route with arguments was probed"
    assert not failures, "\n".join(failures)


def cross_tenant_failures(app, db, principal) -> tuple[list[str], int]:
    _org, user = _principal(db, principal)
    other_org, other_user = _principal(db, principal)
    db.commit()
    who = "anonymous" if principal is None else "{}-{}".format(*principal)
    failures = []
    probed = 0
    for rule, method in _rules(app):
        if not rule.arguments:
            continue
        public = ACCESS[rule.endpoint] == PUBLIC
        if not public and all(a in SHARED or (rule.endpoint, a) in SHARED
                              for a in rule.arguments):
            continue  # nothing of another tenant's to name
        if public:
            values = {arg: unknown_value(rule, arg) for arg in rule.arguments}
        else:
            values = {arg: maker_for(rule.endpoint, arg)(db, other_org, other_user)
                      for arg in rule.arguments}
        db.commit()
        client, headers = _client(app, rule, principal, user)
        response = _call(client, rule, method, values, headers)
        probed += 1
        status = response.status_code
        label = f"{method} {rule.rule} as {who}, {'an unknown' if public else 'another tenant'}'s"
        if allowed(rule.endpoint, principal):
            if status != 404:
                failures.append(f"{label} id: {status} (should be 404)")
        elif not _refused(response):
            failures.append(f"{label} id: {status} (should be refused)")
    return failures, probed


def test_the_probe_catches_a_public_token_route_that_accepts_any_token(app, db, monkeypatch):
    """Public token routes are probed with an unknown token: one that answers 200 fails."""
    from app import create_app
    from app.access import public
    from app.db import get_db

    leaky = create_app({**app.config, "TESTING": True})

    @leaky.get("/answer/<token>")
    @public
    def answer(token):
        return "a questionnaire"  # no lookup: any token works

    @leaky.get("/answer-checked/<token>")
    @public
    def answer_checked(token):
        from app.errors import NotFound

        raise NotFound()

    get_db(leaky).test_connection = get_db(app).test_connection
    monkeypatch.setitem(ACCESS, "answer", PUBLIC)
    monkeypatch.setitem(ACCESS, "answer_checked", PUBLIC)
    try:
        failures, _ = cross_tenant_failures(leaky, db, ("supplier", "supplier"))
    finally:
        get_db(leaky).test_connection = None
        get_db(leaky).engine.dispose()
    assert [f for f in failures if "/answer" in f] == [
        "GET /answer/<token> as supplier-supplier, an unknown's id: 200 (should be 404)"]


# --- blocks appended by other areas (move them into tests/<pkg>/access.py: see above) -------
