"""A fee cohort's monthly wage (the risk factor weighs unpaid fees in months of it)."""

from __future__ import annotations

from tests.conftest import token_for
from tests.suppliers.factories import make_supplier


def test_a_cohorts_monthly_wage_through_the_api(client, db, compliance_user):
    site = make_supplier(db, compliance_user.org, country="MY")
    db.commit()
    auth = token_for(client, compliance_user.email)
    base = {"workers": 10, "amount": "30000", "currency": "MYR"}
    made = client.post(f"/api/v1/suppliers/{site.id}/fees", headers=auth,
                       json=base | {"monthly_wage": "1700"})
    assert made.status_code == 201, made.text
    assert made.json["monthly_wage"] == "1700.00"
    unknown = client.post(f"/api/v1/suppliers/{site.id}/fees", headers=auth,
                          json=base | {"monthly_wage": "0"})
    assert unknown.status_code == 201 and unknown.json["monthly_wage"] is None
    bad = client.post(f"/api/v1/suppliers/{site.id}/fees", headers=auth,
                      json=base | {"monthly_wage": "lots"})
    assert bad.status_code == 422
