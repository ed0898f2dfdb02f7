"""The screening pages and API: the review queue, decisions, "screen now", the lists and their
upload, who may do what, another company's hits and lists (404), the supplier panel and the
network's listed nodes."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from risk import services as risk
from risk.models import EntityList, ListEntry, ScreeningHit
from risk.screening import runs
from tests.conftest import csrf_from, token_for
from tests.factories import make_org, make_user
from tests.risk.page_helpers import signed_in, words
from tests.risk.screening_factories import HOSHINE, csv_bytes, make_hit, make_list
from tests.suppliers.factories import link, make_supplier


@pytest.fixture
def org(compliance_user):
    return compliance_user.org


@pytest.fixture
def admin(db, org):
    user = make_user(db, org, "admin")
    db.commit()
    return user


def entries(db) -> int:
    return db.scalar(select(func.count()).select_from(ListEntry))


# --- the review queue ------------------------------------------------------------------------

def test_the_queue_shows_each_hit_with_its_entry_list_edition_score_and_why(app, db, org,
                                                                            compliance_user):
    hit = make_hit(db, org)
    db.commit()
    page = signed_in(app, compliance_user).get("/risk/screening")
    assert page.status_code == 200
    text = words(page.text)
    assert "HOSHINE SILICON INDUSTRY CO LTD" in text
    assert "Hoshine Silicon Industry Co., Ltd. and Subsidiaries" in text
    assert "also Hesheng Silicon Industry" in text and "CN · listed 21 Jun 2022" in text
    assert "UFLPA Entity List US Department of Homeland Security · edition 2025-" in text
    assert 'same name once normalised ("hoshine industry silicon")' in text
    assert f'id="hit-{hit.id}"' in page.text
    assert "Last run" in text and "1 new possible match" in text
    # filters: nothing dismissed yet; the list filter keeps this list's hits
    client = signed_in(app, compliance_user)
    assert f'id="hit-{hit.id}"' not in client.get("/risk/screening?status=dismissed").text
    assert f'id="hit-{hit.id}"' in client.get(f"/risk/screening?list={hit.list_id}").text
    assert client.get("/risk/screening?status=maybe").status_code == 422


def test_hostile_entry_text_is_shown_as_text(app, db, org, compliance_user):
    make_list(db, org, [["<script>alert(1)</script> Silicon", "=HYPERLINK(\"x\")", "CN", "",
                         "", "<b>bold</b>", "https://example.org/?a=<x>"]])
    make_supplier(db, org, name="<script>alert(1)</script> Silicon", country="CN")
    runs.screen_org(db, org.id)
    db.commit()
    html = signed_in(app, compliance_user).get("/risk/screening").text
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Silicon" in html


def test_confirm_and_dismiss_from_the_page(app, db, org, compliance_user):
    hit = make_hit(db, org)
    db.commit()
    client = signed_in(app, compliance_user)
    token = csrf_from(client.get("/risk/screening").text)
    # a dismissal without a note is refused, and the hit stays open
    answer = client.post(f"/risk/screening/hits/{hit.id}", data={
        "csrf_token": token, "decision": "dismiss", "note": " "})
    assert answer.status_code == 303
    db.expire_all()
    assert db.get(ScreeningHit, hit.id).status == "open"
    answer = client.post(f"/risk/screening/hits/{hit.id}", data={
        "csrf_token": token, "decision": "confirm", "note": "Same registered address"})
    assert answer.status_code == 303
    db.expire_all()
    found = db.get(ScreeningHit, hit.id)
    assert (found.status, found.note, found.decided_by_id) == (
        "confirmed", "Same registered address", compliance_user.id)
    page = client.get("/risk/screening?status=confirmed").text
    assert f'id="hit-{hit.id}" data-status="confirmed"' in page
    assert f"by {compliance_user.email}" in page and "Same registered address" in page


def test_screen_now_runs_on_the_queue(app, db, org, compliance_user):
    make_list(db, org)
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    db.commit()
    client = signed_in(app, compliance_user)
    token = csrf_from(client.get("/risk/screening").text)
    answer = client.post("/risk/screening/run", data={"csrf_token": token})
    assert answer.status_code == 303  # the queue runs tasks at once in tests
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(ScreeningHit)
                     .where(ScreeningHit.org_id == org.id)) == 1
    assert "Last run" in client.get("/risk/screening").text


def test_other_organisations_see_nothing(app, db, org, compliance_user):
    hit = make_hit(db, org)
    other = make_org(db, "buyer")
    stranger = make_user(db, other, "compliance")
    supplier_user = make_user(db, make_org(db, "supplier"), "admin")
    db.commit()
    client = signed_in(app, stranger)
    assert f'id="hit-{hit.id}"' not in client.get("/risk/screening").text
    token = csrf_from(client.get("/risk/screening").text)
    assert client.post(f"/risk/screening/hits/{hit.id}", data={
        "csrf_token": token, "decision": "confirm"}).status_code == 404
    assert client.get(f"/risk/screening/lists/{hit.list_id}").status_code == 404
    assert signed_in(app, supplier_user).get("/risk/screening").status_code == 404
    db.expire_all()
    assert db.get(ScreeningHit, hit.id).status == "open"


# --- the lists -------------------------------------------------------------------------------

def test_compliance_reads_lists_and_admins_load_them(app, db, org, compliance_user, admin):
    make_list(db, None, name="Platform list")
    db.commit()
    reader = signed_in(app, compliance_user)
    page = reader.get("/risk/screening/lists")
    assert page.status_code == 200 and "Platform list" in page.text
    assert 'action="/risk/screening/lists"' not in page.text  # no upload form
    token = csrf_from(page.text)
    assert reader.post("/risk/screening/lists", data={"csrf_token": token}).status_code == 403
    client = signed_in(app, admin)
    page = client.get("/risk/screening/lists")
    assert 'action="/risk/screening/lists"' in page.text
    token = csrf_from(page.text)
    answer = client.post("/risk/screening/lists", data={
        "csrf_token": token, "name": "Our own list", "issuer": "Compliance team",
        "edition": "2026-12", "file": (io.BytesIO(csv_bytes([HOSHINE])), "ours.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 303
    listing = db.scalar(select(EntityList).where(EntityList.name == "Our own list"))
    assert listing.org_id == org.id
    assert answer.headers["Location"].endswith(f"/risk/screening/lists/{listing.id}")
    shown = client.get(f"/risk/screening/lists/{listing.id}").text
    assert "Hoshine Silicon Industry Co., Ltd. and Subsidiaries" in shown and "current" in shown


def test_a_hostile_upload_lists_every_problem_and_writes_nothing(app, db, org, admin):
    client = signed_in(app, admin)
    token = csrf_from(client.get("/risk/screening/lists").text)
    data = csv_bytes([HOSHINE, ["", "", "CN", "", "", "", ""],
                      ["Bad Url Co", "", "Atlantis", "", "", "", "javascript:alert(1)"]])
    answer = client.post("/risk/screening/lists", data={
        "csrf_token": token, "name": "L", "issuer": "I", "edition": "1",
        "file": (io.BytesIO(data), "bad.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 422
    text = words(answer.text)
    assert "3 problems in the file: nothing was loaded." in text
    assert "is blank: name the entity" in text and 'unknown country "Atlantis"' in text
    assert entries(db) == 0
    bomb = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"A" * (20 * 1024 * 1024))
    answer = client.post("/risk/screening/lists", data={
        "csrf_token": token, "name": "L", "issuer": "I", "edition": "1",
        "file": (io.BytesIO(bomb.getvalue()), "bomb.xlsx")}, content_type="multipart/form-data")
    assert answer.status_code == 422 and "zip bombs do" in answer.text
    dry = client.post("/risk/screening/lists", data={
        "csrf_token": token, "name": "L", "issuer": "I", "edition": "1", "dry_run": "y",
        "file": (io.BytesIO(csv_bytes([HOSHINE])), "ok.csv")}, content_type="multipart/form-data")
    assert dry.status_code == 200 and "nothing was loaded" in dry.text and entries(db) == 0


# --- the API ---------------------------------------------------------------------------------

def test_api_hits_filters_and_decisions(client, db, org, compliance_user):
    hit = make_hit(db, org)
    db.commit()
    headers = token_for(client, compliance_user.email)
    page = client.get("/api/v1/screening/hits", headers=headers).json
    assert page["total"] == 1
    [item] = page["items"]
    assert (item["id"], item["status"], item["certain"]) == (hit.id, "open", False)
    assert item["entry"]["name"] == HOSHINE[0] and item["entry"]["country"] == "CN"
    assert item["list"]["name"] == "UFLPA Entity List"
    assert item["edition"]["superseded_at"] is None
    assert client.get("/api/v1/screening/hits?status=confirmed",
                      headers=headers).json["total"] == 0
    assert client.get("/api/v1/screening/hits?list=999999",
                      headers=headers).json["total"] == 0
    assert client.get("/api/v1/screening/hits?status=nope", headers=headers).status_code == 422
    refused = client.post(f"/api/v1/screening/hits/{hit.id}", headers=headers,
                          json={"decision": "dismiss"})
    assert refused.status_code == 422 and refused.json["error"]["details"][0]["field"] == "note"
    done = client.post(f"/api/v1/screening/hits/{hit.id}", headers=headers,
                       json={"decision": "confirm", "note": "Same company"})
    assert done.status_code == 200
    assert (done.json["status"], done.json["decided_by"]) == ("confirmed", compliance_user.email)
    supplier = client.get("/api/v1/network", headers=headers).json["nodes"]
    assert [n["listed"] for n in supplier if n["id"] == hit.supplier_id] == [True]


def test_api_tenancy_and_roles(client, db, org):
    hit = make_hit(db, org)
    stranger = make_user(db, make_org(db, "buyer"), "admin")
    supplier_user = make_user(db, make_org(db, "supplier"), "admin")
    db.commit()
    theirs = token_for(client, stranger.email)
    assert client.post(f"/api/v1/screening/hits/{hit.id}", headers=theirs,
                       json={"decision": "confirm"}).status_code == 404
    assert client.get("/api/v1/screening/hits", headers=theirs).json["total"] == 0
    assert all(i["id"] != hit.list_id for i in
               client.get("/api/v1/screening/lists", headers=theirs).json["items"])
    outsider = token_for(client, supplier_user.email)
    assert client.get("/api/v1/screening/hits", headers=outsider).status_code == 403
    assert client.post(f"/api/v1/screening/hits/{hit.id}", headers=outsider,
                       json={"decision": "confirm"}).status_code == 403


def test_api_upload(client, db, org, compliance_user, admin):
    as_admin = token_for(client, admin.email)
    answer = client.post("/api/v1/screening/lists", headers=as_admin,
                         content_type="multipart/form-data", data={
                             "file": (io.BytesIO(csv_bytes([HOSHINE])), "uflpa.csv"),
                             "name": "UFLPA copy", "issuer": "US DHS", "edition": "2025"})
    assert answer.status_code == 201
    assert (answer.json["edition"], answer.json["entries"], answer.json["list"]["name"]) == (
        "2025", 1, "UFLPA copy")
    # the fields as query arguments, as the OpenAPI document describes them
    answer = client.post("/api/v1/screening/lists?name=UFLPA%20copy&issuer=US%20DHS"
                         "&edition=2026", headers=as_admin, content_type="multipart/form-data",
                         data={"file": (io.BytesIO(csv_bytes([HOSHINE])), "uflpa.csv")})
    assert answer.status_code == 201
    lists = client.get("/api/v1/screening/lists", headers=as_admin).json["items"]
    [mine] = [i for i in lists if i["name"] == "UFLPA copy"]
    assert mine["current_edition"]["edition"] == "2026" and len(mine["editions"]) == 2
    # hostile: every row problem, nothing written
    before = entries(db)
    bad = csv_bytes([["=cmd", "", "Atlantis", "", "", "", ""], ["X\x01Y", "", "CN", "AB", "", "",
                                                                  ""]])
    answer = client.post("/api/v1/screening/lists", headers=as_admin,
                         content_type="multipart/form-data", data={
                             "file": (io.BytesIO(bad), "bad.csv"), "name": "B", "issuer": "I",
                             "edition": "1"})
    assert answer.status_code == 422
    assert [(d["row"], d["column"]) for d in answer.json["error"]["details"]] == [
        (2, "country"), (3, "identifiers")]
    assert entries(db) == before
    # a duplicate edition is 409, another type 415, an unknown field 422, compliance 403
    dup = client.post("/api/v1/screening/lists", headers=as_admin,
                      content_type="multipart/form-data", data={
                          "file": (io.BytesIO(csv_bytes([HOSHINE])), "u.csv"),
                          "name": "UFLPA copy", "issuer": "US DHS", "edition": "2026"})
    assert dup.status_code == 409
    png = client.post("/api/v1/screening/lists", headers=as_admin,
                      content_type="multipart/form-data", data={
                          "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 40), "u.xlsx"),
                          "name": "P", "issuer": "I", "edition": "1"})
    assert png.status_code == 415
    extra = client.post("/api/v1/screening/lists", headers=as_admin,
                        content_type="multipart/form-data", data={
                            "file": (io.BytesIO(csv_bytes([HOSHINE])), "u.csv"),
                            "name": "P", "issuer": "I", "edition": "1", "platform": "1"})
    assert extra.status_code == 422
    as_compliance = token_for(client, compliance_user.email)
    assert client.post("/api/v1/screening/lists", headers=as_compliance,
                       content_type="multipart/form-data", data={
                           "file": (io.BytesIO(csv_bytes([HOSHINE])), "u.csv"), "name": "C",
                           "issuer": "I", "edition": "1"}).status_code == 403


# --- the supplier page and the network -------------------------------------------------------

def test_the_supplier_panel_shows_the_listing_and_its_customer_the_path(app, db, org,
                                                                        compliance_user):
    from risk.screening import decisions

    hit = make_hit(db, org)
    listed = db.get(ScreeningHit, hit.id).supplier_id
    from suppliers.models import Supplier

    supplier = db.get(Supplier, listed)
    customer = make_supplier(db, org, name="Saigon Solar Panels", country="VN")
    link(db, org, supplier, customer)
    link(db, org, customer)
    decisions.decide(db, hit, decision="confirm", actor=compliance_user)
    risk.recompute(db, org.id)
    db.commit()
    client = signed_in(app, compliance_user)
    page = client.get(f"/suppliers/{supplier.id}").text
    assert 'data-factor="entity_list"' in page
    assert 'class="flash flash-error r-listed"' in page
    assert "On a forced-labour entity list: UFLPA Entity List" in words(page)
    assert f"/risk/screening?status=all#hit-{hit.id}" in page
    downstream_page = client.get(f"/suppliers/{customer.id}").text
    assert "r-listed" not in downstream_page  # inherits the risk, is not itself listed
    downstream = words(downstream_page)
    assert "Inherited through" in downstream and "HOSHINE SILICON INDUSTRY CO LTD" in downstream
    api = client.get(f"/api/v1/suppliers/{customer.id}/risk",
                     headers=token_for(client, compliance_user.email)).json
    assert api["inherited"]["from_supplier_id"] == supplier.id
    assert api["inherited"]["path"] == [supplier.id, customer.id]
    factors = client.get(f"/api/v1/suppliers/{supplier.id}/risk",
                         headers=token_for(client, compliance_user.email)).json["factors"]
    [listing] = [f for f in factors if f["code"] == "entity_list"]
    assert listing["evidence"][0]["url"] == f"/risk/screening?status=all#hit-{hit.id}"


def test_the_network_marks_listed_nodes_and_explains_the_mark(app, db, org, compliance_user):
    from pathlib import Path

    make_supplier(db, org, name="Plain Mill", country="BD")
    db.commit()
    nodes = signed_in(app, compliance_user).get("/api/v1/network").json["nodes"]
    assert {n["listed"] for n in nodes} == {False}
    script = (Path(app.static_folder) / "js" / "network-style.js").read_text()
    assert 'selector: "node[?listed]"' in script
    assert "On a forced-labour entity list" in script  # the legend's entry
