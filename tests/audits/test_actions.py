"""Corrective actions: default due dates, the state machine through the API, who may move
what, mails to the owner over real SMTP, the activity log and the daily overdue flag."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.queue import run_daily
from audits.models import Action
from tests.audits.factories import make_action, make_audit, make_auditor, make_finding
from tests.audits.helpers import auth
from tests.conftest_mail import text_of
from tests.factories import make_org, make_user


def _move(client, headers, action_id, to, note=None):
    return client.post(f"/api/v1/actions/{action_id}/transition", headers=headers,
                       json={"to": to, **({"note": note} if note else {})})


def test_a_new_action_is_due_by_severity_and_mailed_to_its_owner(client, db, buyer,
                                                                 compliance_user, smtp):
    audit = make_audit(db, buyer)
    critical = make_finding(db, audit, severity="critical", scheme_severity="Priority")
    low = make_finding(db, audit, severity="low", scheme_severity="Risk of non-conformance")
    db.commit()
    headers = auth(client, compliance_user)
    first = client.post(f"/api/v1/findings/{critical.id}/actions", headers=headers, json={
        "description": "Return all passports to workers; install personal lockers",
        "owner_email": "hr.manager@anhui-cotton.example"})
    assert first.status_code == 201, first.json
    assert first.json["due_date"] == (date.today() + timedelta(days=7)).isoformat()
    assert first.json["state"] == "open" and first.json["allowed_moves"] == ["in_progress"]
    second = client.post(f"/api/v1/findings/{low.id}/actions", headers=headers, json={
        "description": "Write a grievance procedure", "owner_email": "hr@x.example",
        "due_date": "2027-02-01"})
    assert second.json["due_date"] == "2027-02-01"
    third = client.post(f"/api/v1/findings/{low.id}/actions", headers=headers, json={
        "description": "Train supervisors", "owner_email": "hr@x.example"})
    assert third.json["due_date"] == (date.today() + timedelta(days=90)).isoformat()
    mails = smtp.wait_for(3)
    mine = [m for m in mails if m["To"] == "hr.manager@anhui-cotton.example"]
    assert len(mine) == 1
    body = text_of(mine[0])
    assert "Return all passports" in body and audit.supplier.name in body
    assert (date.today() + timedelta(days=7)).strftime("%d %b %Y") in body


def test_the_state_machine_through_the_api(client, db, buyer, compliance_user, smtp):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    action = make_action(db, make_finding(db, audit))
    db.commit()
    as_buyer, as_auditor = auth(client, compliance_user), auth(client, auditor)
    skipped = _move(client, as_buyer, action.id, "verified")
    assert skipped.status_code == 409
    assert "in_progress" in skipped.json["error"]["message"]
    assert _move(client, as_auditor, action.id, "in_progress").status_code == 403
    assert _move(client, as_buyer, action.id, "in_progress").status_code == 200
    assert _move(client, as_buyer, action.id, "submitted").status_code == 200
    no_reason = _move(client, as_auditor, action.id, "in_progress")
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["details"][0]["field"] == "note"
    returned = _move(client, as_auditor, action.id, "in_progress",
                     "Lockers photographed, but 12 passports are still in the safe.")
    assert returned.status_code == 200, returned.json
    assert returned.json["return_reason"].startswith("Lockers photographed")
    [mail] = smtp.wait_for(1)
    assert mail["To"] == action.owner_email and "returned" in mail["Subject"].lower()
    assert "12 passports are still in the safe" in text_of(mail)
    assert _move(client, as_buyer, action.id, "nonsense").status_code in (409, 422)
    _move(client, as_buyer, action.id, "submitted")
    verified = _move(client, as_auditor, action.id, "verified", "All passports returned.")
    assert verified.status_code == 200 and verified.json["verified_at"]
    assert verified.json["allowed_moves"] == []
    final = _move(client, as_buyer, action.id, "in_progress", "reopen")
    assert final.status_code == 409 and "final" in final.json["error"]["message"]
    db.expire_all()
    assert db.get(Action, action.id).finding.status == "closed"
    log = db.scalars(select(ActivityEntry.summary).where(
        ActivityEntry.action == "action.transition", ActivityEntry.object_id == action.id)
        .order_by(ActivityEntry.seq)).all()
    assert [s.split(":")[0] for s in log] == [
        "open -> in_progress", "in_progress -> submitted", "submitted -> in_progress",
        "in_progress -> submitted", "submitted -> verified"]


def test_the_connected_supplier_moves_work_forward_but_cannot_verify(client, db, buyer,
                                                                     compliance_user):
    supplier_org = make_org(db, "supplier")
    supplier_user = make_user(db, supplier_org, "supplier")
    audit = make_audit(db, buyer, linked_org=supplier_org, status="submitted",
                       internal_notes="Consider exiting this supplier")
    action = make_action(db, make_finding(db, audit))
    db.commit()
    as_supplier = auth(client, supplier_user)
    seen = client.get(f"/api/v1/actions/{action.id}", headers=as_supplier)
    assert seen.status_code == 200
    audit_seen = client.get(f"/api/v1/audits/{audit.id}", headers=as_supplier).json
    assert "internal_notes" not in audit_seen
    assert "Consider exiting" not in str(audit_seen)
    assert _move(client, as_supplier, action.id, "in_progress").status_code == 200
    assert _move(client, as_supplier, action.id, "submitted").status_code == 200
    assert _move(client, as_supplier, action.id, "verified").status_code == 403
    assert _move(client, auth(client, compliance_user), action.id,
                 "verified").status_code == 200


def test_daily_job_flags_overdue_actions_once(app, client, db, buyer, smtp):
    audit = make_audit(db, buyer)
    finding = make_finding(db, audit)
    late = make_action(db, finding, due_date=date.today() - timedelta(days=3),
                       owner_email="late@factory.example")
    make_action(db, finding, due_date=date.today() + timedelta(days=3))
    make_action(db, finding, state="verified", due_date=date.today() - timedelta(days=9))
    db.commit()
    with app.app_context():
        outcome = run_daily(app)
    assert outcome["audits.jobs.daily_overdue"] == "ok"
    db.expire_all()
    assert db.get(Action, late.id).overdue_flagged_on == date.today()
    mails = smtp.wait_for(1)
    assert [m["To"] for m in mails] == ["late@factory.example"]
    assert "Overdue" in mails[0]["Subject"]
    with app.app_context():
        run_daily(app)
    assert len(smtp.wait_for(2, timeout=1)) == 1  # once, not every day
    assert late.id in [a.id for a in db.scalars(select(Action)) if a.overdue]
