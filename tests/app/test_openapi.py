"""The OpenAPI document is valid, and what it says is what each route does."""

from __future__ import annotations

import io
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import token_for
from tests.factories import PASSWORD
from tests.suppliers.factories import link, make_supplier

CSV = b"name,country,kind\nDhaka Knit Ltd,BD,manufacturer\n"


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    return response.json


def _validator(spec, schema):
    registry = Registry().with_resource("urn:doc", Resource(spec, specification=DRAFT202012))
    return Draft202012Validator(
        {"$ref": "urn:doc#"} if schema is None else _rebase(schema), registry=registry)


def _rebase(schema):
    """Point the document's local $refs at the registered copy of the document."""
    if isinstance(schema, dict):
        return {k: ("urn:doc" + v if k == "$ref" and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def test_document_is_valid_and_names_every_route(app, spec):
    validate(spec)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "api", None) is not None, f"{rule.endpoint} has no @api_route"
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)  # <int:id>, <intake_key:...>
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    for ops in spec["paths"].values():
        for op in ops.values():
            assert op["summary"] and not op["summary"].startswith(("suppliers_api.", "auth_api."))


def test_bodies_parameters_and_statuses_are_documented(spec):
    paths = spec["paths"]
    token = paths["/api/v1/auth/tokens"]["post"]
    assert token["security"] == []
    assert token["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TokenRequest"}
    assert set(token["responses"]) == {"201", "401", "413", "422", "429", "503"}
    revoke = paths["/api/v1/auth/tokens/current"]["delete"]
    assert "204" in revoke["responses"] and "content" not in revoke["responses"]["204"]
    one = paths["/api/v1/suppliers/{supplier_id}"]
    assert set(one) == {"get", "patch", "delete"}
    assert one["get"]["parameters"][0] == {
        "name": "supplier_id", "in": "path", "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
    assert set(one["delete"]["responses"]) == {"204", "401", "403", "404", "409", "503"}
    assert one["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SupplierPatch")
    listing = paths["/api/v1/suppliers"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "q", "country", "kind", "tier", "band", "sort", "page", "per_page"}
    created = paths["/api/v1/suppliers"]["post"]["responses"]
    assert "201" in created and "200" not in created
    upload = paths["/api/v1/suppliers/import"]["post"]
    multipart = upload["requestBody"]["content"]["multipart/form-data"]
    assert multipart["schema"]["required"] == ["file"]
    assert multipart["schema"]["properties"]["file"]["format"] == "binary"
    assert set(upload["responses"]) >= {"200", "413", "415", "422"}
    assert "201" not in upload["responses"]
    assert [p["name"] for p in upload["parameters"]] == ["dry_run"]
    export = paths["/api/v1/suppliers/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert [p["name"] for p in export["parameters"]] == ["format"]
    for path, ops in paths.items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (path, method, status)


def _success_calls(db, user, client):
    org = user.org
    factory = make_supplier(db, org, name="Factory")
    mill = make_supplier(db, org, name="Mill")
    spare = make_supplier(db, org, name="Spare")
    to_invite = make_supplier(db, org, name="Invited Mill")
    connected = make_supplier(db, org, name="Connected Mill")
    from tests.factories import make_org

    connected.linked_org_id = make_org(db, "supplier").id
    link(db, org, factory)
    edge = link(db, org, mill, factory)
    db.commit()
    throwaway = token_for(client, user.email)
    from app.jobs.models import Job
    from app.people.services import invite
    from tests.factories import make_user

    admin = make_user(db, org, "admin")
    colleague = make_user(db, org, "compliance")
    job = Job(org_id=org.id, user_id=user.id, kind="test.noop", status="done")
    db.add(job)
    links: list[str] = []
    invite(db, org=org, actor=admin, email="joiner@example.org", role="compliance",
           link_for=lambda raw: links.append(raw) or f"http://localhost/invitations/{raw}")
    db.commit()
    as_admin = token_for(client, admin.email)
    return {
        ("get", "/api/v1/people"): dict(headers=as_admin, query_string={"page": 1}),
        ("post", "/api/v1/people/invitations"): dict(
            headers=as_admin, json={"email": "new.colleague@example.org", "role": "compliance"}),
        ("patch", "/api/v1/people/{user_id}"): dict(headers=as_admin, id=colleague.id,
                                                     json={"role": "admin"}),
        ("post", "/api/v1/invitations/{token}/accept"): dict(
            headers={}, id=links[0], json={"name": "Joiner", "password": "lantern-orchard-77"}),
        ("get", "/api/v1/outbox"): dict(headers=as_admin, query_string={"status": "pending"}),
        ("get", "/api/v1/jobs/{job_id}"): dict(id=job.id),
        ("post", "/api/v1/auth/tokens"): dict(json={"email": user.email,
                                                     "password": PASSWORD}),
        ("delete", "/api/v1/auth/tokens/current"): dict(headers=throwaway),
        ("get", "/api/v1/me"): {},
        ("get", "/api/v1/openapi.json"): {},
        ("get", "/api/v1/suppliers"): dict(query_string={"country": "Viet Nam", "page": 1}),
        ("post", "/api/v1/suppliers"): dict(json={"name": "New Mill", "country": "VNM"}),
        ("get", "/api/v1/suppliers/{supplier_id}"): dict(id=factory.id),
        ("patch", "/api/v1/suppliers/{supplier_id}"): dict(id=factory.id, json={"workers": 9000}),
        ("delete", "/api/v1/suppliers/{supplier_id}"): dict(id=spare.id),
        ("get", "/api/v1/suppliers/{supplier_id}/upstream"): dict(id=factory.id),
        ("get", "/api/v1/suppliers/{supplier_id}/paths"): dict(id=mill.id),
        ("post", "/api/v1/suppliers/{supplier_id}/connection"): dict(
            id=to_invite.id, json={"email": "contact@invitedmill.example"}),
        ("delete", "/api/v1/suppliers/{supplier_id}/connection"): dict(id=connected.id),
        ("post", "/api/v1/suppliers/import"): dict(
            query_string={"dry_run": "true"}, content_type="multipart/form-data",
            data={"file": (io.BytesIO(CSV), "list.csv")}),
        ("get", "/api/v1/suppliers/import-template.xlsx"): {},
        ("get", "/api/v1/suppliers/export"): dict(query_string={"format": "csv"}),
        ("get", "/api/v1/relationships"): dict(query_string={"supplier_id": mill.id}),
        ("post", "/api/v1/relationships"): dict(json={"supplier_id": mill.id}),
        ("delete", "/api/v1/relationships/{relationship_id}"): dict(id=edge.id),
        ("get", "/api/v1/network"): dict(query_string={"max_tier": 2, "limit": 10}),
        ("get", "/api/v1/network/loops"): {},
    }


def _package_calls(db, user, client) -> dict:
    """Success calls that domain packages keep beside their tests: a module
    tests/<pkg>/openapi_calls.py with `success_calls(db, user, client)`, in the same shape."""
    import importlib
    import pkgutil

    import tests

    calls: dict = {}
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.openapi_calls")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{info.name}.openapi_calls":
                raise
            continue
        calls.update(module.success_calls(db, user, client))
    return calls


def test_every_operation_answers_what_it_documents(client, db, compliance_user, spec):
    headers = token_for(client, compliance_user.email)
    calls = _success_calls(db, compliance_user, client) | _package_calls(
        db, compliance_user, client)
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert documented == set(calls), "every operation needs a success call here"
    for (method, path), call in calls.items():
        call = dict(call)
        # `url` for a path with more than one argument; else `id` fills the one it has
        url = call.pop("url", None) or re.sub(r"\{[a-z_]+\}", str(call.pop("id", "")), path)
        call.setdefault("headers", headers)
        response = client.open(url, method=method.upper(), **call)
        op = spec["paths"][path][method]
        success = [s for s in op["responses"] if int(s) < 400]
        # one success status, or a main one and others (a report: the file, or 202 queued)
        assert str(response.status_code) == success[0], (method, path, response.data[:300])
        documented_response = op["responses"][success[0]]
        if response.status_code == 204:
            assert response.data == b""
            continue
        media = response.mimetype
        content = documented_response["content"]
        assert any(media == c.split(";")[0] for c in content), (method, path, media)
        if media == "application/json":
            schema = content["application/json"]["schema"]
            errors = list(_validator(spec, schema).iter_errors(response.json))
            assert not errors, (method, path, [e.message for e in errors[:3]])


def test_a_bad_request_answers_a_documented_error(client, compliance_user, spec):
    headers = token_for(client, compliance_user.email)
    error_schema = {"$ref": "#/components/schemas/Error"}
    cases = [
        ("post", "/api/v1/suppliers", dict(json={"name": "X", "country": "Atlantis"}), 422),
        ("get", "/api/v1/suppliers", dict(query_string={"per_page": "0"}), 422),
        ("get", "/api/v1/suppliers/{supplier_id}", dict(url="/api/v1/suppliers/2147483648"), 404),
        ("get", "/api/v1/network", dict(query_string={"limit": "²"}), 422),
        ("post", "/api/v1/suppliers/import",
         dict(data={"file": (io.BytesIO(b"\x89PNG\r\n"), "x.png")},
              content_type="multipart/form-data"), 415),
        ("get", "/api/v1/me", dict(headers={}), 401),
    ]
    for method, path, call, status in cases:
        call.setdefault("headers", headers)
        response = client.open(call.pop("url", path), method=method.upper(), **call)
        assert response.status_code == status, (path, response.json)
        assert str(status) in spec["paths"][path][method]["responses"], (path, status)
        assert not list(_validator(spec, error_schema).iter_errors(response.json))


def test_an_unsupported_method_is_405_with_allow(client):
    response = client.open("/api/v1/network", method="TRACE")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}
    assert client.open("/suppliers", method="TRACE").headers.get("Allow")  # pages too
