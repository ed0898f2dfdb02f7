"""The case-handling API: the channel (made on first use), the list (filters, no text), one
case (text, messages and notes apart), moves (409 on an illegal one), the supplier link,
retaliation, messages and notes with hostile text."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grievances.models import Channel, Grievance, Message, Note
from grievances.services import intake
from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.grievances.helpers import NEPALI, make_case
from tests.suppliers.factories import make_supplier


@pytest.fixture(autouse=True)
def _app_context():
    """No shared app context: each request pushes its own (a shared one would share `g`)."""
    yield


@pytest.fixture
def org(db):
    return make_org(db, "buyer")


@pytest.fixture
def api(app, db, org):
    user = make_user(db, org, "compliance")
    db.commit()
    headers = token_for(app.test_client(), user.email)
    client = app.test_client()

    def call(method, url, **kwargs):
        return client.open(url, method=method, headers=headers, **kwargs)

    call.user = user
    return call


def test_the_channel_is_made_on_first_use_and_patched(app, db, org, api):
    assert db.scalar(select(Channel.id).where(Channel.org_id == org.id)) is None
    first = api("GET", "/api/v1/grievance-channel")
    assert first.status_code == 200
    body = first.json
    assert body["url"].endswith(f"/g/{body['intake_key']}") and body["workplaces"] == []
    assert "ne" in body["languages"] and len(body["languages"]) == 10
    assert api("GET", "/api/v1/grievance-channel").json["intake_key"] == body["intake_key"]
    assert db.scalar(select(func.count(Channel.id)).where(Channel.org_id == org.id)) == 1
    mill = make_supplier(db, org, name="Dhaka Denim Works")
    gin = make_supplier(db, org, name="Fergana Ginnery")
    theirs = make_supplier(db, make_org(db, "buyer"))
    db.commit()
    patched = api("PATCH", "/api/v1/grievance-channel", json={
        "languages": ["bn", "en"],
        "workplaces": [{"supplier_id": mill.id, "public_name": "Gazipur denim factory"},
                       {"supplier_id": gin.id}]})
    assert patched.status_code == 200, patched.json
    assert patched.json["languages"] == ["bn", "en"]
    assert sorted(w["public_name"] for w in patched.json["workplaces"]) == [
        "Fergana Ginnery", "Gazipur denim factory"]
    again = api("PATCH", "/api/v1/grievance-channel", json={
        "workplaces": [{"supplier_id": gin.id, "public_name": "Ginnery No. 3"}]})
    assert again.json["workplaces"] == [{"supplier_id": gin.id, "public_name": "Ginnery No. 3"}]
    refused = api("PATCH", "/api/v1/grievance-channel", json={
        "workplaces": [{"supplier_id": theirs.id}]})
    assert refused.status_code == 422
    assert refused.json["error"]["details"][0]["field"] == "workplaces.0.supplier_id"
    for bad in ({"languages": ["xx"]}, {"languages": []}, {"workplaces": [
            {"supplier_id": gin.id, "public_name": "a\x00b"}]}, {"colour": "red"}):
        assert api("PATCH", "/api/v1/grievance-channel", json=bad).status_code == 422, bad


def test_the_list_filters_and_never_carries_text(app, db, org, api):
    supplier = make_supplier(db, org)
    with app.app_context():
        late = make_case(db, org, days_ago=9, categories=["wages"], supplier=supplier)
        fresh = make_case(db, org, categories=["hours", "movement"], language="en",
                          text="Locked in at night")
    db.commit()
    listing = api("GET", "/api/v1/grievances")
    assert listing.status_code == 200
    assert [i["id"] for i in listing.json["items"]] == [late.id, fresh.id]
    assert listing.json["items"][0]["overdue"] is True
    assert NEPALI not in listing.text and "Locked in" not in listing.text
    assert "text" not in listing.json["items"][0]

    def ids(**query):
        return [i["id"] for i in api("GET", "/api/v1/grievances", query_string=query)
                .json["items"]]

    assert ids(overdue="true") == [late.id] and ids(overdue="false") == [fresh.id]
    assert ids(category="movement") == [fresh.id] and ids(supplier_id=supplier.id) == [late.id]
    assert ids(status="open") == [late.id, fresh.id] and ids(status="closed") == []
    assert ids(per_page=1, page=2) == [fresh.id]
    for bad in ({"status": "lost"}, {"category": "bribery"}, {"overdue": "maybe"},
                {"supplier_id": "x"}):
        assert api("GET", "/api/v1/grievances", query_string=bad).status_code == 422, bad


def test_one_case_has_its_text_with_messages_and_notes_apart(app, db, org, api):
    with app.app_context():
        case = make_case(db, org, place="Line 4", contact="+977 98-0000-0000")
        intake.reporter_reply(db, case, "कृपया छिटो गर्नुहोस्।")
    db.commit()
    sent = api("POST", f"/api/v1/grievances/{case.id}/messages",
               json={"body": "  We are on it. <b>bold</b>  "})
    assert sent.status_code == 201 and sent.json["body"] == "We are on it. <b>bold</b>"
    noted = api("POST", f"/api/v1/grievances/{case.id}/notes",
                json={"body": "Call the agency =1+1"})
    assert noted.status_code == 201
    one = api("GET", f"/api/v1/grievances/{case.id}").json
    assert one["text"] == NEPALI and one["place"] == "Line 4"
    assert one["contact"] == "+977 98-0000-0000"
    assert [(m["from_reporter"], m["body"]) for m in one["messages"]] == [
        (True, "कृपया छिटो गर्नुहोस्।"), (False, "We are on it. <b>bold</b>")]
    assert one["messages"][1]["author"] == api.user.email
    assert one["messages"][0]["author"] is None
    assert [n["body"] for n in one["notes"]] == ["Call the agency =1+1"]
    assert one["status"] == "acknowledged" and one["answered_at"]
    with app.app_context():
        view = intake.reporter_view(db, db.get(Grievance, case.id))
    assert "agency" not in str(view)


@pytest.mark.parametrize("path", ["messages", "notes"])
def test_bad_bodies_are_422_and_write_nothing(app, db, org, api, path):
    with app.app_context():
        case = make_case(db, org)
    db.commit()
    for body in ({"body": "a\x00b"}, {"body": "   "}, {"body": "x" * 10_001}, {},
                 {"body": 5}, {"body": "ok", "extra": 1}):
        response = api("POST", f"/api/v1/grievances/{case.id}/{path}", json=body)
        assert response.status_code == 422, body
    assert db.scalar(select(func.count(Message.id)).where(Message.grievance_id == case.id)) == 0
    assert db.scalar(select(func.count(Note.id)).where(Note.grievance_id == case.id)) == 0


def test_moves_link_and_retaliation_through_patch(app, db, org, api):
    mine = make_supplier(db, org)
    theirs = make_supplier(db, make_org(db, "buyer"))
    with app.app_context():
        case = make_case(db, org)
    db.commit()
    url = f"/api/v1/grievances/{case.id}"
    moved = api("PATCH", url, json={"status": "investigating", "supplier_id": mine.id,
                                    "retaliation": True})
    assert moved.status_code == 200, moved.json
    assert moved.json["status"] == "investigating" and moved.json["supplier_id"] == mine.id
    assert moved.json["retaliation"] is True and moved.json["moves"] == ["resolved", "closed"]
    illegal = api("PATCH", url, json={"status": "received"})
    assert illegal.status_code == 409
    assert "it can become: resolved, closed" in illegal.json["error"]["message"]
    assert api("PATCH", url, json={"supplier_id": theirs.id}).status_code == 404
    assert api("PATCH", url, json={"status": "lost"}).status_code == 422
    assert api("PATCH", url, json={"supplier_id": None}).json["supplier_id"] is None
    api("PATCH", url, json={"status": "closed"})
    reopened = api("PATCH", url, json={"status": "investigating"}).json
    assert reopened["reopened"] == 1 and reopened["closed_at"] is None
    assert api("PATCH", "/api/v1/grievances/2147483647", json={}).status_code == 404
