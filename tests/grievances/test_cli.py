"""`flask grievances rotate-keys` re-encrypts every stored text under the newest key (after
which a configuration with only that key still reads old cases), and `flask grievances purge`
runs the retention purge now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from grievances import crypto
from grievances.cli import cli
from grievances.models import Grievance, Message, Note
from grievances.services import cases, intake
from tests.conftest import OLD_GRIEVANCE_KEY, TEST_GRIEVANCE_KEY
from tests.factories import make_org, make_user
from tests.grievances.helpers import NEPALI, make_case


def _tokens(db):
    rows = db.execute(select(Grievance.text_enc, Grievance.place_enc, Grievance.contact_enc))
    tokens = [t for row in rows for t in row if t is not None]
    tokens += [t for t in db.scalars(select(Message.body_enc)) if t is not None]
    tokens += [t for t in db.scalars(select(Note.body_enc)) if t is not None]
    return tokens


def test_rotate_keys_then_the_new_key_alone_reads_old_cases(app, db, monkeypatch):
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    monkeypatch.setitem(app.config, "GRIEVANCE_KEYS", [OLD_GRIEVANCE_KEY])
    old = [make_case(db, org, place="Dormitory 2", contact="Signal +977 980000000")
           for _ in range(3)]
    cases.send_message(db, old[0], actor=user, body="Received, thank you.")
    intake.reporter_reply(db, old[0], "धन्यवाद")
    cases.add_note(db, old[0], actor=user, body="Internal: call the agency")
    db.commit()
    before = _tokens(db)
    assert len(before) == 12
    monkeypatch.setitem(app.config, "GRIEVANCE_KEYS", [TEST_GRIEVANCE_KEY])
    with pytest.raises(crypto.UnreadableText):
        crypto.open_text(before[0])  # the old key is needed until the rotation

    monkeypatch.setitem(app.config, "GRIEVANCE_KEYS", [TEST_GRIEVANCE_KEY, OLD_GRIEVANCE_KEY])
    result = app.test_cli_runner().invoke(cli, ["rotate-keys", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "grievances: 9 texts re-encrypted" in result.output
    assert "grievance_messages: 2 texts re-encrypted" in result.output
    assert "grievance_notes: 1 texts re-encrypted" in result.output
    assert "Done: 12 texts" in result.output
    db.expire_all()
    after = _tokens(db)
    assert len(after) == 12 and set(after).isdisjoint(before)

    monkeypatch.setitem(app.config, "GRIEVANCE_KEYS", [TEST_GRIEVANCE_KEY])
    assert crypto.open_text(db.get(Grievance, old[0].id).text_enc) == NEPALI
    assert crypto.open_text(db.get(Grievance, old[1].id).place_enc) == "Dormitory 2"
    read = cases.read_case(db, db.get(Grievance, old[0].id), actor=user)
    assert [m["body"] for m in read["messages"]] == ["Received, thank you.", "धन्यवाद"]
    assert read["notes"][0]["body"] == "Internal: call the agency"


def test_rotate_keys_stops_on_a_text_no_key_opens(app, db, monkeypatch):
    org = make_org(db, "buyer")
    monkeypatch.setitem(app.config, "GRIEVANCE_KEYS", [OLD_GRIEVANCE_KEY])
    make_case(db, org)
    db.commit()
    monkeypatch.setitem(app.config, "GRIEVANCE_KEYS", [TEST_GRIEVANCE_KEY])
    result = app.test_cli_runner().invoke(cli, ["rotate-keys"])
    assert result.exit_code != 0
    assert "grievances: row " in result.output
    assert "encrypted with a key that is no longer configured" in result.output


def test_purge_now(app, db):
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    old, recent = make_case(db, org), make_case(db, org)
    for case in (old, recent):
        cases.transition(db, case, to="closed", actor=user)
    old.closed_at = utcnow() - timedelta(days=366)
    db.commit()
    result = app.test_cli_runner().invoke(cli, ["purge"])
    assert result.exit_code == 0, result.output
    assert "1 closed case purged of their text (closed more than 365 days ago)" in result.output
    db.expire_all()
    assert db.get(Grievance, old.id).text_enc is None
    assert db.get(Grievance, recent.id).text_enc is not None
    result = app.test_cli_runner().invoke(cli, ["purge", "--days", "0"])
    assert "1 closed case purged" in result.output
