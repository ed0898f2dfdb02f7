"""The supplier, relationship and network API (API.md)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.suppliers.factories import link, make_supplier

BODY = {
    "external_id": "VN-7781", "name": "Binh Duong Garment JSC", "country": "Viet Nam",
    "kind": "manufacturer", "sector": "Apparel", "products": ["jackets", "vests"],
    "address": "Thu Dau Mot, Binh Duong", "workers": 2100, "migrant_workers": 400,
    "female_workers": 1500,
    "identifiers": {"os_id": "VN2021123ABCDEF", "lei": "HWUPKR0MPOU8FGXBT394", "duns": "150483782"},
}


@pytest.fixture
def api(client, compliance_user):
    client.environ_base["HTTP_AUTHORIZATION"] = token_for(client, compliance_user.email)[
        "Authorization"]
    return client


def test_create_get_update_delete(api):
    created = api.post("/api/v1/suppliers", json=BODY)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["country"] == "VN"
    assert body["identifiers"] == {"os_id": "VN2021123ABCDEF", "lei": "HWUPKR0MPOU8FGXBT394",
                                   "duns": "150483782"}
    assert body["tier"] is None and body["risk"] is None
    sid = body["id"]
    assert api.get(f"/api/v1/suppliers/{sid}").json["name"] == BODY["name"]
    patched = api.patch(f"/api/v1/suppliers/{sid}", json={"workers": 2200, "country": "vnm"})
    assert patched.status_code == 200
    assert patched.json["workers"] == 2200 and patched.json["country"] == "VN"
    assert api.delete(f"/api/v1/suppliers/{sid}").status_code == 204
    # DELETE archives: the supplier leaves the list and the network and answers 404 like a
    # deleted resource, but its record (and history) stays, restorable from its page.
    assert sid not in [s["id"] for s in api.get("/api/v1/suppliers").json["items"]]
    assert sid not in [n["id"] for n in api.get("/api/v1/network").json["nodes"]]
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"workers": 1}} if method == "patch" else {}
        assert getattr(api, method)(f"/api/v1/suppliers/{sid}", **kwargs).status_code == 404
    assert api.get(f"/api/v1/suppliers/{sid}/upstream").status_code == 404


def test_unknown_country_is_422_naming_the_value(api):
    response = api.post("/api/v1/suppliers", json={"name": "X Mill", "country": "Atlantis"})
    assert response.status_code == 422
    detail = response.json["error"]["details"][0]
    assert detail["field"] == "country" and "Atlantis" in detail["message"]


def test_bad_values_name_their_fields(api):
    response = api.post("/api/v1/suppliers", json={
        "name": "", "country": "IN", "workers": -5, "kind": "castle",
        "identifiers": {"lei": "5493001KJTIIGC8Y1R13"}, "colour": "blue"})
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert {"field": "colour", "message": "unknown field"} in details
    assert {"field": "name", "message": "must not be blank"} in details
    assert {d["field"] for d in details} == {"colour", "name", "workers", "kind",
                                              "identifiers.lei"}
    # What JSON Schema cannot say (a count above the total) the service still checks.
    response = api.post("/api/v1/suppliers", json={
        "name": "Mill", "country": "IN", "workers": 5, "migrant_workers": 6})
    assert response.status_code == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["migrant_workers"]


def test_duplicate_identifier_is_409(api):
    api.post("/api/v1/suppliers", json=BODY)
    again = api.post("/api/v1/suppliers", json=BODY | {"external_id": "OTHER"})
    assert again.status_code == 409
    assert again.json["error"]["details"][0]["field"] == "os_id"


def test_stale_version_is_409(api):
    sid = api.post("/api/v1/suppliers", json=BODY).json["id"]
    assert api.patch(f"/api/v1/suppliers/{sid}", json={"workers": 2500, "version": 1}).status_code \
        == 200
    stale = api.patch(f"/api/v1/suppliers/{sid}", json={"workers": 2600, "version": 1})
    assert stale.status_code == 409


def test_list_filters_and_pagination(api, db, compliance_user):
    org = compliance_user.org
    for i in range(7):
        make_supplier(db, org, name=f"Agency {i}", country="NP", kind="recruitment_agency")
    make_supplier(db, org, name="Bangalore Mill", country="IN")
    db.commit()
    page = api.get("/api/v1/suppliers?country=Nepal&kind=recruitment_agency&per_page=5&page=2")
    assert page.status_code == 200
    assert page.json["total"] == 7 and page.json["page"] == 2 and len(page.json["items"]) == 2
    assert api.get("/api/v1/suppliers?q=bangalore").json["total"] == 1
    bad = api.get("/api/v1/suppliers?per_page=0")
    assert bad.status_code == 422
    assert api.get("/api/v1/suppliers?country=Mordor").status_code == 422
    assert api.get("/api/v1/suppliers?per_page=9999").json["per_page"] == 500


def test_relationships_tiers_network_upstream_paths(api, db, compliance_user):
    org = compliance_user.org
    factory = make_supplier(db, org, name="Factory")
    mill = make_supplier(db, org, name="Mill", kind="processor")
    agency = make_supplier(db, org, name="Agency", kind="recruitment_agency", country="NP")
    db.commit()
    assert api.post("/api/v1/relationships", json={"supplier_id": factory.id,
                                                   "customer_id": None}).status_code == 201
    assert api.post("/api/v1/relationships", json={"supplier_id": mill.id,
                                                   "customer_id": factory.id}).status_code == 201
    labour = api.post("/api/v1/relationships", json={
        "supplier_id": agency.id, "customer_id": factory.id, "kind": "labour",
        "product": "migrant workers"})
    assert labour.status_code == 201
    dup = api.post("/api/v1/relationships", json={"supplier_id": mill.id,
                                                  "customer_id": factory.id})
    assert dup.status_code == 409
    assert api.get(f"/api/v1/suppliers/{agency.id}").json["tier"] == 2

    net = api.get("/api/v1/network").json
    assert {n["id"]: n["tier"] for n in net["nodes"]} == {factory.id: 1, mill.id: 2,
                                                           agency.id: 2}
    assert {(e["source"], e["target"], e["kind"]) for e in net["edges"]} == {
        (factory.id, None, "goods"), (mill.id, factory.id, "goods"),
        (agency.id, factory.id, "labour")}
    limited = api.get("/api/v1/network?limit=2").json
    assert [n["tier"] for n in limited["nodes"]] == [1, 2]
    assert all(e["source"] in {n["id"] for n in limited["nodes"]} for e in limited["edges"])
    assert api.get("/api/v1/network?limit=0").status_code == 422
    up = api.get(f"/api/v1/suppliers/{factory.id}/upstream").json
    assert {n["id"] for n in up["nodes"]} == {factory.id, mill.id, agency.id}
    assert len(up["edges"]) == 2
    paths = api.get(f"/api/v1/suppliers/{agency.id}/paths").json
    assert paths == {"paths": [[agency.id, factory.id]], "truncated": False, "message": None}

    api.delete(f"/api/v1/relationships/{labour.json['id']}")
    assert api.get(f"/api/v1/suppliers/{agency.id}").json["tier"] is None


def test_relationship_validation(api, db, compliance_user):
    s = make_supplier(db, compliance_user.org)
    db.commit()
    assert api.post("/api/v1/relationships", json={"supplier_id": s.id, "customer_id": s.id}
                    ).status_code == 422
    r = api.post("/api/v1/relationships", json={"supplier_id": s.id, "kind": "friendship"})
    assert r.status_code == 422 and r.json["error"]["details"][0]["field"] == "kind"
    # A supplier that is not in your network is not found (404), naming the field.
    r = api.post("/api/v1/relationships", json={"supplier_id": 999999})
    assert r.status_code == 404 and r.json["error"]["details"][0]["field"] == "supplier_id"
    r = api.post("/api/v1/relationships", json={"supplier_id": s.id, "customer_id": 2**31})
    assert r.status_code == 422 and r.json["error"]["details"][0]["field"] == "customer_id"
    r = api.post("/api/v1/relationships", json={"supplier_id": s.id, "colour": "red"})
    assert r.json["error"]["details"] == [{"field": "colour", "message": "unknown field"}]


def test_cycles_are_allowed_and_never_hang(api, db, compliance_user):
    org = compliance_user.org
    a, b, c = (make_supplier(db, org, kind="trader") for _ in range(3))
    link(db, org, a)
    link(db, org, b, a)
    link(db, org, c, b)
    link(db, org, a, c)  # a -> c -> b -> a: a trading loop
    db.commit()
    assert api.get(f"/api/v1/suppliers/{c.id}").json["tier"] == 3
    paths = api.get(f"/api/v1/suppliers/{c.id}/paths").json["paths"]
    assert paths == [[c.id, b.id, a.id]]
    up = api.get(f"/api/v1/suppliers/{a.id}/upstream").json
    assert {n["id"] for n in up["nodes"]} == {a.id, b.id, c.id}


def test_another_tenants_supplier_is_404_everywhere(api, db):
    other = make_org(db, "buyer")
    make_user(db, other, "compliance")
    theirs = make_supplier(db, other)
    db.commit()
    for path in (f"/api/v1/suppliers/{theirs.id}", f"/api/v1/suppliers/{theirs.id}/upstream",
                 f"/api/v1/suppliers/{theirs.id}/paths"):
        assert api.get(path).status_code == 404
    assert api.patch(f"/api/v1/suppliers/{theirs.id}", json={"workers": 1}).status_code == 404
    r = api.post("/api/v1/relationships", json={"supplier_id": theirs.id})
    assert r.status_code == 404
    assert all(n["id"] != theirs.id for n in api.get("/api/v1/network").json["nodes"])


def test_exports_neutralise_formulas(api, db, compliance_user, tmp_path):
    org = compliance_user.org
    evil = make_supplier(db, org, name='=HYPERLINK("http://evil.example","click")',
                         sector="+cmd|' /C calc'!A0", address="@SUM(1+1)")
    link(db, org, evil)
    db.commit()
    xlsx = api.get("/api/v1/suppliers/export?format=xlsx")
    assert xlsx.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx.data)
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    name_cell = row[header.index("name")]
    assert name_cell.data_type == "s" and name_cell.value.startswith("'=")
    assert row[header.index("sector")].value.startswith("'+")
    assert row[header.index("address")].value.startswith("'@")

    text = api.get("/api/v1/suppliers/export?format=csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"].startswith("'=") and rows[0]["address"].startswith("'@")
    assert api.get("/api/v1/suppliers/export?format=pdf").status_code == 422


def test_export_reimports_without_changes(api, db, compliance_user, tmp_path):
    org = compliance_user.org
    factory = make_supplier(db, org, name="Factory A")
    mill = make_supplier(db, org, name="Mill B", kind="processor")
    link(db, org, factory)
    link(db, org, mill, factory)
    db.commit()
    path = tmp_path / "roundtrip.xlsx"
    path.write_bytes(api.get("/api/v1/suppliers/export?format=xlsx").data)
    with open(path, "rb") as f:
        again = api.post("/api/v1/suppliers/import", data={"file": (f, "roundtrip.xlsx")},
                         content_type="multipart/form-data")
    assert again.status_code == 200, again.json
    assert again.json["created"] == 0 and again.json["updated"] == 0
    assert again.json["relationships_created"] == 0


def test_trading_loops_are_reported(api, db, compliance_user):
    org = compliance_user.org
    a, b, c = (make_supplier(db, org, kind="trader", name=f"Trader {x}") for x in "ABC")
    link(db, org, a)
    link(db, org, b, a)
    link(db, org, c, b)
    link(db, org, a, c)
    db.commit()
    loops = api.get("/api/v1/network/loops").json["loops"]
    # edges run a -> c -> b -> a; a loop starts at its smallest id (a was created first)
    assert [[s["id"] for s in loop] for loop in loops] == [[a.id, c.id, b.id]]
    assert loops[0][0] == {"id": a.id, "name": "Trader A", "country": a.country}


def test_the_schema_and_the_service_agree_on_edge_values(api):
    """Values where JSON Schema and Python could disagree: the schema decides, the same way."""
    blank_name = api.post("/api/v1/suppliers", json={"name": "\x1f ", "country": "IN"})
    assert blank_name.status_code == 422
    assert blank_name.json["error"]["details"] == [{"field": "name",
                                                    "message": "must not be blank"}]
    ok = api.post("/api/v1/suppliers", json={"name": "\ufeffMill", "country": "IN"})
    assert ok.status_code == 201  # not whitespace to str.strip(), so not blank
    blank_lei = api.post("/api/v1/suppliers", json={"name": "Mill", "country": "IN",
                                                   "identifiers": {"lei": ""}})
    assert blank_lei.status_code == 422  # null, not "", says "none"
    assert blank_lei.json["error"]["details"][0]["field"] == "identifiers.lei"
    assert api.get("/api/v1/suppliers?page=1.0&per_page=5.0").json["per_page"] == 5
    extra = api.post("/api/v1/suppliers/import", data={"file": (io.BytesIO(b"x"), "a.csv"),
                                                       "dry_run": "1"},
                     content_type="multipart/form-data")
    assert extra.status_code == 422
    assert extra.json["error"]["details"] == [{"field": "dry_run", "message": "unknown field"}]


@pytest.mark.parametrize("name", ["\u0092", "\u0001\u001f", "'", " \t"])
def test_a_name_that_cleaning_empties_is_refused_by_the_schema(api, name):
    """The schema and the importer's cleaning agree (schemathesis ST202 found "\\u0092")."""
    response = api.post("/api/v1/suppliers", json={"name": name, "country": "IE"})
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "name"
