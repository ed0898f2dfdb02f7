"""A success call for every report API operation (collected by tests/app/test_openapi.py)."""

from __future__ import annotations

from tests.reports.access import _report_id
from tests.suppliers.factories import link, make_supplier


def success_calls(db, user, client) -> dict:
    org = user.org
    link(db, org, make_supplier(db, org, name="=SUM(1,2)", country="CN"))
    report_id = _report_id(db, org, user)
    db.commit()
    return {
        ("get", "/api/v1/reports/due-diligence"): dict(query_string={
            "format": "csv", "period_start": "2026-01-01", "period_end": "2026-06-30"}),
        ("get", "/api/v1/reports"): {},
        ("get", "/api/v1/reports/{report_id}"): dict(id=report_id),
        ("get", "/api/v1/reports/{report_id}/download"): dict(id=report_id),
    }
