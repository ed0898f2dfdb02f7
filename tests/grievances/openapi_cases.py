"""Success calls of the grievances package's case API operations."""

from __future__ import annotations

from tests.grievances.helpers import make_case
from tests.suppliers.factories import make_supplier


def success_calls(db, user, client) -> dict:
    org = user.org
    factory = make_supplier(db, org, name="Penang Gloves Sdn Bhd", country="MY")
    case = make_case(db, org, supplier=factory)
    other = make_case(db, org, text="Wages unpaid for two months", language="en",
                      categories=["wages"])
    db.commit()
    return {
        ("get", "/api/v1/grievance-channel"): {},
        ("patch", "/api/v1/grievance-channel"): dict(json={
            "languages": ["ne", "en", "bn"],
            "workplaces": [{"supplier_id": factory.id, "public_name": "Prai glove factory"}]}),
        ("get", "/api/v1/grievances"): dict(query_string={"status": "received",
                                                          "category": "wages",
                                                          "overdue": "false", "page": 1}),
        ("get", "/api/v1/grievances/{grievance_id}"): dict(id=case.id),
        ("patch", "/api/v1/grievances/{grievance_id}"): dict(
            id=other.id, json={"status": "acknowledged", "supplier_id": factory.id,
                               "retaliation": True}),
        ("post", "/api/v1/grievances/{grievance_id}/messages"): dict(
            id=case.id, json={"body": "We received your report and are acting on it."}),
        ("post", "/api/v1/grievances/{grievance_id}/notes"): dict(
            id=case.id, json={"body": "Matches audit finding PG-01."}),
    }
