"""The core of a case, through the services: a report is received encrypted, found by its code
and secret (and by nothing else), answered, replied to, moved along, and purged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from grievances import states
from grievances.models import ChannelSupplier, Grievance
from grievances.services import cases, intake
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier

NEPALI = "म्यानपावर एजेन्टले मेरो राहदानी राख्यो र ३ लाख रुपैयाँ शुल्क लियो।"


@pytest.fixture
def channel(db):
    org = make_org(db, "buyer")
    channel = intake.ensure_channel(db, org_id=org.id)
    supplier = make_supplier(db, org, name="Penang Gloves Sdn Bhd", country="MY")
    db.add(ChannelSupplier(org_id=org.id, channel_id=channel.id, supplier_id=supplier.id,
                           public_name="Penang Gloves (Prai factory)"))
    db.flush()
    return channel, supplier, make_user(db, org, "compliance")


def test_a_report_is_received_encrypted_and_found_by_code_and_secret(db, channel):
    ch, supplier, _user = channel
    grievance, secret = intake.submit(db, channel=ch, categories=["identity_documents",
                                                                  "recruitment_fees"],
                                      text=NEPALI, language="ne", supplier_id=supplier.id)
    assert grievance.status == "received" and grievance.supplier_id == supplier.id
    assert grievance.answer_due_on - grievance.received_at.date() == timedelta(days=21)
    raw = db.execute(text("SELECT text_enc FROM grievances WHERE id = :i"),
                     {"i": grievance.id}).scalar()
    assert NEPALI.encode() not in bytes(raw) and "राहदानी".encode() not in bytes(raw)
    found = intake.find_case(db, grievance.case_code.lower().replace("-", " "),
                             secret.replace("0", "O"))
    assert found.id == grievance.id
    with pytest.raises(NotFound):
        intake.find_case(db, grievance.case_code, secret[:-1] + ("A" if secret[-1] != "A"
                                                                 else "B"))
    with pytest.raises(NotFound):
        intake.find_case(db, "ZZZZ-ZZZZ", secret)


@pytest.mark.parametrize(("values", "field"), [
    ({"categories": [], "text": "x", "language": "ne"}, "categories"),
    ({"categories": ["bribery"], "text": "x", "language": "ne"}, "categories"),
    ({"categories": ["wages"], "text": "  ", "language": "ne"}, "text"),
    ({"categories": ["wages"], "text": "a\x00b", "language": "ne"}, "text"),
    ({"categories": ["wages"], "text": "x", "language": "nepali"}, "language"),
    ({"categories": ["wages"], "text": "x", "language": "ne", "supplier_id": 10**9},
     "supplier_id"),
])
def test_a_malformed_report_names_the_field(db, channel, values, field):
    with pytest.raises(ValidationFailed) as caught:
        intake.submit(db, channel=channel[0], **values)
    assert field in {d["field"] for d in caught.value.details}


def test_answer_reply_move_and_purge(db, channel, app):
    ch, _supplier, user = channel
    grievance, _secret = intake.submit(db, channel=ch, categories=["wages"], text=NEPALI,
                                      language="ne")
    cases.send_message(db, grievance, actor=user, body="We have received your report.")
    assert grievance.status == "acknowledged" and grievance.answered_at is not None
    intake.reporter_reply(db, grievance, "धन्यवाद")
    cases.add_note(db, grievance, actor=user, body="Internal: call the agency.")
    view = intake.reporter_view(db, grievance)
    assert [m["from"] for m in view["messages"]] == ["company", "you"]
    assert "Internal" not in str(view)
    with pytest.raises(Conflict):
        cases.transition(db, grievance, to="received", actor=user)
    cases.transition(db, grievance, to="investigating", actor=user)
    cases.transition(db, grievance, to="closed", actor=user)
    cases.transition(db, grievance, to="investigating", actor=user)
    assert grievance.reopened == 1
    cases.transition(db, grievance, to="closed", actor=user)
    grievance.closed_at = utcnow() - timedelta(days=400)
    db.flush()
    assert cases.purge_closed(db, days=365) == 1
    db.refresh(grievance)
    assert grievance.text_enc is None and grievance.purged_at is not None
    assert intake.reporter_view(db, grievance)["messages"][0]["body"] is None


def test_overdue_cases_are_flagged_once(db, channel):
    grievance, _secret = intake.submit(db, channel=channel[0], categories=["hours"],
                                       text="72 hours a week", language="en")
    today = grievance.received_at.date() + timedelta(days=states.ACKNOWLEDGE_DAYS + 1)
    assert cases.flag_overdue(db, today=today) == [grievance]
    assert cases.flag_overdue(db, today=today) == []
    assert db.get(Grievance, grievance.id).overdue_flagged_at is not None


def test_a_merge_moves_the_cases_and_the_listing_to_the_kept_supplier(db, channel):
    from suppliers.services import merge_suppliers

    ch, supplier, user = channel
    keep = make_supplier(db, _org(db, supplier), name="Penang Gloves", country="MY")
    grievance, _secret = intake.submit(db, channel=ch, categories=["wages"], text="late pay",
                                       language="en", supplier_id=supplier.id)
    merge_suppliers(db, keep, supplier, actor=user)
    db.refresh(grievance)
    assert grievance.supplier_id == keep.id
    listed = db.scalars(select(ChannelSupplier.supplier_id).where(
        ChannelSupplier.channel_id == ch.id)).all()
    assert listed == [keep.id]


def _org(db, supplier):
    from app.auth.models import Organization

    return db.get(Organization, supplier.org_id)
