"""`audit_inputs_changed`, the risk package's input: sent after commit, once per transaction
and buyer, naming the suppliers whose audit evidence changed; never for a rollback or a dry
run, and one signal for a whole import."""

from __future__ import annotations

from app import signals
from tests.audits.factories import make_action, make_audit, make_auditor, make_fee, make_finding
from tests.audits.helpers import auth, upload, write_csv
from tests.signal_helpers import received
from tests.suppliers.factories import make_supplier


def _rows(n: int):
    return [[f"F-{i:05d}", "ETI 6", f"Overtime above 60 hours on line {i}", "Major", "FL11",
             3, "migrant", None, None, None, None] for i in range(n)]


def test_an_import_of_5000_rows_sends_one_signal(client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA")
    db.commit()
    headers = auth(client, auditor)
    book = write_csv(tmp_path / "findings.csv", _rows(5000))
    with received(signals.audit_inputs_changed) as got:
        dry = upload(client, headers, audit.id, book, dry_run=True)
        assert dry.status_code == 200 and got == []  # a dry run writes nothing, says nothing
        done = upload(client, headers, audit.id, book)
        assert done.status_code == 200 and done.json["created"] == 5000
    assert got == [("audits", {"org_id": buyer.id, "supplier_ids": [audit.supplier_id],
                               "reasons": ["findings"]})]
    with received(signals.audit_inputs_changed) as again:
        assert upload(client, headers, audit.id, book).json["unchanged"] == 5000
    assert again == []  # nothing changed: nothing for risk to recompute


def test_a_finding_a_verification_and_the_fee_ledger_each_signal(client, db, buyer,
                                                                compliance_user):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA", status="in_progress")
    agency = make_supplier(db, buyer, kind="recruitment_agency")
    action = make_action(db, make_finding(db, audit), state="submitted")
    entry = make_fee(db, audit.supplier)
    db.commit()
    as_auditor, as_buyer = auth(client, auditor), auth(client, compliance_user)
    own, both = [audit.supplier_id], [audit.supplier_id, agency.id]
    calls = [
        ("findings", own, lambda: client.post(f"/api/v1/audits/{audit.id}/findings",
                                              headers=as_auditor, json={
            "code": "R-9", "description": "Passports held", "scheme_severity": "Priority"})),
        ("action_verified", own, lambda: client.post(
            f"/api/v1/actions/{action.id}/transition", headers=as_auditor,
            json={"to": "verified"})),
        # A cohort names its agency's record too: its risk depends on the fees it charged.
        ("fees", both, lambda: client.post(f"/api/v1/suppliers/{audit.supplier_id}/fees",
                                           headers=as_buyer, json={
            "workers": 42, "fee_per_worker": "150000", "currency": "NPR",
            "agency_supplier_id": agency.id})),
        ("fees", own, lambda: client.patch(f"/api/v1/fees/{entry.id}", headers=as_buyer,
                                           json={"repaid_amount": "10000"})),
        ("audit_status", own, lambda: client.post(f"/api/v1/audits/{audit.id}/status",
                                                  headers=as_auditor, json={"to": "submitted"})),
    ]
    for reason, suppliers, call in calls:
        with received(signals.audit_inputs_changed) as got:
            response = call()
            assert response.status_code < 300, (reason, response.json)
        assert got == [("audits", {"org_id": buyer.id, "supplier_ids": suppliers,
                                   "reasons": [reason]})], reason


def test_a_refused_change_and_a_rollback_send_nothing(client, db, buyer):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    action = make_action(db, make_finding(db, audit), state="open")
    db.commit()
    with received(signals.audit_inputs_changed) as got:
        illegal = client.post(f"/api/v1/actions/{action.id}/transition",
                              headers=auth(client, auditor), json={"to": "verified"})
        assert illegal.status_code == 409
        from audits.services.notify import inputs_changed

        inputs_changed(db, buyer.id, [audit.supplier_id], "findings")
        db.rollback()
    assert got == []


def test_changes_in_one_transaction_merge_into_one_signal(db, buyer):
    from audits.services.notify import inputs_changed

    first, second = make_supplier(db, buyer), make_supplier(db, buyer)
    with received(signals.audit_inputs_changed) as got:
        inputs_changed(db, buyer.id, [first.id], "findings")
        inputs_changed(db, buyer.id, [second.id, first.id, None], "fees")
        inputs_changed(db, buyer.id, [second.id], "fees")
        assert got == []  # not before the commit
        db.commit()
    assert got == [("audits", {"org_id": buyer.id, "supplier_ids": [first.id, second.id],
                               "reasons": ["findings", "fees"]})]
