"""A success call for every report, statement and registry API operation (collected by
tests/app/test_openapi.py)."""

from __future__ import annotations

from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.reports.factories import make_statement


def _statement_calls(db, user) -> dict:
    from datetime import date

    from reports.services import statements as services
    from tests.reports.factories import complete_sections

    org = user.org
    draft = services.create_statement(db, org=org, actor=user, framework="au_msa",
                                      period_start=date(2025, 1, 1),
                                      period_end=date(2025, 12, 31))
    ready = services.create_statement(db, org=org, actor=user, framework="ca_s211",
                                      period_start=date(2025, 1, 1),
                                      period_end=date(2025, 12, 31))
    services.update_statement(db, statement=ready, actor=user, changes={
        "sections": complete_sections("ca_s211", {}, org.name),
        "approved_by": "Board", "approval_date": "2026-05-01", "signatory": "A. Director",
        "signatory_role": "Director"})
    filed = make_statement(db, org, "uk_msa")
    return {
        ("get", "/api/v1/statements"): dict(query_string={"framework": "au_msa"}),
        ("post", "/api/v1/statements"): dict(json={
            "framework": "uk_msa", "period_start": "2026-01-01", "period_end": "2026-12-31"}),
        ("get", "/api/v1/statements/{statement_id}"): dict(id=draft.id),
        ("patch", "/api/v1/statements/{statement_id}"): dict(
            id=draft.id, json={"title": "Modern slavery statement 2025"}),
        ("post", "/api/v1/statements/{statement_id}/file"): dict(id=ready.id),
        ("post", "/api/v1/statements/{statement_id}/amend"): dict(id=filed.id),
        ("post", "/api/v1/statements/{statement_id}/refresh"): dict(id=draft.id),
        ("get", "/api/v1/statements/{statement_id}/pdf"): dict(id=draft.id),
    }


def _report_calls(db, user) -> dict:
    from tests.reports.access_reports import _report_id
    from tests.suppliers.factories import link, make_supplier

    org = user.org
    link(db, org, make_supplier(db, org, name="=SUM(1,2)", country="CN"))
    report_id = _report_id(db, org, user)
    return {
        ("get", "/api/v1/reports/due-diligence"): dict(query_string={
            "format": "csv", "period_start": "2026-01-01", "period_end": "2026-06-30"}),
        ("get", "/api/v1/reports"): {},
        ("get", "/api/v1/reports/{report_id}"): dict(id=report_id),
        ("get", "/api/v1/reports/{report_id}/download"): dict(id=report_id),
    }


def success_calls(db, user, client) -> dict:
    calls = _statement_calls(db, user) | _report_calls(db, user)
    regulator = make_user(db, make_org(db, "regulator", jurisdiction="UK"), "regulator")
    filed = make_statement(db, make_org(db, "buyer"), "uk_msa")
    db.commit()
    as_regulator = token_for(client, regulator.email)
    return calls | {
        ("get", "/api/v1/registry/statements"): dict(
            headers=as_regulator, query_string={"framework": "uk_msa", "year": 2025}),
        ("get", "/api/v1/registry/statements/{statement_id}"): dict(headers=as_regulator,
                                                                    id=filed.id),
        ("get", "/api/v1/registry/statements/{statement_id}/pdf"): dict(headers=as_regulator,
                                                                        id=filed.id),
        ("get", "/api/v1/statements/verify"): dict(headers={},
                                                   query_string={"sha256": filed.sha256}),
    }
