"""Hostile answers through the portal API: a clear 422 naming the code, never a 500, and
nothing half-saved. Runs on PostgreSQL too (CI), which refuses what SQLite would store."""

from __future__ import annotations

import pytest

from questionnaires.models import Assignment
from tests.factories import make_user
from tests.questionnaires.access import sent_assignment

HOSTILE = [
    ({"workers_paid_fees": [True]}, "workers_paid_fees"),
    ({"workers_paid_fees": {"$gt": ""}}, "workers_paid_fees"),
    ({"workers_paid_fees": 1}, "workers_paid_fees"),
    ({"monthly_wage": 10**400}, "monthly_wage"),
    ({"monthly_wage": -5}, "monthly_wage"),
    ({"monthly_wage": True}, "monthly_wage"),
    ({"fee_currency": "=HYPERLINK(\"http://x\")"}, "fee_currency"),
    ({"fee_currency": ["USD"]}, "fee_currency"),
]


@pytest.fixture
def token(app, db, buyer):
    make_user(db, buyer, "compliance")
    assignment, raw = sent_assignment(db, buyer)
    db.commit()
    return assignment.id, raw


@pytest.mark.parametrize(("answers", "code"), HOSTILE)
def test_bad_values_name_the_code_and_save_nothing(app, db, token, answers, code):
    assignment_id, raw = token
    client = app.test_client()
    good = {"workers_paid_fees": False}
    response = client.put(f"/api/v1/portal/{raw}/answers",
                          json={"answers": good | answers})
    assert response.status_code == 422, response.text
    # named by the schema ("answers.<code>") or by the service ("<code>")
    assert any(code in d["field"] for d in response.json["error"]["details"]), response.text
    db.expire_all()
    assert db.get(Assignment, assignment_id).answers == {}  # all or nothing


def test_nul_bytes_and_control_characters_are_refused(app, db, token):
    _id, raw = token
    client = app.test_client()
    for text in ("bad\x00text", "bell\x07"):
        response = client.put(f"/api/v1/portal/{raw}/answers",
                              json={"answers": {"workers_paid_fees": False,
                                                "agency_countries": text}})
        assert response.status_code == 422, response.text


def test_other_scripts_and_markup_are_kept_as_text(app, db, token):
    assignment_id, raw = token
    client = app.test_client()
    portal = client.put(f"/api/v1/portal/{raw}/answers",
                        json={"answers": {"uses_recruitment_agencies": True}}).json
    texts = [q["code"] for s in portal["sections"] for q in s["questions"]
             if q["type"] == "text" and q["visible"]]
    assert texts, "the recruitment template has visible free-text questions"
    value = "भर्ती शुल्क 招聘费 <script>alert(1)</script> =1+1"
    response = client.put(f"/api/v1/portal/{raw}/answers", json={"answers": {texts[0]: value}})
    assert response.status_code == 200, response.text
    db.expire_all()
    assert db.get(Assignment, assignment_id).answers[texts[0]] == value


def test_too_many_answers_or_no_object(app, db, token):
    _id, raw = token
    client = app.test_client()
    many = {f"q{i}": 1 for i in range(501)}
    assert client.put(f"/api/v1/portal/{raw}/answers",
                      json={"answers": many}).status_code == 422
    assert client.put(f"/api/v1/portal/{raw}/answers",
                      json={"answers": [1, 2]}).status_code == 422
    assert client.put(f"/api/v1/portal/{raw}/answers", data="not json",
                      content_type="application/json").status_code in (400, 422)
