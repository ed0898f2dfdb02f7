"""A success call for every risk API operation (collected by tests/app/test_openapi.py)."""

from __future__ import annotations

import io

from risk import services
from tests.audits.factories import make_audit, make_fee, make_finding
from tests.conftest import token_for
from tests.factories import make_user
from tests.risk.screening_factories import HOSHINE, csv_bytes, make_hit
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
    hit = make_hit(db, org)
    admin = make_user(db, org, "admin")
    db.commit()
    as_admin = token_for(client, admin.email)
    return {
        ("get", "/api/v1/suppliers/{supplier_id}/risk"): dict(id=mill.id),
        ("get", "/api/v1/risk"): dict(query_string={"band": "high", "country": "BD",
                                                    "tier": "1"}),
        # screening (risk/screening/api.py)
        ("get", "/api/v1/screening/hits"): dict(query_string={"status": "open",
                                                              "list": hit.list_id}),
        ("post", "/api/v1/screening/hits/{hit_id}"): dict(
            id=hit.id, json={"decision": "dismiss", "note": "Another company of that name"}),
        ("get", "/api/v1/screening/lists"): dict(query_string={"page": 1}),
        ("post", "/api/v1/screening/lists"): dict(
            headers=as_admin, content_type="multipart/form-data",
            data={"file": (io.BytesIO(csv_bytes([HOSHINE])), "uflpa.csv"),
                  "name": "UFLPA Entity List (own copy)", "issuer": "US DHS",
                  "edition": "2025-01-15"}),
    }
