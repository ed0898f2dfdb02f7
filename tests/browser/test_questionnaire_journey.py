"""A questionnaire from sending to review (issue 8, the browser journey): a compliance user sends
`recruitment` from the page, the invitation arrives over SMTP, the supplier opens its link on a
phone, answers (a conditional question appears), saves, closes the page, comes back to its
answers, submits with an attestation, and the compliance user sees the signals and accepts."""

from __future__ import annotations

import re

from tests.browser.support import expect, seed_network, shot, sign_in, supplier_id
from tests.conftest_mail import link_in

PHONE = {"width": 375, "height": 740}


def _wait_for_mail(page, inbox, address: str):
    for _ in range(150):
        messages = inbox.to(address)
        if messages:
            return messages[0]
        page.wait_for_timeout(200)
    raise AssertionError(f"no email to {address} arrived")


def _answer(page, code: str, kind: str, value) -> None:
    """Answer one question of the portal's form the way a person does."""
    block = page.locator(f"fieldset[data-code='{code}']")
    if kind == "yes_no":
        block.locator(f"input[value='{'yes' if value else 'no'}']").check()
    elif kind == "choice":
        select = block.locator("select")
        if select.count():
            select.select_option(value)
        else:
            block.locator(f"input[value='{value}']").check()
    elif kind == "multi_choice":
        for v in value:
            block.locator(f"input[value='{v}']").check()
    else:
        block.locator("input:not([type=hidden]), textarea").first.fill(str(value))


def _fill_section(page, answers: dict, kinds: dict) -> None:
    """Answer every visible question of the section shown that `answers` has a value for,
    again for the questions that the answers make appear."""
    done: set[str] = set()
    while True:
        shown = [b.get_attribute("data-code")
                 for b in page.locator("fieldset.question[data-code]:visible").all()]
        todo = [c for c in shown if c not in done and c in answers and kinds[c] != "file"]
        if not todo:
            return
        for code in todo:
            _answer(page, code, kinds[code], answers[code])
            done.add(code)


def test_send_answer_on_a_phone_come_back_submit_and_accept(live_server, page, browser,
                                                            browser_context_args, open_page):
    org_id, email = seed_network(live_server.app, [
        {"external_id": "MY-PEN-01", "name": "Penang Circuits Sdn Bhd", "country": "MY",
         "kind": "manufacturer", "supplies_to": "", "relationship_kind": "goods"},
        {"external_id": "NP-KTM-02", "name": "Everest Overseas Manpower", "country": "NP",
         "kind": "recruitment_agency", "supplies_to": "MY-PEN-01",
         "relationship_kind": "labour"},
    ])
    agency_id = supplier_id(live_server.app, org_id, "NP-KTM-02")
    contact = f"hr.{email.split('@')[0]}@everest-manpower.example"

    # The compliance user sends the questionnaire from the supplier's page.
    sign_in(page, email)
    page.goto(f"/suppliers/{agency_id}")
    page.get_by_role("link", name="Send a questionnaire").click()
    expect(page.get_by_text("1 ticked: Everest Overseas Manpower")).to_be_visible()
    page.get_by_label("Questionnaire").select_option("recruitment")
    page.get_by_label("Contact email (optional)").fill(contact)
    page.get_by_label("Message to the suppliers (optional)").fill(
        "Please tell us how the workers you place at Penang Circuits were recruited.")
    page.get_by_role("button", name="Send to the ticked suppliers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sent: ")
    expect(page.locator(".stats")).to_contain_text(re.compile(r"1\s*assignment created"))
    page.get_by_role("link", name="See these assignments").click()
    row = page.get_by_role("row", name=re.compile("Everest Overseas Manpower"))
    expect(row).to_contain_text("Sent")
    review_url = row.get_by_role("link", name="Open").get_attribute("href")

    # The invitation arrives over SMTP with its link.
    message = _wait_for_mail(page, live_server.inbox, contact)
    assert "Everest Overseas Manpower" in message["Subject"]
    link = link_in(message, "/portal/")

    # The supplier opens it on a phone.
    phone_context = browser.new_context(**browser_context_args | {
        "viewport": PHONE, "is_mobile": True, "has_touch": True})
    try:
        _on_the_phone(live_server, page, open_page, phone_context, link, review_url)
    finally:
        phone_context.close()


