"""The worker's pages: a report in Nepali script from the intake page to a reply, refusals
(unknown channel, wrong pair, malformed report, an unlisted workplace), hostile text kept as
text, and what the pages hold: no script, our own stylesheet, no cookie but the CSRF one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from grievances.models import Grievance, Message
from grievances.services import cases
from tests.grievances.public_support import (
    NEPALI,
    codes,
    csrf,
    fresh_limits,
    make_site,
    report_form,
    send_report,
)
from tests.suppliers.factories import make_supplier


@pytest.fixture(autouse=True)
def _app_context():
    """Overrides the package's: with one app context around the whole test, every request
    would share `g`, so a GET's read-only session would serve the next POST. Each request
    gets its own context here, as in production; service calls open one (`app_context`)."""
    yield


@pytest.fixture(autouse=True)
def _limits():
    yield from fresh_limits()


@pytest.fixture
def site(db):
    return make_site(db)


def _own_assets_only(html: str) -> None:
    assert "<script" not in html.lower()
    assert "style=" not in html  # the CSP allows no inline style
    for url in re.findall(r'(?:href|src|action)="([^"]*)"', html):
        assert url.startswith(("/", "data:", "?")), url


def _session(app, response) -> dict:
    """The session cookie this response sets, decoded (None when it sets none)."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return None
    assert len(cookies) == 1, cookies
    name, _, rest = cookies[0].partition("=")
    assert name == app.config["SESSION_COOKIE_NAME"]
    assert "HttpOnly" in rest and "SameSite=Lax" in rest
    value = rest.split(";", 1)[0]
    return app.session_interface.get_signing_serializer(app).loads(value)


def test_a_report_in_nepali_is_received_followed_answered_and_replied_to(app, client, db,
                                                                         site):
    page = client.get(site.url, query_string={"lang": "ne"})
    assert page.status_code == 200
    assert '<html lang="ne" dir="ltr">' in page.text
    assert "काममा भएको समस्याबारे उजुरी गर्नुहोस्" in page.text  # the title, in Nepali
    assert "Penang Gloves (Prai factory)" in page.text and "Harbour Retail Group plc" in page.text
    assert '<option value="ne" selected>' in page.text  # the report's language follows
    _own_assets_only(page.text)
    assert set(_session(app, page)) == {"csrf_token"}

    sent = client.post(site.url, data=report_form(
        csrf_token=csrf(page.text), lang="ne", language="ne", text=NEPALI,
        categories=["identity_documents", "recruitment_fees"],
        workplace=str(site.supplier.id), contact="९८४१०००००० (साँझ मात्र)"))
    assert sent.status_code == 200, sent.text
    assert "तपाईंको उजुरी पठाइयो" in sent.text and "गोप्य कोड" in sent.text
    assert sent.headers["Cache-Control"] == "no-store"
    assert _session(app, sent) in (None, {"csrf_token": _session(app, page)["csrf_token"]})
    _own_assets_only(sent.text)
    code, secret = codes(sent.text)
    grievance = db.scalar(select(Grievance).where(Grievance.case_code == code))
    assert grievance.language == "ne" and grievance.supplier_id == site.supplier.id
    assert grievance.categories == ["identity_documents", "recruitment_fees"]
    with app.app_context():
        assert cases.read_case(db, grievance, actor=site.user)["text"] == NEPALI
        cases.send_message(db, grievance, actor=site.user,
                           body="हामीले तपाईंको उजुरी पायौं। हामी एजेन्सीसँग कुरा गर्दैछौं।")
        db.commit()
    follow = client.get("/g/follow", query_string={"lang": "ne"})
    assert follow.status_code == 200 and 'lang="ne"' in follow.text
    shown = client.post("/g/follow", data={"csrf_token": csrf(follow.text), "lang": "ne",
                                           "code": code.lower().replace("-", " "),
                                           "secret": secret})
    assert shown.status_code == 200, shown.text
    assert "कम्पनीले तपाईंको उजुरी पाएको पुष्टि गरेको छ।" in shown.text  # acknowledged
    assert "हामीले तपाईंको उजुरी पायौं।" in shown.text
    assert "राहदानी" in shown.text  # what was reported, as its category's label
    _own_assets_only(shown.text)

    replied = client.post("/g/follow/reply", data={
        "csrf_token": csrf(shown.text), "lang": "ne", "code": code, "secret": secret,
        "message": "धन्यवाद। एजेन्टले अझै राहदानी फिर्ता गरेको छैन।"})
    assert replied.status_code == 200, replied.text
    assert "तपाईंको सन्देश पठाइयो।" in replied.text
    assert "अझै राहदानी फिर्ता गरेको छैन" in replied.text
    messages = db.scalars(select(Message).where(Message.grievance_id == grievance.id)
                          .order_by(Message.id)).all()
    assert [m.from_reporter for m in messages] == [False, True]


