"""Who reads grievances: admins and compliance users of the buying company, unless an admin
withdrew it (pages 404, API 403 saying why; given back, it works again), never another company
(404 everywhere), never another role; and every read of a case's text is in the activity log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from grievances.services import cases
from tests.conftest import csrf_from, login, token_for
from tests.factories import make_org, make_user
from tests.grievances.helpers import NEPALI, make_case


@pytest.fixture(autouse=True)
def _app_context():
    """No shared app context here: each request must push its own (one shared context would
    share `g`, and with it the database session and the CSRF token, between requests)."""
    yield


PAGES = ("/grievances", "/grievances/{id}", "/grievances/effectiveness", "/grievances/channel")


@pytest.fixture
def company(db):
    org = make_org(db, "buyer")
    admin = make_user(db, org, "admin")
    reader = make_user(db, org, "compliance")
    case = make_case(db, org)
    db.commit()
    return org, admin, reader, case


def _reads(db, case) -> int:
    return db.scalar(select(func.count(ActivityEntry.id)).where(
        ActivityEntry.action == "grievances.read", ActivityEntry.object_id == case.id)) or 0


def test_withdrawn_reader_gets_404_on_pages_and_403_on_the_api_then_back(app, db, company):
    _org, admin, reader, case = company
    cases.set_access(db, admin=admin, user=reader, allowed=False)
    db.commit()
    client = app.test_client()
    login(client, reader.email)
    for page in PAGES:
        response = client.get(page.format(id=case.id))
        assert response.status_code == 404, page
        assert NEPALI not in response.text and case.case_code not in response.text
    api = token_for(app.test_client(), reader.email)
    for url in ("/api/v1/grievances", f"/api/v1/grievances/{case.id}",
                "/api/v1/grievance-channel"):
        response = app.test_client().get(url, headers=api)
        assert response.status_code == 403, url
        assert "withdrawn your access to grievances" in response.json["error"]["message"]
    # the home card hides itself too
    assert "Worker grievances" not in client.get("/").text
    assert _reads(db, case) == 0

    cases.set_access(db, admin=admin, user=reader, allowed=True)
    db.commit()
    page = client.get(f"/grievances/{case.id}")
    assert page.status_code == 200 and NEPALI in page.text
    assert app.test_client().get(f"/api/v1/grievances/{case.id}",
                                 headers=api).json["text"] == NEPALI
    assert _reads(db, case) == 2


def test_the_access_page_withdraws_and_gives_back(app, db, company):
    _org, admin, reader, _case = company
    client = app.test_client()
    login(client, admin.email)
    page = client.get("/grievances/access")
    assert page.status_code == 200 and reader.email in page.text
    response = client.post("/grievances/access", data={
        "csrf_token": csrf_from(page.text), "user_id": reader.id, "allowed": "0"})
    assert response.status_code == 302, response.text
    assert not cases.may_read(db, reader)
    assert "withdrawn" in client.get("/grievances/access").text
    entry = db.scalar(select(ActivityEntry).where(
        ActivityEntry.action == "grievances.access_withdrawn"))
    assert entry.object_id == reader.id and entry.actor_id == admin.id
    response = client.post("/grievances/access", data={
        "csrf_token": csrf_from(page.text), "user_id": reader.id, "allowed": "1"})
    assert cases.may_read(db, reader)
    # an admin cannot withdraw their own access (the page says so)
    response = client.post("/grievances/access", data={
        "csrf_token": csrf_from(page.text), "user_id": admin.id, "allowed": "0"},
        follow_redirects=True)
    assert "cannot withdraw your own access" in response.text and cases.may_read(db, admin)


def test_a_withdrawn_admin_cannot_give_it_back_to_themselves(app, db, company):
    org, admin, _reader, _case = company
    second = make_user(db, org, "admin")
    cases.set_access(db, admin=admin, user=second, allowed=False)
    db.commit()
    client = app.test_client()
    login(client, second.email)
    assert client.get("/grievances/access").status_code == 404
    response = client.post("/grievances/access", data={
        "csrf_token": csrf_from(client.get("/").text), "user_id": second.id, "allowed": "1"})
    assert response.status_code == 404 and not cases.may_read(db, second)


def test_compliance_cannot_open_the_access_page(app, db, company):
    _org, _admin, reader, _case = company
    client = app.test_client()
    login(client, reader.email)
    assert client.get("/grievances/access").status_code == 403


def test_another_companys_case_is_404_everywhere(app, db, company):
    _org, _admin, _reader, case = company
    stranger_org = make_org(db, "buyer")
    stranger = make_user(db, stranger_org, "admin")
    db.commit()
    client = app.test_client()
    login(client, stranger.email)
    token = csrf_from(client.get("/grievances").text)
    assert case.case_code not in client.get("/grievances").text
    assert client.get(f"/grievances/{case.id}").status_code == 404
    for path, data in (("messages", {"body": "hello"}), ("notes", {"body": "x"}),
                       ("status", {"to": "acknowledged"}), ("supplier", {"supplier_id": ""}),
                       ("retaliation", {"flag": "1"})):
        response = client.post(f"/grievances/{case.id}/{path}", data={"csrf_token": token,
                                                                      **data})
        assert response.status_code == 404, path
    api = token_for(app.test_client(), stranger.email)
    other = app.test_client()
    assert other.get(f"/api/v1/grievances/{case.id}", headers=api).status_code == 404
    assert other.patch(f"/api/v1/grievances/{case.id}", headers=api,
                       json={"status": "closed"}).status_code == 404
    assert other.post(f"/api/v1/grievances/{case.id}/messages", headers=api,
                      json={"body": "x"}).status_code == 404
    assert other.post(f"/api/v1/grievances/{case.id}/notes", headers=api,
                      json={"body": "x"}).status_code == 404
    assert other.get("/api/v1/grievances", headers=api).json["total"] == 0
    db.refresh(case)
    assert case.status == "received" and _reads(db, case) == 0


@pytest.mark.parametrize(("kind", "role"), [("supplier", "supplier"), ("supplier", "admin"),
                                            ("audit_firm", "auditor"), ("regulator", "regulator")])
def test_other_roles_are_refused(app, db, company, kind, role):
    _org, _admin, _reader, case = company
    user = make_user(db, make_org(db, kind), role)
    db.commit()
    client = app.test_client()
    login(client, user.email)
    assert client.get(f"/grievances/{case.id}").status_code in (403, 404)
    api = token_for(app.test_client(), user.email)
    assert app.test_client().get("/api/v1/grievances", headers=api).status_code == 403


def test_every_read_is_logged_with_its_reader(app, db, company):
    _org, admin, reader, case = company
    client = app.test_client()
    login(client, reader.email)
    for _ in range(3):
        assert client.get(f"/grievances/{case.id}").status_code == 200
    api = token_for(app.test_client(), admin.email)
    assert app.test_client().get(f"/api/v1/grievances/{case.id}", headers=api).status_code == 200
    entries = db.scalars(select(ActivityEntry).where(
        ActivityEntry.action == "grievances.read", ActivityEntry.object_id == case.id)
        .order_by(ActivityEntry.id)).all()
    assert [e.actor_id for e in entries] == [reader.id] * 3 + [admin.id]
    assert all(NEPALI not in (e.summary + str(e.details)) for e in entries)
    # the list is not a read of any text: it is not logged
    client.get("/grievances")
    app.test_client().get("/api/v1/grievances", headers=api)
    assert _reads(db, case) == 4
