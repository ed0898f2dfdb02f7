"""The recruitment-fee ledger, and the rule that a fee finding's action is verified only once
the ledger shows the fees repaid to the workers affected."""

from __future__ import annotations

from sqlalchemy import select

from audits.models import FeeEntry
from tests.audits.factories import make_action, make_audit, make_auditor, make_finding
from tests.audits.helpers import auth
from tests.factories import make_org
from tests.suppliers.factories import make_supplier


def _verify(client, headers, action_id):
    return client.post(f"/api/v1/actions/{action_id}/transition", headers=headers,
                       json={"to": "verified", "note": "checked payslips"})


def test_a_fee_findings_action_is_verified_only_after_the_repayment(client, db, buyer,
                                                                    compliance_user):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    finding = make_finding(db, audit, code="F-FEE", indicators=["FL09"], workers_affected=20,
                           fee_minor=7_000_000, fee_currency="NPR")
    action = make_action(db, finding, state="submitted")
    db.commit()
    as_buyer, as_auditor = auth(client, compliance_user), auth(client, auditor)
    nothing = _verify(client, as_auditor, action.id)
    assert nothing.status_code == 409
    assert "ledger" in nothing.json["error"]["message"]
    fees_url = f"/api/v1/suppliers/{audit.supplier_id}/fees"
    entry = client.post(fees_url, headers=as_buyer, json={
        "workers": 20, "fee_per_worker": "3500", "currency": "npr", "origin_country": "Nepal",
        "agency_name": "Kathmandu Overseas Employment", "finding_id": finding.id})
    assert entry.status_code == 201, entry.json
    assert entry.json["amount"] == "70000.00" and entry.json["status"] == "owed"
    assert entry.json["origin_country"] == "NP" and entry.json["currency"] == "NPR"
    stored = db.get(FeeEntry, entry.json["id"])
    assert (stored.owed_minor, stored.fee_per_worker_minor) == (7_000_000, 350_000)
    still = _verify(client, as_auditor, action.id)
    assert still.status_code == 409 and "0 of 20" in still.json["error"]["message"]
    partly = client.patch(f"/api/v1/fees/{stored.id}", headers=as_buyer, json={
        "repaid_amount": 35000, "repaid_on": "2026-11-20", "method": "bank transfer",
        "workers_confirmed": 10})
    assert partly.status_code == 200 and partly.json["status"] == "partly_repaid"
    assert _verify(client, as_auditor, action.id).status_code == 409
    seen = client.get(f"/api/v1/actions/{action.id}", headers=as_auditor).json
    assert seen["fees"]["repaid"] is False
    full = client.patch(f"/api/v1/fees/{stored.id}", headers=as_buyer, json={
        "repaid_amount": "70000.00", "workers_confirmed": 20})
    assert full.json["status"] == "repaid" and full.json["repaid_amount"] == "70000.00"
    done = _verify(client, as_auditor, action.id)
    assert done.status_code == 200, done.json
    assert done.json["state"] == "verified" and done.json["fees"]["repaid"] is True


def test_amounts_currencies_and_totals(client, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    agency = make_supplier(db, buyer, kind="recruitment_agency", name="Dhaka Manpower Ltd")
    mill = make_supplier(db, buyer, kind="manufacturer")
    other_finding = make_finding(db, make_audit(db, buyer))
    db.commit()
    headers = auth(client, compliance_user)
    url = f"/api/v1/suppliers/{supplier.id}/fees"
    ok = client.post(url, headers=headers, json={
        "workers": 3, "amount": 1000.5, "currency": "USD", "category": "visa_permit",
        "agency_supplier_id": agency.id})
    assert ok.status_code == 201, ok.json
    assert ok.json["amount"] == "1000.50" and ok.json["agency_name"] == "Dhaka Manpower Ltd"
    assert ok.json["fee_per_worker"] == "333.50"
    yen = client.post(url, headers=headers, json={"workers": 2, "amount": "150000",
                                                  "currency": "JPY"})
    assert yen.json["amount"] == "150000"
    client.post(url, headers=headers, json={"workers": 1, "amount": "0.25", "currency": "USD"})
    listed = client.get(url, headers=headers).json
    assert listed["total"] == 3
    assert listed["totals"]["USD"]["owed"] == "1000.75"
    assert listed["totals"]["JPY"]["owed"] == "150000"
    for body, field in [
        ({"workers": 1, "amount": "10", "currency": "XYZ"}, "currency"),
        ({"workers": 1, "amount": "10.001", "currency": "USD"}, "amount"),
        ({"workers": 1, "amount": "1e3", "currency": "USD"}, "amount"),
        ({"workers": 1, "currency": "USD"}, "amount"),
        ({"workers": 0, "amount": "1", "currency": "USD"}, "workers"),
        ({"workers": 1, "amount": "1", "currency": "USD", "category": "bribe"}, "category"),
        ({"workers": 1, "amount": "1", "currency": "USD", "origin_country": "Atlantis"},
         "origin_country"),
        ({"workers": 1, "amount": "1", "currency": "USD", "agency_supplier_id": mill.id},
         "agency_supplier_id"),
        ({"workers": 1, "amount": "1", "currency": "USD", "finding_id": other_finding.id},
         "finding_id"),
    ]:
        refused = client.post(url, headers=headers, json=body)
        assert refused.status_code == 422, (body, refused.json)
        assert refused.json["error"]["details"][0]["field"] == field, (body, refused.json)
    entry_id = ok.json["id"]
    too_much = client.patch(f"/api/v1/fees/{entry_id}", headers=headers,
                            json={"repaid_amount": "1000.51"})
    assert too_much.status_code == 422
    too_many = client.patch(f"/api/v1/fees/{entry_id}", headers=headers,
                            json={"repaid_amount": "1", "workers_confirmed": 4})
    assert too_many.status_code == 422
    assert db.scalar(select(FeeEntry.repaid_minor).where(FeeEntry.id == entry_id)) == 0


def test_another_tenants_ledger_is_404(client, db, compliance_user):
    stranger = make_supplier(db, make_org(db, "buyer"))
    db.commit()
    headers = auth(client, compliance_user)
    assert client.get(f"/api/v1/suppliers/{stranger.id}/fees", headers=headers).status_code \
        == 404
    assert client.post(f"/api/v1/suppliers/{stranger.id}/fees", headers=headers, json={
        "workers": 1, "amount": "1", "currency": "USD"}).status_code == 404
