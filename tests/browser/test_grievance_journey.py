"""An anonymous grievance from a worker's phone to an answer and back (issue 12, the browser
journey): on a phone-sized screen with JavaScript switched off, a worker opens the company's
channel in Nepali, reports passports kept and a recruitment fee, writes down the case code and
secret, and follows the case; compliance reads the report in its inbox and answers; the worker
sees the answer with the code and secret and replies, and compliance reads the reply."""

from __future__ import annotations

import re

from tests.browser.support import committed, expect, shot, sign_in

PHONE = {"width": 360, "height": 740}
REPORT = ("म्यानपावर एजेन्टले हाम्रो राहदानी राखेको छ र हामीले ३ लाख रुपैयाँ शुल्क तिर्यौं। "
          "होस्टलमा १२ जना एउटै कोठामा बस्छौं।")
REPLY = "धन्यवाद। हामी ४२ जना छौं, सबैको राहदानी कार्यालयमा छ।"
ANSWER = ("Thank you for telling us. We have asked the factory to return every passport "
          "within 7 days and will write again when it is done.")


def _scene(app) -> dict:
    from grievances.models import ChannelSupplier
    from grievances.services import intake
    from tests.factories import make_org, make_user
    from tests.suppliers.factories import make_supplier

    with committed(app) as session:
        buyer = make_org(session, "buyer", name="Kestrel Outdoor Gear Ltd")
        user = make_user(session, buyer, "compliance")
        factory = make_supplier(session, buyer, name="Prai Glove Industries Sdn Bhd",
                                country="MY")
        channel = intake.ensure_channel(session, org_id=buyer.id)
        session.add(ChannelSupplier(org_id=buyer.id, channel_id=channel.id,
                                    supplier_id=factory.id,
                                    public_name="Prai Glove Industries (Penang)"))
        session.commit()
        return {"key": channel.intake_key, "email": user.email, "factory": factory.id}


def test_a_report_in_nepali_from_a_phone_without_javascript(live_server, new_context,
                                                            open_page):
    scene = _scene(live_server.app)
    phone = open_page(new_context(java_script_enabled=False))
    phone.set_viewport_size(PHONE)

    # The channel in Nepali: a plain form, one column.
    phone.goto(f"/g/{scene['key']}?lang=ne")
    expect(phone.locator("html")).to_have_attribute("lang", "ne")
    expect(phone.locator("script")).to_have_count(0)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 360px screen"
    phone.locator("input[name=categories][value=identity_documents]").check()
    phone.locator("input[name=categories][value=recruitment_fees]").check()
    phone.locator("#workplace").select_option(str(scene["factory"]))
    phone.locator("#text").fill(REPORT)
    phone.locator("#language").select_option("ne")
    shot(phone, "grievance-intake-ne")
    phone.get_by_role("button", name="उजुरी पठाउनुहोस्").click()

    # The code and secret, shown once.
    expect(phone.get_by_role("heading", level=1)).to_have_text("तपाईंको उजुरी पठाइयो")
    codes = phone.locator(".g-code")
    code, secret = codes.nth(0).inner_text().strip(), codes.nth(1).inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", secret)
    shot(phone, "grievance-received-ne")

    # A wrong secret shows nothing of the case.
    phone.goto("/g/follow?lang=ne")
    phone.locator("#code").fill(code)
    phone.locator("#secret").fill("AAAA-BBBB-CCCC-DDDD")
    phone.watch.allow(r"status of 404 .*/g/follow")  # the refusal provoked here
    phone.get_by_role("button", name="मेरो केस देखाउनुहोस्").click()
    expect(phone.locator("body")).not_to_contain_text(REPORT[:20])

    # Compliance reads it and answers.
    desk = open_page()
    sign_in(desk, scene["email"])
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Grievances").click()
    desk.get_by_role("link", name=code).click()
    expect(desk.locator("body")).to_contain_text(REPORT)
    desk.get_by_label("Message to the reporter").fill(ANSWER)
    desk.get_by_role("button", name="Send to the reporter").click()
    expect(desk.locator("body")).to_contain_text(ANSWER)
    shot(desk, "grievance-case")

    # The worker follows with the code and secret, reads the answer, and replies.
    phone.goto("/g/follow?lang=ne")
    phone.locator("#code").fill(code.lower())
    phone.locator("#secret").fill(secret)
    phone.get_by_role("button", name="मेरो केस देखाउनुहोस्").click()
    expect(phone.locator("body")).to_contain_text(ANSWER)
    phone.locator("#message").fill(REPLY)
    phone.get_by_role("button", name="पठाउनुहोस्").click()
    expect(phone.locator("body")).to_contain_text(REPLY)
    shot(phone, "grievance-followed-ne")

    # Compliance sees the reply in the thread.
    desk.reload()
    expect(desk.locator("body")).to_contain_text(REPLY)
