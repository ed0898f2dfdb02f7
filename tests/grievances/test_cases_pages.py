"""The case pages: the inbox (overdue first, no text), one case (the account decrypted, the
thread and the internal notes apart), moves, the supplier link, retaliation, hostile text,
purged cases, the channel page, the effectiveness page, the home card and the menu."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.errors import NotFound
from grievances.models import ChannelSupplier, Grievance, Message, Note
from grievances.services import cases, intake
from tests.conftest import csrf_from, login
from tests.factories import make_org, make_user
from tests.grievances.helpers import NEPALI, channel_of, make_case
from tests.suppliers.factories import make_supplier

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> =HYPERLINK("http://e.vil")'
BURMESE = "ကျွန်တော်တို့ အဆောင်မှာ လူဆယ့်နှစ်ယောက် နေရပါတယ်။"
ARABIC = "لم أتقاضَ راتبي منذ ثلاثة أشهر"


@pytest.fixture(autouse=True)
def _app_context():
    """No shared app context: each request pushes its own (a shared one would share `g`)."""
    yield


@pytest.fixture
def org(db):
    return make_org(db, "buyer")


@pytest.fixture
def user(db, org):
    user = make_user(db, org, "compliance")
    db.commit()
    return user


@pytest.fixture
def client(app, db, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _flash(response) -> str:
    found = re.findall(r'<div class="flash flash-\w+"[^>]*>(.*?)</div>', response.text, re.S)
    return " ".join(found)


def _token(client) -> str:
    return csrf_from(client.get("/grievances").text)


def test_inbox_lists_overdue_first_then_by_deadline_and_never_text(app, db, org, client):
    with app.app_context():
        fresh = make_case(db, org, text="Fresh report about wages", language="en",
                          categories=["wages"])
        late = make_case(db, org, text="Late report about hours", language="en",
                         categories=["hours"], days_ago=9)
        soon = make_case(db, org, days_ago=5)
        answered = make_case(db, org, text="Answered report", language="id", days_ago=3)
        cases.send_message(db, answered, actor=make_user(db, org, "admin"), body="Received.")
    db.commit()
    page = client.get("/grievances")
    assert page.status_code == 200
    order = re.findall(r'data-case="([^"]+)"', page.text)
    assert order == [late.case_code, soon.case_code, fresh.case_code, answered.case_code]
    for text in ("Fresh report", "Late report", NEPALI, "Answered report"):
        assert text not in page.text
    assert "acknowledge by" in page.text and "overdue" in page.text
    assert "Nepali (ne)" in page.text and "Identity documents kept" in page.text
    late_row = page.text.split(f'data-case="{late.case_code}"')[0].rsplit("<tr", 1)[1]
    assert "g-row-late" in late_row
    only_late = client.get("/grievances?overdue=1")
    assert re.findall(r'data-case="([^"]+)"', only_late.text) == [late.case_code]
    wages = client.get("/grievances?category=wages")
    assert re.findall(r'data-case="([^"]+)"', wages.text) == [fresh.case_code]
    acknowledged = client.get("/grievances?status=acknowledged")
    assert re.findall(r'data-case="([^"]+)"', acknowledged.text) == [answered.case_code]
    bad = client.get("/grievances?status=bribed&category=%3Cb%3E")
    assert bad.status_code == 200 and "Choose open or one of" in _flash(bad)
    assert len(re.findall(r'data-case="', bad.text)) == 4  # the bad filters are dropped


def test_the_case_page_shows_the_account_and_keeps_notes_apart(app, db, org, user, client):
    supplier = make_supplier(db, org, name="Penang Gloves Sdn Bhd", country="MY")
    with app.app_context():
        case = make_case(db, org, supplier=supplier, place="Hostel block C, Prai",
                         contact="WhatsApp +60 12-345 6789")
        cases.send_message(db, case, actor=user, body="We received your report.")
        intake.reporter_reply(db, case, "धन्यवाद, राहदानी अझै फिर्ता भएन।")
        cases.add_note(db, case, actor=user, body="Internal: matches audit finding PG-01.")
    db.commit()
    page = client.get(f"/grievances/{case.id}")
    assert page.status_code == 200
    html = page.text
    assert NEPALI in html and "Nepali (ne)" in html and "Hostel block C, Prai" in html
    assert "WhatsApp +60 12-345 6789" in html and "Penang Gloves Sdn Bhd" in html
    thread = html.split('id="thread"')[1].split('id="notes"')[0]
    notes = html.split('id="notes"')[1]
    assert "We received your report." in thread and "राहदानी अझै" in thread
    assert "Internal: matches" not in thread
    assert "Internal: matches" in notes and "never shown to the reporter" in notes
    assert 'class="card g-notes"' in html
    with app.app_context():
        view = intake.reporter_view(db, case)
    assert "Internal" not in str(view) and user.email not in str(view)
    # the moves offered are the allowed ones
    buttons = re.findall(r'name="to" value="(\w+)"', html)
    assert buttons == ["investigating", "resolved", "closed"]


def test_messages_and_notes_from_the_page(app, db, org, user, client):
    with app.app_context():
        case = make_case(db, org)
    db.commit()
    token = _token(client)
    response = client.post(f"/grievances/{case.id}/messages", data={
        "csrf_token": token, "body": f"{HOSTILE}\n{BURMESE}\n{ARABIC}"})
    assert response.status_code == 302
    client.post(f"/grievances/{case.id}/notes", data={"csrf_token": token,
                                                      "body": f"Note {HOSTILE}"})
    page = client.get(f"/grievances/{case.id}")
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert BURMESE in page.text and ARABIC in page.text
    db.expire_all()
    case = db.get(Grievance, case.id)
    assert case.status == "acknowledged" and case.answered_at is not None
    with app.app_context():
        view = intake.reporter_view(db, case)
    assert [m["body"] for m in view["messages"]] == [f"{HOSTILE}\n{BURMESE}\n{ARABIC}"]
    assert "Note" not in str(view)
    raw = db.execute(select(Message.body_enc)).scalars().all() + db.execute(
        select(Note.body_enc)).scalars().all()
    assert raw and all(b"script" not in bytes(r) and BURMESE.encode() not in bytes(r)
                       for r in raw)


@pytest.mark.parametrize("path", ["messages", "notes"])
@pytest.mark.parametrize(("body", "expected"), [("a\x00b", "NUL"), ("   ", "write"),
                                                ("x" * 10_001, "At most 10,000")])
def test_bad_text_is_422_on_the_form(app, db, org, client, path, body, expected):
    with app.app_context():
        case = make_case(db, org)
    db.commit()
    response = client.post(f"/grievances/{case.id}/{path}",
                           data={"csrf_token": _token(client), "body": body})
    assert response.status_code == 422
    assert expected in response.text
    assert db.scalar(select(Message.id).where(Message.grievance_id == case.id)) is None
    assert db.scalar(select(Note.id).where(Note.grievance_id == case.id)) is None


def test_moves_on_the_page_and_an_illegal_one_refused(app, db, org, client):
    with app.app_context():
        case = make_case(db, org)
    db.commit()
    token = _token(client)
    ok = client.post(f"/grievances/{case.id}/status", data={"csrf_token": token,
                                                            "to": "investigating"},
                     follow_redirects=True)
    assert "The case is now investigating" in _flash(ok)
    refused = client.post(f"/grievances/{case.id}/status", data={"csrf_token": token,
                                                                 "to": "acknowledged"},
                          follow_redirects=True)
    assert refused.status_code == 200
    assert "cannot become acknowledged; it can become: resolved, closed" in _flash(refused)
    nonsense = client.post(f"/grievances/{case.id}/status", data={"csrf_token": token,
                                                                  "to": "<b>gone</b>"},
                           follow_redirects=True)
    assert "is not a status" in _flash(nonsense) and "<b>gone</b>" not in nonsense.text
    db.expire_all()
    assert db.get(Grievance, case.id).status == "investigating"


def test_link_a_supplier_and_flag_retaliation(app, db, org, client):
    mine = make_supplier(db, org, name="Klang Glove Works")
    theirs = make_supplier(db, make_org(db, "buyer"), name="Someone Else's Mill")
    with app.app_context():
        case = make_case(db, org)
    db.commit()
    token = _token(client)
    page = client.get(f"/grievances/{case.id}?supplier_q=klang")
    assert "Klang Glove Works" in page.text and "Someone Else" not in page.text
    client.post(f"/grievances/{case.id}/supplier", data={"csrf_token": token,
                                                         "supplier_id": mine.id})
    db.expire_all()
    assert db.get(Grievance, case.id).supplier_id == mine.id
    refused = client.post(f"/grievances/{case.id}/supplier",
                          data={"csrf_token": token, "supplier_id": theirs.id},
                          follow_redirects=True)
    assert "No such supplier" in _flash(refused)
    db.expire_all()
    assert db.get(Grievance, case.id).supplier_id == mine.id
    client.post(f"/grievances/{case.id}/retaliation", data={"csrf_token": token, "flag": "1"})
    db.expire_all()
    assert db.get(Grievance, case.id).retaliation is True
    assert "retaliation" in client.get("/grievances").text
    client.post(f"/grievances/{case.id}/retaliation", data={"csrf_token": token, "flag": "0"})
    db.expire_all()
    assert db.get(Grievance, case.id).retaliation is False


def test_a_purged_case_says_its_text_was_removed(app, db, org, user, client):
    with app.app_context():
        case = make_case(db, org)
        cases.send_message(db, case, actor=user, body="We received it.")
        cases.add_note(db, case, actor=user, body="Internal remark")
        cases.transition(db, case, to="closed", actor=user)
        case.closed_at = utcnow() - timedelta(days=400)
        db.flush()
        assert cases.purge_closed(db, days=365) == 1
    db.commit()
    page = client.get(f"/grievances/{case.id}")
    assert page.status_code == 200
    assert "removed" in page.text and "after the retention period" in page.text
    assert NEPALI not in page.text and "We received it." not in page.text
    assert "Internal remark" not in page.text
    assert f'action="/grievances/{case.id}/messages"' not in page.text


def test_the_channel_page_lists_workplaces_languages_and_issues_a_new_key(app, db, org,
                                                                         client):
    supplier = make_supplier(db, org, name="Penang Garment Industries Sdn Bhd")
    db.commit()
    page = client.get("/grievances/channel")
    assert page.status_code == 200
    with app.app_context():
        channel = channel_of(db, org)
    old_key = channel.intake_key
    assert old_key in page.text and f"/g/{old_key}" in page.text
    token = csrf_from(page.text)
    response = client.post("/grievances/channel/workplaces", data={
        "csrf_token": token, "supplier_id": supplier.id,
        "public_name": "Penang Garment <Prai> factory"}, follow_redirects=True)
    assert "Penang Garment &lt;Prai&gt; factory" in response.text
    listed = db.scalar(select(ChannelSupplier).where(ChannelSupplier.channel_id == channel.id))
    assert listed.public_name == "Penang Garment <Prai> factory"
    again = client.post("/grievances/channel/workplaces", data={
        "csrf_token": token, "supplier_id": supplier.id, "public_name": ""})
    assert again.status_code == 409 and "already listed" in again.text
    client.post(f"/grievances/channel/workplaces/{listed.id}/remove",
                data={"csrf_token": token})
    assert db.scalar(select(ChannelSupplier.id).where(
        ChannelSupplier.channel_id == channel.id)) is None
    client.post("/grievances/channel/languages", data={"csrf_token": token,
                                                       "languages": ["my", "ne", "en"]})
    db.refresh(channel)
    assert channel.languages == ["my", "ne", "en"]
    shown = re.findall(r'name="languages" value="(\w+)"', client.get("/grievances/channel").text)
    assert shown[:3] == ["my", "ne", "en"] and len(shown) == 10  # the chosen first, in order
    bad = client.post("/grievances/channel/languages", data={"csrf_token": token,
                                                             "languages": ["tlh"]},
                      follow_redirects=True)
    assert "Not a language of the channel" in _flash(bad)
    client.post("/grievances/channel/key", data={"csrf_token": token})
    db.refresh(channel)
    assert channel.intake_key != old_key and channel.key_rotated_at is not None
    with app.app_context(), pytest.raises(NotFound):
        intake.channel_by_key(db, old_key)
    assert channel.intake_key in client.get("/grievances/channel").text


def test_effectiveness_has_no_text_no_codes_and_hides_small_counts(app, db, org, user, client):
    with app.app_context():
        made = [make_case(db, org, text=f"Secret account {i}", language="ne",
                          categories=["recruitment_fees"], days_ago=30) for i in range(6)]
        made.append(make_case(db, org, text="Lonely hours case", language="en",
                              categories=["hours"], days_ago=30))
        for case in made[:5]:
            cases.send_message(db, case, actor=user, body="Received, thank you.")
    db.commit()
    page = client.get("/grievances/effectiveness")
    assert page.status_code == 200
    html = page.text
    for case in made:
        assert case.case_code not in html
    assert "Secret account" not in html and "Lonely hours" not in html
    assert "fewer than 5" in html
    assert re.search(r"<strong>7</strong><span>cases received", html)
    assert html.count('data-criterion="') == 8
    assert 'data-count="few"' in html  # the single hours case is not drawn to scale
    assert 'data-count="6"' in html
    assert client.get("/grievances/effectiveness?months=all").status_code == 200
    assert "is not one of" in _flash(client.get("/grievances/effectiveness?months=%3Cb%3E"))


def test_home_card_and_menu(app, db, org, client):
    with app.app_context():
        make_case(db, org, days_ago=10)
        make_case(db, org)
    db.commit()
    home = client.get("/")
    assert "Worker grievances" in home.text
    card = home.text.split("Worker grievances")[1].split("</section>")[0]
    assert re.search(r"<strong>2</strong>\s*<span>open cases", card)
    assert re.search(r"<strong>1</strong>\s*<span>overdue", card)
    assert 'href="/grievances"' in home.text.split("</nav>")[0]
