"""The portal by emailed link: open, save section by section, conditional questions, submit
with an attestation, read-only afterwards, the buyer's return comment, languages."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.activity.models import ActivityEntry
from questionnaires import definitions
from questionnaires.models import Assignment
from tests.conftest import csrf_from
from tests.questionnaires.factories import make_assignment
from tests.questionnaires.portal.helpers import complete_answers, fieldset, is_shown

RECRUITMENT = definitions.get_template("recruitment")


def _fresh(db, a) -> Assignment:
    db.expire_all()
    return db.get(Assignment, a.id)


def _save(client, token, section, data, action="save"):
    page = client.get(f"/portal/{token}?section={section}")
    form = {"csrf_token": csrf_from(page.text), "section": section, "action": action, **data}
    form.setdefault("_q", list(k for k in data if not k.startswith("_")))
    return client.post(f"/portal/{token}?section={section}", data=form)


def test_opening_the_link_marks_it_opened_once_and_needs_no_login(client, db, sent):
    a, token = sent
    page = client.get(f"/portal/{token}")
    assert page.status_code == 200
    assert "Responsible recruitment" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert _fresh(db, a).status == "opened"
    client.get(f"/portal/{token}")
    opened = db.scalars(select(ActivityEntry).where(
        ActivityEntry.action == "questionnaire.opened", ActivityEntry.object_id == a.id)).all()
    assert len(opened) == 1 and opened[0].details["by"] == "the emailed link"
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie and "sk" not in cookie  # nobody is signed in


def test_a_post_without_the_csrf_token_is_refused(client, db, sent):
    a, token = sent
    response = client.post(f"/portal/{token}", data={
        "section": "recruitment_channels", "_q": "migrant_workers_employed",
        "migrant_workers_employed": "yes"})
    assert response.status_code == 400
    assert _fresh(db, a).answers == {}


def test_saving_a_section_keeps_the_draft_for_later(client, db, sent):
    a, token = sent
    response = _save(client, token, "recruitment_channels",
                     {"migrant_workers_employed": "yes", "uses_recruitment_agencies": "no"})
    assert response.status_code == 303
    assert "section=recruitment_channels" in response.headers["Location"]
    a = _fresh(db, a)
    assert a.answers == {"migrant_workers_employed": True, "uses_recruitment_agencies": False}
    assert a.status == "in_progress"
    again = client.get(response.headers["Location"])
    assert "Your answers are saved" in again.text
    assert re.search(r'value="yes"\s+checked', again.text)


def test_save_and_continue_goes_to_the_next_section(client, db, sent):
    _a, token = sent
    response = _save(client, token, "recruitment_channels",
                     {"migrant_workers_employed": "no", "uses_recruitment_agencies": "no"},
                     action="continue")
    assert response.status_code == 303
    assert "section=fees" in response.headers["Location"]


def test_a_conditional_question_appears_after_workers_paid_fees_yes(client, db, sent):
    _a, token = sent
    before = client.get(f"/portal/{token}?section=fees")
    assert not is_shown(before.text, "fee_amount")
    assert "data-show-if" in fieldset(before.text, "fee_amount")  # portal.js re-evaluates it
    response = _save(client, token, "fees", {"workers_paid_fees": "yes"}, action="continue")
    # Without JavaScript: the section comes back with the questions the answer revealed.
    assert response.status_code == 303
    assert "section=fees" in response.headers["Location"]
    assert "#q-" in response.headers["Location"]
    after = client.get(response.headers["Location"])
    assert is_shown(after.text, "fee_amount")
    assert "More questions appeared" in after.text
    # and they go again when the answer changes
    _save(client, token, "fees", {"workers_paid_fees": "no"})
    assert not is_shown(client.get(f"/portal/{token}?section=fees").text, "fee_amount")


def test_a_bad_answer_is_shown_next_to_its_question_and_nothing_is_saved(client, db, sent):
    a, token = sent
    _save(client, token, "fees", {"workers_paid_fees": "yes"})
    response = _save(client, token, "fees", {"workers_paid_fees": "yes", "fee_amount": "lots",
                                             "fee_currency": "USD"})
    assert response.status_code == 422
    assert 'class="question has-error" id="q-fee_amount"' in response.text
    assert 'value="lots"' in response.text  # what was typed stays in the field
    assert "fee_amount" not in _fresh(db, a).answers


def test_numbers_with_separators_and_choices_are_read_from_the_form(client, db, sent):
    a, token = sent
    _save(client, token, "fees", {"workers_paid_fees": "yes"})
    response = _save(client, token, "fees", {
        "workers_paid_fees": "yes", "fee_amount": "1,500", "fee_currency": "USD",
        "monthly_wage": "300", "wage_currency": "USD",
        "fee_categories": ["recruitment_service_fee", "travel"]})
    assert response.status_code == 303, response.text
    answers = _fresh(db, a).answers
    assert answers["fee_amount"] == 1500 and answers["monthly_wage"] == 300
    assert answers["fee_categories"] == ["recruitment_service_fee", "travel"]


def test_submitting_with_missing_answers_lists_them_with_links(client, db, sent):
    a, token = sent
    page = client.get(f"/portal/{token}/submit")
    assert page.status_code == 200
    assert "These required questions are not answered yet" in page.text
    for code in ("migrant_workers_employed", "workers_paid_fees", "identity_documents_retained"):
        section = RECRUITMENT.question(code).section
        assert f"section={section}#q-{code}" in page.text
    response = client.post(f"/portal/{token}/submit", data={
        "csrf_token": csrf_from(page.text), "name": "Mei Lin", "title": "HR manager"})
    assert response.status_code == 422
    assert "#q-workers_paid_fees" in response.text
    assert _fresh(db, a).status == "opened"


def test_submit_needs_the_attestation_then_the_questionnaire_is_read_only(client, db, buyer):
    a, token = make_assignment(db, buyer, status="in_progress",
                               answers=complete_answers(RECRUITMENT))
    db.commit()
    page = client.get(f"/portal/{token}/submit")
    assert "Every required question is answered" in page.text
    csrf = csrf_from(page.text)
    no_name = client.post(f"/portal/{token}/submit", data={"csrf_token": csrf, "name": " "})
    assert no_name.status_code == 422
    assert "attesting" in no_name.text
    done = client.post(f"/portal/{token}/submit", data={
        "csrf_token": csrf, "name": "Mei Lin", "title": "HR manager"})
    assert done.status_code == 303
    a = _fresh(db, a)
    assert a.status == "submitted" and a.attestation_name == "Mei Lin"
    assert a.submitted_answers
    view = client.get(done.headers["Location"])
    assert "your answers were submitted" in view.text
    assert 'id="answers"' not in view.text and "<dl class=\"answers readonly\">" in view.text
    assert "FL0" not in view.text and "signal" not in view.text.lower()  # never the scoring
    again = client.post(f"/portal/{token}", data={
        "csrf_token": csrf, "section": "fees", "_q": "workers_paid_fees",
        "workers_paid_fees": "yes"})
    assert again.status_code == 409
    assert client.post(f"/portal/{token}/submit", data={
        "csrf_token": csrf, "name": "Mei Lin"}).status_code == 409
    assert _fresh(db, a).answers["workers_paid_fees"] is False


def test_a_returned_questionnaire_shows_the_comment_and_can_be_edited(client, db, buyer):
    a, token = make_assignment(db, buyer, status="returned",
                               answers=complete_answers(RECRUITMENT),
                               review_comment="Please give the fee per worker in USD.")
    db.commit()
    page = client.get(f"/portal/{token}")
    assert 'class="card returned" role="alert"' in page.text
    assert "Please give the fee per worker in USD." in page.text
    assert 'id="answers"' in page.text
    response = _save(client, token, "fees", {"workers_paid_fees": "yes"})
    assert response.status_code == 303
    assert _fresh(db, a).status == "in_progress"


def test_unknown_accepted_and_expired_links_are_404(client, db, buyer):
    assert client.get("/portal/" + "x" * 43).status_code == 404
    _accepted, token = make_assignment(db, buyer, status="accepted")
    db.commit()
    assert client.get(f"/portal/{token}").status_code == 404
    assert client.get(f"/portal/{token}/submit").status_code == 404


def test_the_link_opens_only_its_own_assignment(client, db, buyer, sent):
    _a, _token = sent
    other, _ = make_assignment(db, buyer)
    db.commit()
    # No route takes an assignment id next to a token: the login pages refuse the link holder.
    assert client.get(f"/supplier/questionnaires/{other.id}").status_code == 302
    assert client.get(f"/api/v1/assignments/{other.id}").status_code == 401


def test_spanish_by_query_and_chinese_by_accept_language(client, db, sent):
    _a, token = sent
    es = client.get(f"/portal/{token}?lang=es")
    assert definitions.tr(RECRUITMENT.question("migrant_workers_employed").text, "es") in es.text
    assert "Guardar borrador" in es.text and 'lang="es"' in es.text
    assert f"/portal/{token}/submit?lang=es" in es.text  # the choice stays in the URL
    zh = client.get(f"/portal/{token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert definitions.tr(RECRUITMENT.question("migrant_workers_employed").text, "zh") in zh.text
    assert "保存草稿" in zh.text
    answers = client.get(f"/portal/{token}?lang=es&section=fees")
    assert "Sí" in answers.text