def _on_the_phone(live_server, page, open_page, phone_context, link, review_url):
    from questionnaires import definitions
    from questionnaires.demo import complete_answers

    template = definitions.get_template("recruitment")
    kinds = {q.code: q.type for q in template.questions}
    answers = complete_answers("recruitment", {
        "workers_paid_fees": True, "fee_categories": ["recruitment_service_fee", "travel"],
        "fee_amount": 1500, "fee_currency": "USD", "monthly_wage": 300,
        "identity_documents_retained": True})
    fees_section = template.question("workers_paid_fees").section
    fees_title = definitions.tr(next(s for s in template.sections
                                     if s.code == fees_section).title, "en")

    phone = open_page(phone_context)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Responsible recruitment")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 375px screen"
    _fill_section(phone, answers, kinds)
    phone.get_by_role("button", name="Save and continue").click()

    # The fees section: the amount is asked only once a fee was paid.
    expect(phone.locator("#section-title")).to_have_text(fees_title)
    fee = phone.locator("fieldset[data-code='fee_amount']")
    expect(fee).to_be_hidden()
    _answer(phone, "workers_paid_fees", "yes_no", True)
    expect(fee).to_be_visible()  # the conditional question appears
    _answer(phone, "fee_amount", "money", "1,500")
    _fill_section(phone, {k: v for k, v in answers.items() if k != "fee_amount"}, kinds)
    phone.get_by_role("button", name="Save draft", exact=True).last.click()
    # saved ("info" when the answers revealed optional questions, such as a file to upload)
    expect(phone.locator(".flash-success, .flash-info")).to_be_visible()

    # The page is closed and opened again: the answers are kept.
    phone.close()
    phone = open_page(phone_context)
    phone.goto(link)
    phone.get_by_role("link", name=re.compile(re.escape(fees_title))).click()
    fee = phone.locator("fieldset[data-code='fee_amount']")
    expect(fee).to_be_visible()
    expect(fee.locator("input[name='fee_amount']")).to_have_value(re.compile(r"^1,?500$"))
    expect(phone.locator("fieldset[data-code='workers_paid_fees'] input[value='yes']")
           ).to_be_checked()

    # The other sections, then submit with an attestation.
    for _ in range(len(template.sections) + 2):
        if re.search(r"/submit(\?|#|$)", phone.url):
            break
        _fill_section(phone, answers, kinds)
        phone.get_by_role("button", name="Save and continue").click()
        phone.wait_for_load_state()
    expect(phone).to_have_url(re.compile(r"/submit(\?|#|$)"))
    expect(phone.locator(".missing")).to_have_count(0)
    phone.get_by_label("Your full name").fill("Sita Gurung")
    phone.get_by_label("Your job title").fill("Compliance officer")
    phone.get_by_role("button", name=re.compile("^Submit to ")).click()
    expect(phone.locator("body")).to_contain_text("submitted")
    shot(phone, "questionnaire-submitted-phone")

    # The compliance user reviews it: the signals, then accepts.
    page.goto(review_url)
    expect(page.locator(".q-decide")).to_contain_text("attested by Sita Gurung")
    signals = page.locator("table.q-signals")
    fl09 = signals.get_by_role("row", name=re.compile("FL09.*strong"))
    expect(fl09).to_contain_text("Debt bondage")
    expect(fl09).to_contain_text("5.0 months")
    expect(signals.get_by_role("row", name=re.compile("FL07"))).to_be_visible()
    page.get_by_role("button", name="Accept the answers").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Accepted the answers of Everest Overseas Manpower")
    expect(page.locator(".page-head .q-status")).to_have_text("Accepted")
    shot(page, "questionnaire-accepted")

    # An accepted questionnaire's link is closed.
    closed = open_page(phone_context)
    closed.watch.allow(r"status of 404 \(NOT FOUND\)")  # the expected refusal
    assert closed.goto(link).status == 404
    expect(closed.locator("body")).to_contain_text("accepted")
