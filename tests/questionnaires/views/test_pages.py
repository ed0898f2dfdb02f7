"""The buyer's questionnaire pages, as a compliance user uses them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.errors import NotFound
from app.mail import OutboxMessage
from questionnaires import services
from questionnaires.models import Assignment, Campaign
from tests.conftest import form_token
from tests.factories import make_org, make_user
from tests.questionnaires.views.factories import FEES_AND_PASSPORTS, full_answers, send, submitted
from tests.suppliers.factories import link, make_supplier


def _ids(db, org_id: int) -> set[int]:
    return set(db.scalars(select(Assignment.supplier_id).where(Assignment.org_id == org_id)))


def test_overview_counts_lists_overdue_first_and_filters(logged_in, db, compliance_user):
    org = compliance_user.org
    late, _fresh = send(db, org, compliance_user, [make_supplier(db, org, name="Bursa Late"),
                                                  make_supplier(db, org, name="Ankara Fresh")])
    late.due_date = utcnow().date() - timedelta(days=4)  # as if sent weeks ago
    send(db, org, compliance_user, [make_supplier(db, org, name="Dhaka Labour")],
         template="labour-standards")
    db.commit()
    page = logged_in.get("/questionnaires")
    assert page.status_code == 200
    assert "3 in all" in page.text
    assert page.text.index("Bursa Late") < page.text.index("Ankara Fresh")  # overdue first
    row = re.search(r'<tr class="q-row-overdue">.*?</tr>', page.text, re.S).group(0)
    assert "Bursa Late" in row and "overdue" in row
    # the chart: one bar per status, counts and widths from the data
    assert re.search(r"Sent</span>.*?width=\"100\.0\".*?<strong class=\"q-chart-count\">3",
                     page.text, re.S)
    assert "Responsible recruitment" in page.text and "v1" in page.text  # the templates
    only_late = logged_in.get("/questionnaires?overdue=1")
    assert "Bursa Late" in only_late.text and "Ankara Fresh" not in only_late.text
    by_template = logged_in.get("/questionnaires?template=labour-standards")
    assert "Dhaka Labour" in by_template.text and "Bursa Late" not in by_template.text
    by_name = logged_in.get("/questionnaires?supplier=ankara")
    assert "Ankara Fresh" in by_name.text and "Bursa Late" not in by_name.text
    assert "1 in all" in logged_in.get("/questionnaires?status=sent&supplier=dhaka").text
    bad = logged_in.get("/questionnaires?status=lost")
    assert bad.status_code == 200 and "One of sent" in bad.text


def test_overview_pages_by_fifty(logged_in, db, compliance_user):
    org = compliance_user.org
    send(db, org, compliance_user, [make_supplier(db, org) for _ in range(51)])
    db.commit()
    first = logged_in.get("/questionnaires")
    assert "51 in all" in first.text and "page 1 of 2" in first.text
    assert first.text.count('href="/questionnaires/assignments/') == 50
    assert logged_in.get("/questionnaires?page=2").text.count(
        'href="/questionnaires/assignments/') == 1


@pytest.mark.parametrize("lang, word", [("en", "did any worker pay"), ("es", "¿"), ("zh", "是否")])
def test_template_preview_in_three_languages_with_conditions_and_rules(logged_in, lang, word):
    page = logged_in.get(f"/questionnaires/templates/recruitment?lang={lang}")
    assert page.status_code == 200
    assert "workers_paid_fees" in page.text and "fee_amount" in page.text
    assert word in page.text
    assert "Shown only when" in page.text  # fee_amount's condition, in words
    assert "FL09" in page.text and "FL07" in page.text  # the signal rules, for the buyer
    assert "months of" in page.text  # the fee rule: graded by months of wages


def test_template_preview_unknown_key_or_version_is_404(logged_in):
    assert logged_in.get("/questionnaires/templates/nonsense").status_code == 404
    assert logged_in.get("/questionnaires/templates/recruitment?version=99").status_code == 404


def test_send_by_filter_every_tier_2_supplier_in_malaysia(logged_in, db, compliance_user):
    org = compliance_user.org
    factory = make_supplier(db, org, name="Penang Gloves", country="MY")
    link(db, org, factory)
    agencies = [make_supplier(db, org, name=f"KL Agency {i}", country="MY",
                              kind="recruitment_agency") for i in range(2)]
    for agency in agencies:
        link(db, org, agency, factory, kind="labour")
    elsewhere = make_supplier(db, org, name="Hanoi Mill", country="VN")
    link(db, org, elsewhere, factory)
    db.commit()
    page = logged_in.get("/questionnaires/send?country=MY&tier=2")
    assert page.status_code == 200
    assert "<strong>2</strong> suppliers match this filter" in page.text
    assert "Send to all 2 matching suppliers" in page.text
    assert "2 of them have no contact email" in page.text
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    assert f'value="{due}"' in page.text  # the default due date
    token = form_token(logged_in, "/questionnaires/send")
    form = {"csrf_token": token, "template": "recruitment", "due_date": due, "country": "MY",
            "tier": "2", "email": "", "message": "Please answer by the end of the month."}
    stale = logged_in.post("/questionnaires/send", data=form | {"go": "matching", "expect": "5"})
    assert "now matches 2 suppliers" in stale.text and not _ids(db, org.id)
    for agency in agencies:
        agency.contact_email = f"hr{agency.id}@agency.example"
    db.commit()
    sent = logged_in.post("/questionnaires/send", data=form | {"go": "matching", "expect": "2"})
    assert sent.status_code == 200, sent.text
    assert "2</strong><span>assignments created" in sent.text
    assert _ids(db, org.id) == {a.id for a in agencies}
    campaign = db.scalar(select(Campaign).where(Campaign.org_id == org.id))
    assert campaign.message == "Please answer by the end of the month."
    assert db.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.org_id == org.id, OutboxMessage.template == "questionnaire_invitation")) == 2


def test_send_to_ticked_suppliers_then_again_skips_them(logged_in, db, compliance_user):
    org = compliance_user.org
    chosen = [make_supplier(db, org, name=f"Tiruppur Knit {i}") for i in range(2)]
    make_supplier(db, org, name="Not Chosen Ltd")
    db.commit()
    token = form_token(logged_in, "/questionnaires/send")
    form = {"csrf_token": token, "template": "labour-standards",
            "due_date": (utcnow().date() + timedelta(days=14)).isoformat(),
            "email": "ethics@tiruppur.example", "go": "ticked",
            "supplier_ids": [str(s.id) for s in chosen]}
    first = logged_in.post("/questionnaires/send", data=form)
    assert "2</strong><span>assignments created" in first.text
    assert _ids(db, org.id) == {s.id for s in chosen}
    again = logged_in.post("/questionnaires/send", data=form)
    assert "0</strong><span>assignments created" in again.text
    assert "2</strong><span>suppliers skipped" in again.text
    assert "Already has an open questionnaire of this template" in again.text
    assert "Tiruppur Knit 0" in again.text


def test_ticks_survive_paging_and_another_tenants_ids_are_dropped(logged_in, db,
                                                                  compliance_user):
    org = compliance_user.org
    suppliers = [make_supplier(db, org, name=f"Aaa Supplier {i:02d}") for i in range(55)]
    foreign = make_supplier(db, make_org(db), name="Other Buyer's Supplier")
    db.commit()
    token = form_token(logged_in, "/questionnaires/send")
    page2 = logged_in.post("/questionnaires/send", data={
        "csrf_token": token, "template": "recruitment", "go": "page:2",
        "supplier_ids": [str(suppliers[0].id), str(foreign.id)]})
    assert page2.status_code == 200 and "page 2 of 2" in page2.text
    assert f'<input type="hidden" name="supplier_ids" value="{suppliers[0].id}">' in page2.text
    assert "<strong>1</strong> ticked: Aaa Supplier 00" in page2.text
    assert str(foreign.id) not in re.findall(r'name="supplier_ids" value="(\d+)"', page2.text)
    assert "Other Buyer" not in page2.text


def test_send_errors_name_the_field(logged_in, db, compliance_user):
    org = compliance_user.org
    supplier = make_supplier(db, org, name="No Contact Ltd")
    db.commit()
    token = form_token(logged_in, "/questionnaires/send")
    base = {"csrf_token": token, "template": "recruitment", "go": "ticked",
            "supplier_ids": [str(supplier.id)]}
    past = logged_in.post("/questionnaires/send", data=base | {
        "due_date": (utcnow().date() - timedelta(days=1)).isoformat(),
        "email": "a@b.example"})
    assert past.status_code == 422
    assert re.search(r'field has-error">\s*<label for="due_date".*?is in the past', past.text,
                     re.S)
    future = (utcnow().date() + timedelta(days=10)).isoformat()
    no_email = logged_in.post("/questionnaires/send", data=base | {"due_date": future})
    assert no_email.status_code == 422
    assert re.search(r'field has-error">\s*<label for="email".*?No Contact Ltd', no_email.text,
                     re.S)
    nobody = logged_in.post("/questionnaires/send", data={**base, "supplier_ids": [],
                                                           "due_date": future})
    assert nobody.status_code == 422 and "Choose at least one supplier" in nobody.text
    assert not _ids(db, org.id)


def test_review_shows_signals_and_accepts(logged_in, db, compliance_user):
    org = compliance_user.org
    a = submitted(db, org, compliance_user, FEES_AND_PASSPORTS,
                  supplier=make_supplier(db, org, name="Himalaya Manpower", country="NP"))
    db.commit()
    page = logged_in.get(f"/questionnaires/assignments/{a.id}")
    assert page.status_code == 200
    assert "To review" in page.text and "attested by <strong>Mei Lin</strong>" in page.text
    signals = re.search(r'<table class="table q-signals">.*?</table>', page.text, re.S).group(0)
    assert "FL09" in signals and "Debt bondage" in signals
    assert re.search(r"FL09.*?q-strong", signals, re.S)
    assert "FL07" in signals and "1,500" in signals
    assert "workers_paid_fees" in page.text and ">Yes<" in page.text  # the answers, in English
    token = form_token(logged_in, f"/questionnaires/assignments/{a.id}")
    done = logged_in.post(f"/questionnaires/assignments/{a.id}/accept",
                          data={"csrf_token": token}, follow_redirects=True)
    assert "Accepted the answers of Himalaya Manpower" in done.text
    db.expire_all()
    assert db.get(Assignment, a.id).status == "accepted"
    assert "Your review" not in done.text  # no accept or return forms any more
    twice = logged_in.post(f"/questionnaires/assignments/{a.id}/accept",
                           data={"csrf_token": token}, follow_redirects=True)
    assert "already been accepted" in twice.text


def test_return_needs_a_comment_and_the_draft_stays_private(logged_in, db, compliance_user):
    org = compliance_user.org
    a = submitted(db, org, compliance_user)
    db.commit()
    url = f"/questionnaires/assignments/{a.id}"
    token = form_token(logged_in, url)
    empty = logged_in.post(f"{url}/return", data={"csrf_token": token, "comment": "  "},
                           follow_redirects=True)
    assert "Say what the supplier should change" in empty.text
    db.expire_all()
    assert db.get(Assignment, a.id).status == "submitted"
    back = logged_in.post(f"{url}/return", data={
        "csrf_token": token, "comment": "Please give the fee per worker."},
        follow_redirects=True)
    assert "Returned to" in back.text and "Please give the fee per worker." in back.text
    # The supplier edits its draft again: the buyer sees only what was submitted before.
    db.expire_all()
    a = db.get(Assignment, a.id)
    assert a.status == "returned"
    services.save(db, a, {"workers_paid_fees": True, "fee_amount": 777}, actor=None)
    db.commit()
    page = logged_in.get(url)
    assert "In progress" in page.text and "777" not in page.text


def test_a_draft_is_never_shown(logged_in, db, compliance_user):
    a = send(db, compliance_user.org, compliance_user)[0]
    services.save(db, a, full_answers("recruitment", {"monthly_wage": 4321}), actor=None)
    db.commit()
    page = logged_in.get(f"/questionnaires/assignments/{a.id}")
    assert page.status_code == 200 and "Not submitted yet" in page.text
    assert "4,321" not in page.text and "4321" not in page.text


def test_new_link_replaces_the_old_one(app, logged_in, db, compliance_user):
    a = send(db, compliance_user.org, compliance_user)[0]
    db.commit()
    with app.app_context():
        old = services.token_of(a)
    url = f"/questionnaires/assignments/{a.id}"
    token = form_token(logged_in, url)
    done = logged_in.post(f"{url}/link", data={"csrf_token": token,
                                               "email": "new.contact@supplier.example"},
                          follow_redirects=True)
    assert "A new link was emailed to new.contact@supplier.example" in done.text
    db.expire_all()
    with pytest.raises(NotFound):
        services.by_token(db, old)
    assert db.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_address == "new.contact@supplier.example")) == 1


def test_supplier_panel_lists_and_preselects(logged_in, db, compliance_user):
    org = compliance_user.org
    supplier = make_supplier(db, org, name="Saigon Stitch")
    a = send(db, org, compliance_user, [supplier])[0]
    db.commit()
    page = logged_in.get(f"/suppliers/{supplier.id}")
    assert page.status_code == 200
    panel = page.text[page.text.index("<h2>Questionnaires</h2>"):]
    assert f'href="/questionnaires/assignments/{a.id}"' in panel and "Sent" in panel
    assert f'href="/questionnaires/send?supplier_id={supplier.id}"' in panel
    picked = logged_in.get(f"/questionnaires/send?supplier_id={supplier.id}")
    assert "<strong>1</strong> ticked: Saigon Stitch" in picked.text
    assert re.search(rf'value="{supplier.id}" id="pick-{supplier.id}" checked', picked.text)


def test_another_tenants_assignment_is_404(logged_in, db):
    other = make_org(db)
    theirs = submitted(db, other, make_user(db, other, "compliance"))
    db.commit()
    url = f"/questionnaires/assignments/{theirs.id}"
    assert logged_in.get(url).status_code == 404
    token = form_token(logged_in, "/questionnaires")
    for action in ("accept", "return", "link"):
        response = logged_in.post(f"{url}/{action}", data={"csrf_token": token,
                                                           "comment": "x"})
        assert response.status_code == 404, action
    db.expire_all()
    assert db.get(Assignment, theirs.id).status == "submitted"
    assert logged_in.get(f"/questionnaires?supplier_id={theirs.supplier_id}").status_code == 404
