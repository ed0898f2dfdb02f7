"""A success call for every risk API operation (collected by tests/app/test_openapi.py)."""

from __future__ import annotations

from risk import services
from tests.audits.factories import make_audit, make_fee, make_finding
from tests.suppliers.factories import link, make_supplier


def success_calls(db, user, client) -> dict:
    org = user.org
    gin = make_supplier(db, org, country="CN", products=["raw cotton"])
    mill = make_supplier(db, org, country="BD", products=["yarn"])
    link(db, org, gin, mill)
    link(db, org, mill)
    make_finding(db, make_audit(db, org, supplier=mill, status="submitted"),
                 severity="critical")
    make_fee(db, mill)
    services.recompute(db, org.id)
    db.commit()
    return {
        ("get", "/api/v1/suppliers/{supplier_id}/risk"): dict(id=mill.id),
        ("get", "/api/v1/risk"): dict(query_string={"band": "high", "country": "BD",
                                                    "tier": "1"}),
    }
