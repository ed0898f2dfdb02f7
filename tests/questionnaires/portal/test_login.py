"""The portal by login: a supplier organisation's users answer what was addressed to them,
and may start from their answers to another buyer, with consent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.db import utcnow
from questionnaires import definitions
from questionnaires.models import Assignment, Consent
from questionnaires.portal_text import day
from tests.conftest import csrf_from, login
from tests.factories import make_org, make_user
from tests.questionnaires.factories import make_assignment, make_supplier_org
from tests.questionnaires.portal.helpers import complete_answers

RECRUITMENT = definitions.get_template("recruitment")


def _signed_in(client, user):
    response = login(client, user.email)
    assert response.status_code == 302, response.text
    return client


def test_the_list_shows_what_buyers_addressed_to_the_organisation(client, db, buyer):
    org, user = make_supplier_org(db)
    mine, _ = make_assignment(db, buyer, linked_org=org)
    other_org, _ = make_supplier_org(db)
    make_assignment(db, buyer, linked_org=other_org)
    db.commit()
    _signed_in(client, user)
    page = client.get("/supplier/questionnaires")
    assert page.status_code == 200
    assert f"/supplier/questionnaires/{mine.id}" in page.text
    assert page.text.count('href="/supplier/questionnaires/') == 1
    assert buyer.name in page.text


def test_a_supplier_user_answers_and_submits_through_the_login(client, db, buyer):
    org, user = make_supplier_org(db)
    a, _ = make_assignment(db, buyer, linked_org=org)
    db.commit()
    _signed_in(client, user)
    page = client.get(f"/supplier/questionnaires/{a.id}")
    assert page.status_code == 200
    response = client.post(f"/supplier/questionnaires/{a.id}", data={
        "csrf_token": csrf_from(page.text), "section": "fees", "action": "save",
        "_q": ["workers_paid_fees"], "workers_paid_fees": "no"})
    assert response.status_code == 303
    assert f"/supplier/questionnaires/{a.id}?" in response.headers["Location"]
    db.expire_all()
    assert db.get(Assignment, a.id).answers == {"workers_paid_fees": False}
    db.get(Assignment, a.id).answers = complete_answers(RECRUITMENT)
    db.commit()
    done = client.post(f"/supplier/questionnaires/{a.id}/submit", data={
        "csrf_token": csrf_from(page.text), "name": "Mei Lin", "title": "HR"})
    assert done.status_code == 303
    db.expire_all()
    a = db.get(Assignment, a.id)
    assert a.status == "submitted" and a.submitted_by_id == user.id


def test_assignments_not_addressed_to_the_user_are_404_and_buyers_are_refused(client, db,
                                                                               buyer):
    _org, user = make_supplier_org(db)
    other_org, _ = make_supplier_org(db)
    theirs, _ = make_assignment(db, buyer, linked_org=other_org)
    unconnected, _ = make_assignment(db, buyer)
    db.commit()
    _signed_in(client, user)
    assert client.get(f"/supplier/questionnaires/{theirs.id}").status_code == 404
    assert client.get(f"/supplier/questionnaires/{unconnected.id}").status_code == 404
    compliance = make_user(db, buyer, "compliance")
    db.commit()
    buyer_client = client.application.test_client()
    _signed_in(buyer_client, compliance)
    assert buyer_client.get(f"/supplier/questionnaires/{unconnected.id}").status_code == 403


def _earlier(db, org, first_buyer):
    earlier, _ = make_assignment(
        db, first_buyer, status="returned", linked_org=org,
        answers=complete_answers(RECRUITMENT, workers_paid_fees=False),
        review_comment="INTERNAL: we doubt the wage figures")
    earlier.status = "submitted"  # returned once, then submitted again: the comment stays
    earlier.submitted_at = utcnow() - timedelta(days=40)
    return earlier


def test_start_from_earlier_answers_offers_consent_and_copies_only_after_it(client, db):
    first_buyer = make_org(db, "buyer", name="Northwind Apparel")
    second_buyer = make_org(db, "buyer", name="Harbour Retail")
    org, user = make_supplier_org(db)
    earlier = _earlier(db, org, first_buyer)
    new, token = make_assignment(db, second_buyer, linked_org=org)
    db.commit()
    _signed_in(client, user)
    page = client.get(f"/supplier/questionnaires/{new.id}")
    date = day("en", earlier.submitted_at)
    assert (f"Copy your answers submitted to Northwind Apparel on {date} into this "
            "questionnaire. Harbour Retail will see them only when you submit.") in page.text
    assert "INTERNAL" not in page.text and "doubt" not in page.text
    db.expire_all()
    assert db.get(Assignment, new.id).answers == {}  # nothing copied by showing the offer
    # The link holder is never offered another buyer's questionnaire.
    anonymous = client.application.test_client()
    assert "Northwind" not in anonymous.get(f"/portal/{token}").text
    response = client.post(f"/supplier/questionnaires/{new.id}/start-from", data={
        "csrf_token": csrf_from(page.text), "source": str(earlier.id)})
    assert response.status_code == 303
    db.expire_all()
    new = db.get(Assignment, new.id)
    assert new.answers["workers_paid_fees"] is False and new.reused_from_id == earlier.id
    assert new.submitted_answers is None  # the new buyer sees nothing before a submit
    consent = db.scalars(select(Consent).where(Consent.assignment_id == new.id)).one()
    assert consent.user_id == user.id and consent.org_id == second_buyer.id
    after = client.get(response.headers["Location"])
    assert "answers copied" in after.text and "INTERNAL" not in after.text


def test_start_from_refuses_a_source_of_another_organisation(client, db):
    first_buyer, second_buyer = make_org(db, "buyer"), make_org(db, "buyer")
    org, user = make_supplier_org(db)
    stranger, _ = make_supplier_org(db)
    theirs = _earlier(db, stranger, first_buyer)
    new, _ = make_assignment(db, second_buyer, linked_org=org)
    db.commit()
    _signed_in(client, user)
    page = client.get(f"/supplier/questionnaires/{new.id}")
    response = client.post(f"/supplier/questionnaires/{new.id}/start-from", data={
        "csrf_token": csrf_from(page.text), "source": str(theirs.id)})
    assert response.status_code == 404
    db.expire_all()
    assert db.get(Assignment, new.id).answers == {}
