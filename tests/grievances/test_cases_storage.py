"""What the database holds: the reporter's account, place, contact, every message and note
are ciphertext (a raw SQL select shows none of the text), in any script; hostile text goes
in and out unchanged; NUL bytes never reach the database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.errors import ValidationFailed
from grievances.services import cases, intake
from tests.factories import make_org, make_user
from tests.grievances.helpers import make_case

ACCOUNTS = {
    "ne": "म्यानपावर एजेन्टले मेरो राहदानी राख्यो",
    "bn": "আমরা তিন মাস ধরে পুরো বেতন পাইনি",
    "my": "ညဘက် အပြင်ထွက်ခွင့် မပေးပါဘူး",
    "hi": "ओवरटाइम का पैसा नहीं मिलता",
    "id": "Paspor saya ditahan oleh agen",
    "en": "=CMD|' /C calc'!A0 <script>alert(1)</script> passports held",
}


def test_raw_sql_shows_no_plaintext(app, db):
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    made = []
    for language, account in ACCOUNTS.items():
        case = make_case(db, org, text=account, language=language,
                         place="Hostel block C", contact="WhatsApp +60 12-345 6789")
        cases.send_message(db, case, actor=user, body=f"Reply about {account}")
        intake.reporter_reply(db, case, f"Answer {account}")
        cases.add_note(db, case, actor=user, body=f"Note {account}")
        made.append(case)
    db.flush()
    rows = db.execute(text(
        "SELECT text_enc, place_enc, contact_enc FROM grievances WHERE org_id = :o"),
        {"o": org.id}).all()
    stored = [bytes(v) for row in rows for v in row]
    stored += [bytes(v) for (v,) in db.execute(text(
        "SELECT body_enc FROM grievance_messages WHERE org_id = :o"), {"o": org.id})]
    stored += [bytes(v) for (v,) in db.execute(text(
        "SELECT body_enc FROM grievance_notes WHERE org_id = :o"), {"o": org.id})]
    assert len(stored) == 6 * 3 + 6 * 2 + 6
    for blob in stored:
        assert blob.startswith(b"gAAAAA")  # a Fernet token
        for account in ACCOUNTS.values():
            for piece in (account, account.split()[0], "Hostel", "WhatsApp", "12-345"):
                assert piece.encode() not in blob
    for case, account in zip(made, ACCOUNTS.values(), strict=True):
        read = cases.read_case(db, case, actor=user)
        assert read["text"] == account
        assert [m["body"] for m in read["messages"]] == [f"Reply about {account}",
                                                          f"Answer {account}"]
        assert read["notes"][0]["body"] == f"Note {account}"


@pytest.mark.parametrize("write", ["message", "note"])
def test_nul_and_overlong_text_are_refused_before_the_database(db, write):
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    case = make_case(db, org)
    call = cases.send_message if write == "message" else cases.add_note
    for body in ("a\x00b", "x" * 10_001, "   ", None, 42):
        with pytest.raises(ValidationFailed):
            call(db, case, actor=user, body=body)
