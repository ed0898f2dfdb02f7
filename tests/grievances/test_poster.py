"""The channel's poster: the printable page and its PDF (text read back with pypdfium2) show
the company, the intake address and its QR code, and the invitation in each chosen language
on one A4 page; `channel_info` gives helper B's API the absolute addresses."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
import segno

from grievances import poster
from grievances.services import intake
from tests.conftest import login
from tests.factories import make_org, make_user

COMPANY = "Harbour Retail Group plc"
NEPALI_HEADLINE = f"काममा समस्या छ? {COMPANY} लाई भन्नुहोस्।"
NEPALI_BODY = "फोनको क्यामेराले कोड स्क्यान"


@pytest.fixture(autouse=True)
def _app_context():
    """Each request in its own app context, as in production (see test_public.py): the
    poster's GET reads in a read-only session and makes the channel in a write session."""
    yield


@pytest.fixture
def buyer_admin(db):
    org = make_org(db, "buyer", name=COMPANY)
    user = make_user(db, org, "admin")
    db.commit()
    return user


@pytest.fixture
def signed_in(client, buyer_admin):
    login(client, buyer_admin.email)
    return client


def _intake_url(db, user) -> str:
    channel = intake.ensure_channel(db, org_id=user.org_id)
    return f"http://127.0.0.1:5000/g/{channel.intake_key}"  # PUBLIC_URL of the tests


def test_the_poster_page_shows_the_address_its_qr_code_and_the_languages(signed_in, db,
                                                                         buyer_admin):
    page = signed_in.get("/grievances/channel/poster?lang=ne&lang=en&lang=th&lang=ne")
    assert page.status_code == 200
    url = _intake_url(db, buyer_admin)  # the channel the page made on first use
    html = page.text
    assert f'<p class="url" lang="en" dir="ltr">{url}</p>' in html
    assert COMPANY in html and NEPALI_HEADLINE in html
    assert "Problems at work? Tell Harbour Retail Group plc." in html
    assert poster.qr_svg(url, title=url) in html  # the QR code of exactly that address
    assert re.findall(r'<div class="block" lang="(\w+)"', html) == ["ne", "en"]
    assert "No translation yet for: th" in html
    assert "<script" not in html and 'href="/grievances/channel/poster.css"' in html
    assert "works only on the server itself" in html  # PUBLIC_URL is the loopback default
    assert "/grievances/channel/poster.pdf?lang=ne&amp;lang=en" in html
    css = signed_in.get("/grievances/channel/poster.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and b"@page" in css.data


def test_the_default_languages_are_the_channels(signed_in, db, buyer_admin):
    channel = intake.ensure_channel(db, org_id=buyer_admin.org_id)
    channel.languages = ["my", "bn"]
    db.commit()
    html = signed_in.get("/grievances/channel/poster").text
    assert re.findall(r'<div class="block" lang="(\w+)"', html) == ["my", "bn"]
    assert '<html lang="my" dir="ltr">' in html


def test_the_pdf_is_one_a4_page_with_the_address_and_the_nepali_invitation(signed_in, db,
                                                                          buyer_admin):
    answer = signed_in.get("/grievances/channel/poster.pdf?lang=ne&lang=en")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    url = _intake_url(db, buyer_admin)
    document = pdfium.PdfDocument(answer.data)
    try:
        assert len(document) == 1
        width, height = document[0].get_size()
        assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297
        page = document[0].get_textpage()
        text = page.get_text_range()
        page.close()
    finally:
        document.close()
    # a long address may wrap after a "-" of its key: read it back joined
    assert url in re.sub(r"\r?\n", "", text) and COMPANY in text
    assert "काममा समस्या छ?" in text and NEPALI_BODY in text
    assert "Scan the code with a phone camera" in text


def test_ten_languages_still_fit_on_one_page(signed_in):
    query = "&".join(f"lang={code}" for code in ("ne", "en", "my", "bn", "zh", "hi", "vi",
                                                 "id", "es", "fr"))
    answer = signed_in.get(f"/grievances/channel/poster.pdf?{query}")
    document = pdfium.PdfDocument(answer.data)
    try:
        assert len(document) == 1
        page = document[0].get_textpage()
        text = page.get_text_range()
        page.close()
    finally:
        document.close()
    for sample in ("工作中遇到问题", "Problems at work?", "Ada masalah di tempat kerja?",
                   "¿Problemas en el trabajo?"):
        assert sample in text, sample


def test_only_a_buyers_compliance_and_admin_users_get_the_poster(client, db):
    supplier_admin = make_user(db, make_org(db, "supplier"), "admin")
    db.commit()
    login(client, supplier_admin.email)
    assert client.get("/grievances/channel/poster").status_code == 403
    assert client.get("/grievances/channel/poster.pdf").status_code == 403


def test_channel_info_gives_absolute_addresses_under_public_url(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://grievances.example.org/tierlight")
    org = make_org(db, "buyer")
    with app.app_context():
        channel = intake.ensure_channel(db, org_id=org.id)
    channel.languages = ["ne", "en"]
    with app.test_request_context("/", base_url="http://internal-host:8000"):
        info = poster.channel_info(channel)
    base = "https://grievances.example.org/tierlight"
    assert info == {
        "intake_key": channel.intake_key,
        "url": f"{base}/g/{channel.intake_key}",
        "poster_url": f"{base}/grievances/channel/poster?lang=ne&lang=en",
        "poster_pdf_url": f"{base}/grievances/channel/poster.pdf?lang=ne&lang=en",
        "languages": ["ne", "en"],
    }
    assert poster.reachable(info["url"])
    assert not poster.reachable("http://127.0.0.1:5000/g/x")
    assert not poster.reachable("http://localhost/g/x")


def test_the_qr_code_is_scalable_svg_with_an_escaped_title():
    svg = poster.qr_svg("https://example.org/g/abc", title='<b onload="x">')
    assert svg.startswith('<svg viewBox="0 0 ') and 'class="qr"' in svg
    assert "width=" not in svg.split(">", 1)[0]  # sized by the stylesheet
    assert "&lt;b onload=" in svg and "<b " not in svg
    expected = segno.make("https://example.org/g/abc", error="m", micro=False)
    size = expected.symbol_size(scale=1, border=4)[0]
    assert svg.startswith(f'<svg viewBox="0 0 {size} {size}"')
