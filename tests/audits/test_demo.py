"""The audits demo (audits/demo.py): seeded once, every action state, the fee ledger's three
outcomes, and the connected demo supplier sees its submitted audit."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cli import DEMO_PASSWORD, seed_demo
from app.mail import OutboxMessage
from audits.models import Action, Audit, AuditEvidence, FeeEntry
from tests.conftest import token_for


def test_the_demo_is_seeded_once_with_every_state(app, client, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_FOLDER", str(tmp_path / "evidence"))
    with app.app_context():
        orgs = seed_demo(db)
        db.commit()
        seed_demo(db)
        db.commit()
    buyer = orgs["buyer"]
    audits = db.scalars(select(Audit).where(Audit.org_id == buyer.id).order_by(Audit.id)).all()
    assert [(a.scheme, a.status) for a in audits] == [
        ("SMETA", "accepted"), ("RBA", "in_progress"), ("amfori BSCI", "submitted"),
        ("SMETA", "planned")]
    actions = db.scalars(select(Action).where(Action.org_id == buyer.id)).all()
    assert {a.state for a in actions} == {"open", "in_progress", "submitted", "verified"}
    assert any(a.overdue for a in actions) and any(a.return_reason for a in actions)
    fees = db.scalars(select(FeeEntry).where(FeeEntry.org_id == buyer.id)).all()
    assert sorted(e.status for e in fees) == ["owed", "partly_repaid", "repaid"]
    repaid = next(e for e in fees if e.status == "repaid")
    assert repaid.workers_confirmed == repaid.workers and repaid.agency_supplier_id
    assert db.scalar(select(func.count(AuditEvidence.id))) == 1
    assert not db.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.org_id == buyer.id, OutboxMessage.status == "pending",
        OutboxMessage.template.like("action_%")))

    # The connected demo supplier sees the submitted audit, never the internal notes.
    headers = token_for(client, "supplier@saigonstitch.example", DEMO_PASSWORD)
    listed = client.get("/api/v1/audits", headers=headers).json["items"]
    assert [a["scheme"] for a in listed] == ["amfori BSCI"]
    assert "internal_notes" not in listed[0]
    # The fee finding's action cannot be verified while the ledger shows money owed.
    fee_action = next(a for a in actions if a.finding.has_fees)
    refused = client.post(f"/api/v1/actions/{fee_action.id}/transition",
                          headers=token_for(client, "auditor@veritas.example", DEMO_PASSWORD),
                          json={"to": "verified"})
    assert refused.status_code == 409 and "repaid" in refused.json["error"]["message"]
