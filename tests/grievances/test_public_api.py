"""The worker's channel over JSON: report, follow and reply with no account and no CSRF; an
unknown key or a wrong pair is 404, a malformed report 422 naming the field; the OpenAPI
document marks the routes public; no cookie is ever set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grievances.models import Grievance, Message
from grievances.services import cases
from tests.conftest import token_for
from tests.grievances.public_support import NEPALI, fresh_limits, make_site

REPORT = {"categories": ["identity_documents", "recruitment_fees"], "text": NEPALI,
          "language": "ne"}


@pytest.fixture(autouse=True)
def _app_context():
    """Each request in its own app context (see test_public.py)."""
    yield


@pytest.fixture(autouse=True)
def _limits():
    yield from fresh_limits()


@pytest.fixture
def site(db):
    return make_site(db)


def _report(client, site, **changes):
    return client.post(f"/api/v1/grievances/{site.channel.intake_key}", json=REPORT | changes)


def test_report_follow_and_reply_without_an_account(app, client, db, site):
    sent = _report(client, site, supplier_id=site.supplier.id, contact="+60 12-345 6789")
    assert sent.status_code == 201, sent.json
    body = sent.json
    assert set(body) == {"case_code", "secret", "status_url", "follow_url"}
    assert body["status_url"].endswith("/api/v1/grievances/status")
    assert body["follow_url"].endswith("/g/follow") and "secret" not in body["status_url"]
    assert not sent.headers.getlist("Set-Cookie")
    grievance = db.scalar(select(Grievance).where(Grievance.case_code == body["case_code"]))
    assert grievance.supplier_id == site.supplier.id and grievance.language == "ne"

    with app.app_context():
        cases.send_message(db, grievance, actor=site.user, body="We are looking into it.")
        db.commit()
    pair = {"case": body["case_code"].lower(), "secret": body["secret"].replace("-", " ")}
    status = client.get("/api/v1/grievances/status", query_string=pair)
    assert status.status_code == 200, status.json
    view = status.json
    assert view["case_code"] == body["case_code"] and view["status"] == "acknowledged"
    assert view["categories"] == REPORT["categories"]
    assert view["messages"] == [{"from": "company", "body": "We are looking into it.",
                                 "at": view["messages"][0]["at"]}]
    assert view["acknowledge_due_on"] < view["answer_due_on"]
    assert not status.headers.getlist("Set-Cookie")

    reply = client.post("/api/v1/grievances/status/reply",
                        json={**pair, "message": "  धन्यवाद\r\nअझै पर्खिँदैछु  "})
    assert reply.status_code == 201, reply.json
    assert reply.json["message"]["from"] == "you"
    assert reply.json["message"]["body"] == "धन्यवाद\nअझै पर्खिँदैछु"
    again = client.get("/api/v1/grievances/status", query_string=pair).json
    assert [m["from"] for m in again["messages"]] == ["company", "you"]
    assert again["messages"][1]["body"] == "धन्यवाद\nअझै पर्खिँदैछु"


def test_no_csrf_and_no_session_is_needed_or_used(app, client, site, compliance_user):
    assert app.config.get("WTF_CSRF_ENABLED", True)  # checked, as in production
    assert _report(client, site).status_code == 201
    signed_in = token_for(client, compliance_user.email)
    # a company user's token changes nothing: the report is still anonymous
    sent = client.post(f"/api/v1/grievances/{site.channel.intake_key}", json=REPORT,
                       headers=signed_in)
    assert sent.status_code == 201


def test_an_unknown_key_is_404_whatever_the_body(client, db):
    for body in (REPORT, {}, {"categories": "x"}):
        answer = client.post("/api/v1/grievances/unknown-key-123", json=body)
        assert answer.status_code == 404, answer.json
        assert answer.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(("changes", "field"), [
    ({"categories": []}, "categories"),
    ({"categories": ["bribery"]}, "categories.0"),
    ({"categories": "wages"}, "categories"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"text": "a\x00b"}, "text"),
    ({"text": 42}, "text"),
    ({"language": "nepali"}, "language"),
    ({"language": "NE"}, "language"),
    ({"place": "p" * 201}, "place"),
    ({"contact": "c\x00"}, "contact"),
    ({"supplier_id": "1"}, "supplier_id"),
    ({"supplier_id": 0}, "supplier_id"),
    ({"ip": "203.0.113.9"}, "ip"),
])
def test_a_malformed_report_is_422_naming_the_field(client, db, site, changes, field):
    answer = _report(client, site, **changes)
    assert answer.status_code == 422, answer.json
    assert field in {d["field"] for d in answer.json["error"]["details"]}, answer.json
    assert db.scalar(select(Grievance.id)) is None


def test_missing_fields_and_an_unlisted_workplace_are_422(client, db, site):
    other = make_site(db, name="Another Buyer Ltd")
    answer = _report(client, site, supplier_id=other.supplier.id)
    assert answer.status_code == 422
    assert answer.json["error"]["details"][0]["field"] == "supplier_id"
    bare = client.post(f"/api/v1/grievances/{site.channel.intake_key}", json={})
    assert {d["field"] for d in bare.json["error"]["details"]} == {
        "categories", "text", "language"}
    form = client.post(f"/api/v1/grievances/{site.channel.intake_key}", data=REPORT)
    assert form.status_code == 422 and form.json["error"]["details"][0]["field"] == "body"


def test_hostile_text_comes_back_as_it_was_sent(client, site):
    text = ("<script>alert(1)</script> =HYPERLINK(\"http://evil.example\") "
            "صاحب العمل أخذ جواز سفري 老板扣了我的护照")
    sent = _report(client, site, text=text, place="=1+1", language="ar").json
    pair = {"case": sent["case_code"], "secret": sent["secret"]}
    client.post("/api/v1/grievances/status/reply", json={**pair, "message": text})
    view = client.get("/api/v1/grievances/status", query_string=pair)
    assert view.json["messages"][0]["body"] == text
    assert view.mimetype == "application/json"


def test_a_wrong_pair_is_404_and_a_bad_query_422(client, db, site):
    sent = _report(client, site).json
    wrong = sent["secret"][:-1] + ("A" if sent["secret"][-1] != "A" else "B")
    for pair in ({"case": sent["case_code"], "secret": wrong},
                 {"case": "ZZZZ-ZZZZ", "secret": sent["secret"]},
                 {"case": sent["case_code"], "secret": sent["secret"] + "X"}):
        assert client.get("/api/v1/grievances/status", query_string=pair).status_code == 404
        reply = client.post("/api/v1/grievances/status/reply", json={**pair, "message": "hi"})
        assert reply.status_code == 404
    assert db.scalar(select(Message.id)) is None
    for query in ({}, {"case": sent["case_code"]}, {"case": "x" * 41, "secret": "y"},
                  {"case": "----", "secret": sent["secret"]}):
        answer = client.get("/api/v1/grievances/status", query_string=query)
        assert answer.status_code == 422, (query, answer.json)
    empty = client.post("/api/v1/grievances/status/reply",
                        json={"case": sent["case_code"], "secret": sent["secret"],
                              "message": " "})
    assert empty.status_code == 422 and empty.json["error"]["details"][0]["field"] == "message"


def test_the_openapi_document_marks_the_channel_public(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    operations = [paths["/api/v1/grievances/{intake_key}"]["post"],
                  paths["/api/v1/grievances/status"]["get"],
                  paths["/api/v1/grievances/status/reply"]["post"]]
    for op in operations:
        assert op["security"] == [] and "401" not in op["responses"]
        assert "429" in op["responses"] and "422" in op["responses"]
    assert set(operations[0]["responses"]) == {"201", "404", "413", "422", "429", "503"}
    assert {p["name"] for p in operations[1]["parameters"]} == {"case", "secret"}
    report = operations[0]["requestBody"]["content"]["application/json"]["schema"]
    assert report == {"$ref": "#/components/schemas/GrievanceReport"}


def test_an_intake_key_is_never_a_case_id_nor_status(client, site):
    """The report's path shares /api/v1/grievances/ with the company's cases and the status
    call: a key is a token, so each path belongs to one operation (found by the fuzzer)."""
    key = site.channel.intake_key
    allowed = {path: set(client.open(path, method="OPTIONS").headers["Allow"].split(", "))
               for path in (f"/api/v1/grievances/{key}", "/api/v1/grievances/status",
                            "/api/v1/grievances/2")}
    assert allowed[f"/api/v1/grievances/{key}"] == {"POST", "OPTIONS"}
    assert "POST" not in allowed["/api/v1/grievances/status"]
    assert "POST" not in allowed["/api/v1/grievances/2"]
    assert client.post("/api/v1/grievances/2", json=REPORT).status_code == 405
    assert client.post("/api/v1/grievances/status", json=REPORT).status_code == 405
    assert client.get("/api/v1/grievances/1.5").status_code == 404
