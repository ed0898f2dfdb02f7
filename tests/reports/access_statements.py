"""Access entries of the statement routes (merged into tests/reports/access.py)."""

from __future__ import annotations

from datetime import date

from app.auth.roles import NETWORK_EDITORS as EDITORS

BUYERS = frozenset({"buyer"})

STATEMENT_ACCESS: dict[str, object] = {
    # the pages (reports/views.py)
    "statements.index": EDITORS,
    "statements.create": EDITORS,
    "statements.detail": EDITORS,
    "statements.save": EDITORS,
    "statements.file": EDITORS,
    "statements.amend": EDITORS,
    "statements.refresh": EDITORS,
    "statements.redraft": EDITORS,
    "statements.discard": EDITORS,
    "statements.pdf": EDITORS,
    # the API (reports/api.py)
    "statements_api.list_statements": EDITORS,
    "statements_api.create": EDITORS,
    "statements_api.get": EDITORS,
    "statements_api.patch": EDITORS,
    "statements_api.file": EDITORS,
    "statements_api.amend": EDITORS,
    "statements_api.refresh": EDITORS,
    "statements_api.pdf": EDITORS,
}
_years = iter(range(1, 10**6))


def draft_statement_id(db, org, user):
    """A draft UK statement of the principal's organisation, for a period of its own."""
    from reports.services.statements import create_statement

    n = next(_years)
    start = date(2000 + n % 900, 1 + n % 12, 1)
    statement = create_statement(db, org=org, actor=None, framework="uk_msa",
                                 period_start=start, period_end=date(start.year, 12, 31)
                                 if start.month == 1 else start)
    return statement.id


def first_section(db, org, user):
    from reports.frameworks import FRAMEWORKS

    return FRAMEWORKS["uk_msa"].sections[0].key


STATEMENT_MAKERS: dict[object, object] = {
    "statement_id": draft_statement_id,
    ("statements.redraft", "section"): first_section,
}
STATEMENT_SHARED = {("statements.redraft", "section")}