def test_a_wrong_secret_or_code_is_404_in_the_chosen_language(client, db, site):
    code, secret = codes(send_report(client, site).text)
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    token = csrf(client.get("/g/follow").text)
    for pair in ({"code": code, "secret": wrong}, {"code": "ZZZZ-ZZZZ", "secret": secret}):
        answer = client.post("/g/follow", data={"csrf_token": token, "lang": "bn", **pair})
        assert answer.status_code == 404
        assert "এই কেস কোড আর গোপন কোডের সাথে কোনো কেস মেলেনি" in answer.text
        assert '<html lang="bn"' in answer.text and code not in answer.text
    reply = client.post("/g/follow/reply", data={"csrf_token": token, "code": code,
                                                 "secret": wrong, "message": "hello"})
    assert reply.status_code == 404
    assert db.scalar(select(Message.id)) is None


def test_an_unknown_intake_key_is_404_in_the_chosen_language(client, site):
    page = client.get("/g/no-such-channel-key", query_string={"lang": "my"})
    assert page.status_code == 404 and '<html lang="my"' in page.text
    assert "ဤလိပ်စာတွင် တိုင်ကြားရန် စာမျက်နှာ မရှိပါ" in page.text
    _own_assets_only(page.text)
    token = csrf(client.get(site.url).text)
    posted = client.post("/g/no-such-channel-key", data=report_form(csrf_token=token))
    assert posted.status_code == 404


def test_a_malformed_report_is_the_form_again_with_each_fields_error(client, db, site):
    page = client.get(site.url, query_string={"lang": "es"})
    answer = client.post(site.url, data={
        "csrf_token": csrf(page.text), "lang": "es", "text": "  ", "language": "xx",
        "place": "p" * 201, "contact": "c" * 201, "workplace": ""})
    assert answer.status_code == 422
    assert "Revise las respuestas marcadas abajo." in answer.text
    for message in ("Elija al menos una respuesta.", "Escriba lo que pasó.",
                    "Elija un idioma de la lista.",
                    "Es demasiado largo: como máximo 200 caracteres (el suyo tiene 201)."):
        assert message in answer.text, message
    assert answer.text.count('aria-invalid="true"') == 5  # five fields
    assert 'value="' + "p" * 201 + '"' in answer.text  # what was typed is kept
    too_long = client.post(site.url, data=report_form(
        csrf_token=csrf(page.text), lang="fr", text="x" * 10_001))
    assert too_long.status_code == 422
    assert "trop long\u00a0: 10\u202f000 caractères au maximum" in too_long.text
    assert db.scalar(select(Grievance.id)) is None


@pytest.mark.parametrize("categories", [["bribery"], ["wages", "<script>"], []])
def test_categories_are_only_those_of_the_list(client, db, site, categories):
    answer = send_report(client, site, categories=categories)
    assert answer.status_code == 422
    assert "Choose at least one answer." in answer.text or "Choose from the list." in answer.text
    assert "<script>" not in answer.text
    assert db.scalar(select(Grievance.id)) is None


def test_a_workplace_the_company_does_not_list_is_refused(app, client, db, site):
    elsewhere = make_site(db, name="Another Buyer Ltd")
    unlisted = make_supplier(db, site.org, name="Unlisted Mill")
    db.commit()
    for value in (str(elsewhere.supplier.id), str(unlisted.id), "abc", "-1", "9" * 30):
        answer = send_report(client, site, workplace=value)
        assert answer.status_code == 422, value
        assert "Choose a workplace from the list" in answer.text
    assert db.scalar(select(Grievance.id)) is None
    typed = send_report(client, site, workplace="other", place="Dormitory B, Prai")
    assert typed.status_code == 200
    grievance = db.scalar(select(Grievance))
    assert grievance.supplier_id is None
    with app.app_context():
        assert cases.read_case(db, grievance, actor=site.user)["place"] == "Dormitory B, Prai"


HOSTILE = ("<script>alert('x')</script><img src=x onerror=alert(1)> "
           "=HYPERLINK(\"http://evil.example\",\"click\") +1-1 @SUM(A1) "
           "صاحب العمل أخذ جواز سفري ولم يدفع الأجر "
           "老板扣了我的护照 ပိုက်ဆံ 🧤 \u202egnp.exe")


