"""The questionnaire flow over HTTP: send, answer through the emailed link, submit, review.

Mirrors the issue's "done when": fees of 1,500 USD against a 300 USD monthly wage and retained
documents give FL09 (strong) and FL07; an empty submit is a 422 naming the missing codes;
editing after submit is 409; the link opens its one assignment and nothing else.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.mail import OutboxMessage
from questionnaires.models import Assignment, Consent
from questionnaires.services import send_reminders
from tests.conftest import token_for
from tests.conftest_mail import link_in, text_of
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier

DUE = (date.today() + timedelta(days=21)).isoformat()
FEES = {"workers_paid_fees": True, "fee_amount": 1500, "fee_currency": "USD",
        "monthly_wage": 300, "identity_documents_retained": True}


def benign(question: dict):
    """An answer of the right type for any question (the first option for choices)."""
    kind = question["type"]
    if kind == "yes_no":
        return False
    if kind in ("number", "money"):
        return 40
    if kind == "choice":
        return question["options"][0]["value"]
    if kind == "multi_choice":
        return [question["options"][0]["value"]]
    if kind == "date":
        return "2026-01-15"
    if kind == "text":
        return "Answered in the test."
    return None


def fill_required(client, token: str, fixed: dict) -> dict:
    """Save `fixed`, then answer every visible required question still open, until none is."""
    response = client.put(f"/api/v1/portal/{token}/answers", json={"answers": fixed})
    assert response.status_code == 200, response.text
    for _ in range(10):
        body = response.json
        if not body["missing"]:
            return body
        questions = {q["code"]: q for s in body["sections"] for q in s["questions"]}
        answers = {code: benign(questions[code]) for code in body["missing"]}
        response = client.put(f"/api/v1/portal/{token}/answers", json={"answers": answers})
        assert response.status_code == 200, response.text
    raise AssertionError(f"still missing: {response.json['missing']}")


def token_of(link: str) -> str:
    return link.rsplit("/portal/", 1)[1]


@pytest.fixture
def sent(app, db, buyer, smtp):
    """`recruitment` sent over the API to two suppliers; the emails arrive over SMTP."""
    user = make_user(db, buyer, "compliance")
    a, b = make_supplier(db, buyer, name="Penang Circuits"), make_supplier(db, buyer)
    db.commit()
    client = app.test_client()
    headers = token_for(client, user.email)
    response = client.post("/api/v1/questionnaires/recruitment/send", headers=headers, json={
        "supplier_ids": [a.id, b.id], "due_date": DUE, "email": "hr@penang-circuits.example"})
    assert response.status_code == 201, response.text
    created = response.json["assignments"]
    assert [x["supplier_id"] for x in created] == [a.id, b.id]
    assert all(x["status"] == "sent" and "/portal/" in x["link"] for x in created)
    mails = smtp.wait_for(2)
    assert all(m["To"] == "hr@penang-circuits.example" for m in mails)
    links = {link_in(m, "/portal/") for m in mails}
    assert links == {"/portal/" + token_of(x["link"]) for x in created}
    assert "Penang Circuits" in text_of(mails[0]) + text_of(mails[1])
    return {"client": client, "headers": headers, "assignments": created, "user": user}


def test_answer_through_the_link_and_the_buyer_sees_the_signals(sent):
    client, headers = sent["client"], sent["headers"]
    first = sent["assignments"][0]
    token = token_of(first["link"])
    opened = client.get(f"/api/v1/portal/{token}")
    assert opened.status_code == 200, opened.text
    codes = {q["code"]: q for s in opened.json["sections"] for q in s["questions"]}
    assert not codes["fee_amount"]["visible"]  # shown only when workers paid fees
    assert client.get(f"/api/v1/assignments/{first['id']}",
                      headers=headers).json["status"] == "opened"

    empty = client.post(f"/api/v1/portal/{token}/submit", json={})
    assert empty.status_code == 422, empty.text
    named = {d["field"] for d in empty.json["error"]["details"]}
    assert "workers_paid_fees" in named and "attestation.name" in named

    body = fill_required(client, token, FEES)
    fee = next(q for s in body["sections"] for q in s["questions"] if q["code"] == "fee_amount")
    assert fee["visible"] and fee["answer"] == 1500
    # The buyer never reads a draft.
    assert client.get(f"/api/v1/assignments/{first['id']}", headers=headers).json[
        "answers"] is None
    done = client.post(f"/api/v1/portal/{token}/submit",
                       json={"attestation": {"name": "Lim Wei Ling", "title": "HR manager"}})
    assert done.status_code == 200, done.text
    assert done.json["assignment"]["status"] == "submitted"
    assert "signals" not in done.json["assignment"]  # never shown to the supplier

    seen = client.get(f"/api/v1/assignments/{first['id']}", headers=headers).json
    signals = {(s["indicator"], s["question"]): s["strength"] for s in seen["signals"]}
    assert signals[("FL09", "fee_amount")] == "strong"
    assert "5.0 months" in next(s["note"] for s in seen["signals"]
                                if s["question"] == "fee_amount")
    assert signals[("FL07", "identity_documents_retained")] == "strong"
    assert seen["answers"]["fee_amount"] == 1500
    assert seen["attestation"] == {"name": "Lim Wei Ling", "title": "HR manager"}

    again = client.put(f"/api/v1/portal/{token}/answers", json={"answers": {"fee_amount": 1}})
    assert again.status_code == 409
    assert client.post(f"/api/v1/portal/{token}/submit", json={
        "attestation": {"name": "x"}}).status_code == 409


def test_wrong_types_are_422_naming_the_code(sent):
    client = sent["client"]
    token = token_of(sent["assignments"][0]["link"])
    for answers in ({"workers_paid_fees": "yes"}, {"monthly_wage": "300"},
                    {"fee_currency": "dollars"}, {"no_such_question": 1},
                    {"monthly_wage": 1e300}):
        response = client.put(f"/api/v1/portal/{token}/answers", json={"answers": answers})
        assert response.status_code == 422, (answers, response.text)
        (code,) = answers
        assert code in {d["field"] for d in response.json["error"]["details"]}


def test_the_link_opens_its_own_assignment_and_nothing_else(sent):
    client = sent["client"]
    first, second = sent["assignments"]
    token = token_of(first["link"])
    assert client.get(f"/api/v1/portal/{token}").json["assignment"]["id"] == first["id"]
    as_bearer = {"Authorization": f"Bearer {token}"}
    for path in (f"/api/v1/assignments/{second['id']}", f"/api/v1/assignments/{first['id']}",
                 "/api/v1/assignments", "/api/v1/suppliers", "/api/v1/me"):
        assert client.get(path, headers=as_bearer).status_code == 401, path
    assert client.get(f"/api/v1/portal/{token}x").status_code == 404
    assert client.get("/api/v1/portal/" + "A" * 43).status_code == 404
    assert client.put("/api/v1/portal/" + "A" * 43 + "/answers",
                      json={"answers": {}}).status_code == 404


def test_review_return_then_accept_closes_the_link(sent, smtp):
    client, headers = sent["client"], sent["headers"]
    first = sent["assignments"][0]
    token = token_of(first["link"])
    fill_required(client, token, FEES)
    assert client.post(f"/api/v1/portal/{token}/submit", json={
        "attestation": {"name": "Lim Wei Ling"}}).status_code == 200
    smtp.clear()
    no_comment = client.post(f"/api/v1/assignments/{first['id']}/review", headers=headers,
                             json={"decision": "return"})
    assert no_comment.status_code == 422
    returned = client.post(f"/api/v1/assignments/{first['id']}/review", headers=headers,
                           json={"decision": "return", "comment": "Give the fee by category."})
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    (mail,) = smtp.wait_for(1)
    assert "Give the fee by category." in text_of(mail)
    portal = client.get(f"/api/v1/portal/{token}").json
    assert portal["assignment"]["review_comment"] == "Give the fee by category."
    fill_required(client, token, {"fee_amount": 1200})
    assert client.post(f"/api/v1/portal/{token}/submit", json={
        "attestation": {"name": "Lim Wei Ling"}}).status_code == 200
    accepted = client.post(f"/api/v1/assignments/{first['id']}/review", headers=headers,
                           json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert client.get(f"/api/v1/portal/{token}").status_code == 404
    twice = client.post(f"/api/v1/assignments/{first['id']}/review", headers=headers,
                        json={"decision": "accept"})
    assert twice.status_code == 409


def test_reminders_arrive_once_a_day_with_the_link(app, db, sent, smtp):
    first = sent["assignments"][0]
    smtp.clear()
    today = date.fromisoformat(DUE) - timedelta(days=2)
    with app.app_context():  # links in emails are built from the configured key
        assert send_reminders(db, today=today) == 2
    db.commit()
    mails = smtp.wait_for(2)
    assert {link_in(m, "/portal/") for m in mails} >= {"/portal/" + token_of(first["link"])}
    assert "Reminder" in mails[0]["Subject"]
    with app.app_context():
        assert send_reminders(db, today=today) == 0  # at most one a day
    db.commit()
    overdue_day = date.fromisoformat(DUE) + timedelta(days=1)
    with app.app_context():
        assert send_reminders(db, today=overdue_day) == 2
    db.commit()
    later = smtp.wait_for(4)[2:]
    assert all(m["Subject"].startswith("Overdue") for m in later)


def test_cli_remind(app, db, sent):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questionnaires", "remind"])
    assert result.exit_code == 0, result.output
    assert "reminder" in result.output


def test_another_tenants_assignment_is_404(app, db, sent):
    other = make_org(db)
    stranger = make_user(db, other, "compliance")
    db.commit()
    client = app.test_client()
    headers = token_for(client, stranger.email)
    first = sent["assignments"][0]
    assert client.get(f"/api/v1/assignments/{first['id']}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/assignments/{first['id']}/review", headers=headers,
                       json={"decision": "accept"}).status_code == 404
    assert client.get("/api/v1/assignments", headers=headers).json["total"] == 0


def test_send_refuses_unknown_suppliers_and_past_dates(app, db, buyer):
    user = make_user(db, buyer, "compliance")
    other = make_supplier(db, make_org(db))
    mine = make_supplier(db, buyer)
    db.commit()
    client = app.test_client()
    headers = token_for(client, user.email)
    url = "/api/v1/questionnaires/recruitment/send"
    foreign = client.post(url, headers=headers, json={
        "supplier_ids": [other.id], "due_date": DUE, "email": "a@example.org"})
    assert foreign.status_code == 422 and "supplier_ids" in foreign.text
    past = client.post(url, headers=headers, json={
        "supplier_ids": [mine.id], "due_date": "2020-01-01", "email": "a@example.org"})
    assert past.status_code == 422 and past.json["error"]["details"][0]["field"] == "due_date"
    no_address = client.post(url, headers=headers, json={"supplier_ids": [mine.id],
                                                         "due_date": DUE})
    assert no_address.status_code == 422 and "contact email" in no_address.text
    assert client.post("/api/v1/questionnaires/nope/send", headers=headers, json={
        "supplier_ids": [mine.id], "due_date": DUE}).status_code == 404
    ok = client.post(url, headers=headers, json={"supplier_ids": [mine.id], "due_date": DUE,
                                                 "email": "a@example.org"})
    assert ok.status_code == 201
    twice = client.post(url, headers=headers, json={"supplier_ids": [mine.id], "due_date": DUE,
                                                    "email": "a@example.org"})
    assert twice.status_code == 201 and twice.json["assignments"] == []
    assert twice.json["skipped"][0]["supplier_id"] == mine.id


def test_answer_once_share_with_consent(app, db, smtp):
    """A second buyer's questionnaire starts from the first answers only after the supplier
    agrees; the first buyer's comments never show."""
    supplier_org = make_org(db, "supplier", name="Kathmandu Manpower Pvt")
    supplier_user = make_user(db, supplier_org, "supplier")
    buyers = [make_org(db), make_org(db)]
    people = [make_user(db, b, "compliance") for b in buyers]
    records = [make_supplier(db, b, name="Kathmandu Manpower", country="NP",
                             kind="recruitment_agency") for b in buyers]
    for record in records:
        record.linked_org_id = supplier_org.id
    db.commit()
    client = app.test_client()
    heads = [token_for(client, p.email) for p in people]
    supplier_head = token_for(client, supplier_user.email)

    def send(i):
        r = client.post("/api/v1/questionnaires/recruitment/send", headers=heads[i], json={
            "supplier_ids": [records[i].id], "due_date": DUE, "email": supplier_user.email})
        assert r.status_code == 201, r.text
        return r.json["assignments"][0]

    first = send(0)
    token1 = token_of(first["link"])
    fill_required(client, token1, FEES)
    client.post(f"/api/v1/portal/{token1}/submit", json={"attestation": {"name": "Ram"}})
    client.post(f"/api/v1/assignments/{first['id']}/review", headers=heads[0],
                json={"decision": "return", "comment": "INTERNAL-NOTE-FOR-BUYER-ONE"})
    fill_required(client, token1, {})
    assert client.post(f"/api/v1/portal/{token1}/submit",
                       json={"attestation": {"name": "Ram"}}).status_code == 200

    second = send(1)
    mine = client.get("/api/v1/assignments", headers=supplier_head).json
    assert {a["id"] for a in mine["items"]} == {first["id"], second["id"]}
    assert all("signals" not in a and "supplier_id" not in a for a in mine["items"])
    # Before the supplier agrees, nothing of the first answers reaches the second buyer.
    assert client.get(f"/api/v1/assignments/{second['id']}", headers=heads[1]).json[
        "answers"] is None
    assignment = db.get(Assignment, second["id"])
    from questionnaires import services

    assert services.reuse_sources(db, assignment, None) == []  # the link alone is not enough
    sources = services.reuse_sources(db, assignment, supplier_user)
    assert [s.id for s in sources] == [first["id"]]
    consent = services.start_from(db, assignment, first["id"], user=supplier_user)
    db.commit()
    assert db.scalar(select(Consent).where(Consent.assignment_id == second["id"])) == consent
    assert consent.org_id == buyers[1].id and consent.supplier_org_id == supplier_org.id
    assert client.get(f"/api/v1/assignments/{second['id']}", headers=heads[1]).json[
        "answers"] is None
    token2 = token_of(second["link"])
    draft = client.get(f"/api/v1/portal/{token2}").json
    assert "INTERNAL-NOTE-FOR-BUYER-ONE" not in str(draft)
    assert client.post(f"/api/v1/portal/{token2}/submit",
                       json={"attestation": {"name": "Ram"}}).status_code == 200
    seen = client.get(f"/api/v1/assignments/{second['id']}", headers=heads[1]).json
    assert seen["answers"]["fee_amount"] == 1500 and seen["reused_answers"] is True
    assert "INTERNAL-NOTE-FOR-BUYER-ONE" not in str(seen)
    assert {s["indicator"] for s in seen["signals"]} >= {"FL09", "FL07"}
    outbox = db.scalars(select(OutboxMessage).where(OutboxMessage.org_id == buyers[1].id))
    assert all("INTERNAL-NOTE" not in m.body_text for m in outbox)


def test_archived_suppliers_are_skipped_and_said_so(app, db, buyer):
    from suppliers import services as supplier_services

    user = make_user(db, buyer, "compliance")
    live, gone = make_supplier(db, buyer), make_supplier(db, buyer)
    supplier_services.archive_supplier(db, gone, actor=None)
    db.commit()
    client = app.test_client()
    response = client.post("/api/v1/questionnaires/recruitment/send",
                           headers=token_for(client, user.email),
                           json={"supplier_ids": [live.id, gone.id], "due_date": DUE,
                                 "email": "a@example.org"})
    assert response.status_code == 201, response.text
    assert [a["supplier_id"] for a in response.json["assignments"]] == [live.id]
    assert response.json["skipped"] == [{"supplier_id": gone.id, "assignment_id": None,
                                         "reason": "archived"}]
