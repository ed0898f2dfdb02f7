"""Every audits route, pages and API, as the five people around one submitted audit: the
buyer's compliance user, the assigned auditor, another auditor of the same firm (404: a
colleague is not addressed), the connected supplier's user, and another buyer (404). The table
is AUDIENCE in tests/audits/access.py; a route missing from it fails here."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.audits.access import ACCESS, AUDIENCE, OK
from tests.audits.factories import (
    make_action,
    make_audit,
    make_auditor,
    make_evidence,
    make_fee,
    make_finding,
)
from tests.conftest import login, token_for
from tests.factories import make_org, make_user


def test_the_table_names_every_audits_route(app):
    routes = {r.endpoint for r in app.url_map.iter_rules()
              if r.endpoint.startswith(("audits.", "audits_api.", "audit_evidence."))}
    assert routes == set(AUDIENCE) == set(ACCESS)


def _scene(db):
    buyer = make_org(db, "buyer")
    firm = make_org(db, "audit_firm")
    supplier_org = make_org(db, "supplier")
    people = {"owner": make_user(db, buyer, "compliance"), "auditor": make_auditor(db, firm),
              "colleague": make_auditor(db, firm),
              "supplier": make_user(db, supplier_org, "supplier"),
              "stranger": make_user(db, make_org(db, "buyer"), "compliance")}
    audit = make_audit(db, buyer, auditor=people["auditor"], linked_org=supplier_org,
                       status="submitted")
    finding = make_finding(db, audit)
    action = make_action(db, finding)
    values = {"audit_id": audit.id, "finding_id": finding.id, "action_id": action.id,
              "supplier_id": audit.supplier_id,
              "evidence_id": make_evidence(db, action, uploaded_by=people["owner"]).id,
              "entry_id": make_fee(db, audit.supplier, finding=finding).id}
    db.commit()
    return audit, people, values


@pytest.mark.parametrize("endpoint", sorted(AUDIENCE))
def test_the_five_around_an_audit(app, db, monkeypatch, endpoint):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    audit, people, values = _scene(db)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **{a: values[a] for a in rule.arguments})
    api = url.startswith("/api/")
    failures = []
    for who, expected in AUDIENCE[endpoint].items():
        client = app.test_client()
        headers = token_for(client, people[who].email) if api else {}
        if not api:
            login(client, people[who].email)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            body = {"json": {}} if api and method != "GET" else {}
            response = client.open(url, method=method, headers=headers, **body)
            status = response.status_code
            label = f"{method} {url} as {who}: {status}"
            if expected == OK:
                to_login = status == 302 and "/login" in response.headers.get("Location", "")
                if status in (401, 403, 404) or status >= 500 or to_login:
                    failures.append(f"{label}, should be allowed")
                elif not rule.arguments and who in ("colleague", "stranger") \
                        and audit.supplier.name.encode() in response.data:
                    failures.append(f"{label}, and shows another's audit")
            elif status != expected:
                failures.append(f"{label}, should be {expected}")
    assert not failures, "\n".join(failures)
