"""The daily job: overdue cases flagged once, the people who may read grievances told by
email (how many, and the case codes: never the text), closed cases purged after retention."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.db import utcnow
from app.mail import OutboxMessage
from app.registry import registry
from grievances.jobs import daily_grievances
from grievances.models import Grievance, Message
from grievances.services import cases
from tests.factories import make_org, make_user
from tests.grievances.helpers import NEPALI, make_case


def _mails(db, org):
    return db.scalars(select(OutboxMessage).where(
        OutboxMessage.org_id == org.id, OutboxMessage.template == "grievances_overdue")
        .order_by(OutboxMessage.to_address)).all()


def test_the_job_is_registered_daily(app):
    assert daily_grievances in registry(app).daily_hooks


def test_overdue_cases_are_flagged_once_and_readers_mailed_without_text(app, db):
    org = make_org(db, "buyer")
    admin = make_user(db, org, "admin", email="amara@northwind.example")
    reader = make_user(db, org, "compliance", email="chen@northwind.example")
    withdrawn = make_user(db, org, "compliance", email="temp@northwind.example")
    cases.set_access(db, admin=admin, user=withdrawn, allowed=False)
    late = make_case(db, org, days_ago=8)                       # not acknowledged in 7 days
    unanswered = make_case(db, org, days_ago=22, text="Wages withheld since March")
    cases.transition(db, unanswered, to="acknowledged", actor=reader)  # no answer in 3 weeks
    on_time = make_case(db, org, days_ago=3)
    other_org = make_org(db, "buyer")
    make_user(db, other_org, "compliance")
    make_case(db, other_org, days_ago=1)

    outcome = daily_grievances(db)
    assert outcome["flagged"] == 2 and outcome["mailed"] == 2
    db.expire_all()
    assert db.get(Grievance, late.id).overdue_flagged_at is not None
    assert db.get(Grievance, unanswered.id).overdue_flagged_at is not None
    assert db.get(Grievance, on_time.id).overdue_flagged_at is None
    mails = _mails(db, org)
    assert [m.to_address for m in mails] == [admin.email, reader.email]
    for mail in mails:
        assert mail.subject == "2 grievance cases overdue"
        for body in (mail.body_text, mail.body_html):
            assert late.case_code in body and unanswered.case_code in body
            assert on_time.case_code not in body
            assert NEPALI not in body and "Wages withheld" not in body
            assert "/grievances?overdue=1" in body
    assert _mails(db, other_org) == []

    again = daily_grievances(db)
    assert again["flagged"] == 0 and again["mailed"] == 0
    assert len(_mails(db, org)) == 2


def test_the_job_purges_closed_cases_after_retention(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "GRIEVANCE_RETENTION_DAYS", 90)
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    old, recent = make_case(db, org), make_case(db, org)
    for case in (old, recent):
        cases.send_message(db, case, actor=user, body="Received.")
        cases.transition(db, case, to="closed", actor=user)
    old.closed_at = utcnow() - timedelta(days=91)
    recent.closed_at = utcnow() - timedelta(days=89)
    db.flush()
    assert daily_grievances(db)["purged"] == 1
    db.expire_all()
    assert db.get(Grievance, old.id).text_enc is None
    assert db.get(Grievance, old.id).purged_at is not None
    assert db.get(Grievance, recent.id).text_enc is not None
    assert db.scalar(select(Message.body_enc).where(Message.grievance_id == old.id)) is None
    assert daily_grievances(db)["purged"] == 0
