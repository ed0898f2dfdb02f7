"""A success call for every registry API operation (collected by tests/app/test_openapi.py)."""

from __future__ import annotations

from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.reports.factories import make_statement


def success_calls(db, user, client) -> dict:
    regulator = make_user(db, make_org(db, "regulator", jurisdiction="UK"), "regulator")
    filed = make_statement(db, make_org(db, "buyer"), "uk_msa")
    db.commit()
    as_regulator = token_for(client, regulator.email)
    return {
        ("get", "/api/v1/registry/statements"): dict(
            headers=as_regulator, query_string={"framework": "uk_msa", "year": 2025}),
        ("get", "/api/v1/registry/statements/{statement_id}"): dict(headers=as_regulator,
                                                                    id=filed.id),
        ("get", "/api/v1/registry/statements/{statement_id}/pdf"): dict(headers=as_regulator,
                                                                        id=filed.id),
        ("get", "/api/v1/statements/verify"): dict(headers={},
                                                   query_string={"sha256": filed.sha256}),
    }
