"""The audits API's schema states what its services accept: a value the schema calls valid is
accepted, and one it refuses is a 422 naming the field (schemathesis's ST202 in .ci/fuzz)."""

from __future__ import annotations

import pytest

from tests.audits.factories import make_audit, make_auditor
from tests.audits.helpers import auth
from tests.suppliers.factories import make_supplier


@pytest.mark.parametrize(("scheme", "ok"), [
    ("SMETA", True), ("smeta 4-pillar", True), ("BSCI", True), ("SA 8000", True),
    ("", False), ("ISO 9001", False), ("<b>SMETA</b>x", False),
])
def test_a_scheme_is_refused_by_the_schema_unless_the_service_knows_it(client, db, buyer,
                                                                       compliance_user,
                                                                       scheme, ok):
    supplier = make_supplier(db, buyer)
    auditor = make_auditor(db)
    db.commit()
    answer = client.post("/api/v1/audits", headers=auth(client, compliance_user), json={
        "supplier_id": supplier.id, "scheme": scheme, "audit_date": "2027-01-10",
        "auditor_email": auditor.email})
    if ok:
        assert answer.status_code == 201, answer.json
    else:
        assert answer.status_code == 422
        assert answer.json["error"]["details"][0]["field"] == "scheme"


@pytest.mark.parametrize(("currency", "ok"), [
    ("NPR", True), (" usd ", True), ("JPY", True), ("AAA", False), ("XAU", False), ("US$", False),
])
def test_currencies_are_iso_4217_money(client, db, buyer, compliance_user, currency, ok):
    supplier = make_supplier(db, buyer)
    db.commit()
    answer = client.post(f"/api/v1/suppliers/{supplier.id}/fees",
                         headers=auth(client, compliance_user),
                         json={"workers": 3, "amount": "900", "currency": currency})
    assert answer.status_code == (201 if ok else 422), answer.json
    if not ok:
        assert answer.json["error"]["details"][0]["field"] == "currency"


def test_many_workers_at_a_large_fee_is_a_422_not_an_overflow(client, db, buyer,
                                                              compliance_user):
    supplier = make_supplier(db, buyer)
    db.commit()
    answer = client.post(f"/api/v1/suppliers/{supplier.id}/fees",
                         headers=auth(client, compliance_user),
                         json={"workers": 10_000_000, "fee_per_worker": "999999999999",
                               "currency": "USD"})
    assert answer.status_code == 422
    assert answer.json["error"]["details"][0]["field"] == "fee_per_worker"


def test_one_fee_entry_reads_back(client, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    db.commit()
    headers = auth(client, compliance_user)
    made = client.post(f"/api/v1/suppliers/{supplier.id}/fees", headers=headers,
                       json={"workers": 4, "fee_per_worker": 1000, "currency": "KWD"})
    assert made.status_code == 201, made.json
    read = client.get(f"/api/v1/fees/{made.json['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json["amount"] == "4000.000" and read.json["currency"] == "KWD"


@pytest.mark.parametrize(("indicator", "group", "ok"), [
    ("FL07", "migrant", True), ("retention of identity documents", "Migrants", True),
    ("fl9", "agency", True), ("FL12", "migrant", False), ("FL07", "robots", False),
])
def test_indicators_and_worker_groups(client, db, buyer, compliance_user, indicator, group, ok):
    audit = make_audit(db, buyer, scheme="RBA")
    db.commit()
    answer = client.post(f"/api/v1/audits/{audit.id}/findings",
                         headers=auth(client, compliance_user),
                         json={"description": "Passports held", "scheme_severity": "Major",
                               "indicators": [indicator], "worker_groups": [group]})
    assert answer.status_code == (201 if ok else 422), answer.json
    if not ok:
        field = answer.json["error"]["details"][0]["field"]
        assert field.startswith("indicators" if "FL12" in indicator else "worker_groups")