def test_hostile_text_is_kept_as_text(app, client, db, site):
    answer = send_report(client, site, text=HOSTILE, place="<b>Hall 3</b>",
                         contact="=cmd|' /C calc'!A0", language="ar")
    assert answer.status_code == 200, answer.text
    code, secret = codes(answer.text)
    grievance = db.scalar(select(Grievance).where(Grievance.case_code == code))
    with app.app_context():
        read = cases.read_case(db, grievance, actor=site.user)
    assert read["text"] == HOSTILE and read["place"] == "<b>Hall 3</b>"
    assert read["contact"] == "=cmd|' /C calc'!A0" and grievance.language == "ar"
    exactly = send_report(client, site, text="ग" * 10_000)
    assert exactly.status_code == 200  # the limit counts characters, not bytes

    token = csrf(client.get("/g/follow").text)
    shown = client.post("/g/follow/reply", data={"csrf_token": token, "code": code,
                                                 "secret": secret, "message": HOSTILE})
    assert shown.status_code == 200
    assert "&lt;script&gt;alert(" in shown.text and "<script>" not in shown.text
    assert "<img src=x" not in shown.text and "صاحب العمل أخذ جواز سفري" in shown.text
    assert '<p class="g-body" dir="auto">' in shown.text  # RTL text sets its own direction


def test_a_nul_character_is_the_form_again_naming_the_field(client, db, site):
    answer = send_report(client, site, text="before\x00after", lang="hi")
    assert answer.status_code == 422
    assert "इसमें एक ऐसा अक्षर है जिसे सहेजा नहीं जा सकता।" in answer.text
    assert "beforeafter" in answer.text and "\x00" not in answer.text
    assert 'id="text" name="text"' in answer.text and 'aria-invalid="true"' in answer.text
    assert db.scalar(select(Grievance.id)) is None


def test_the_session_holds_the_csrf_token_and_nothing_else(app, client, site):
    page = client.get(site.url)
    assert set(_session(app, page)) == {"csrf_token"}
    code, secret = codes(client.post(site.url, data=report_form(
        csrf_token=csrf(page.text))).text)
    follow = client.get("/g/follow")
    shown = client.post("/g/follow", data={"csrf_token": csrf(follow.text), "code": code,
                                           "secret": secret})
    replied = client.post("/g/follow/reply", data={"csrf_token": csrf(shown.text),
                                                   "code": code, "secret": secret,
                                                   "message": "still waiting"})
    for response in (follow, shown, replied):
        session = _session(app, response)
        assert session is None or set(session) == {"csrf_token"}, session
    with client.session_transaction() as kept:
        assert set(kept) == {"csrf_token"}


def test_without_the_csrf_token_nothing_is_taken(client, db, site):
    answer = client.post(site.url, data=report_form(lang="id"))
    assert answer.status_code == 400
    assert "Formulir tidak dapat diperiksa." in answer.text
    assert db.scalar(select(Grievance.id)) is None


@pytest.mark.parametrize(("header", "query", "expected"), [
    ("zh-CN,zh;q=0.9,en;q=0.5", None, "zh"),
    ("vi-VN", None, "vi"),
    ("de-DE,de;q=0.9", None, "en"),
    ("zh-CN", "fr", "fr"),
    ("bn", "xx", "bn"),
])
def test_the_page_language_comes_from_lang_then_the_browser(client, site, header, query,
                                                            expected):
    page = client.get(site.url, query_string={"lang": query} if query else None,
                      headers={"Accept-Language": header})
    assert page.status_code == 200 and f'<html lang="{expected}" dir="ltr">' in page.text
    assert f'name="lang" value="{expected}"' in page.text
    assert "lang" not in " ".join(page.headers.getlist("Set-Cookie")).split("=", 1)[0]


def test_the_language_menu_lists_the_channels_languages_in_themselves(client, db, site):
    site.channel.languages = ["ne", "my", "th", "en"]  # th has no translation yet
    db.commit()
    page = client.get(site.url)
    menu = page.text.split('<nav class="g-langs"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r"hreflang=\"(\w+)\"", menu) == ["ne", "my", "en"]
    assert "नेपाली" in menu and "မြန်မာ" in menu
    options = re.findall(r'<option value="(\w\w)"', page.text.split('id="language"')[1])
    assert options[:4] == ["ne", "my", "th", "en"] and len(options) == 184
