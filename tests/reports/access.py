"""Access table of the reports package (tests/test_access_matrix.py's docstring).

Statements and due-diligence reports (pages and API) are for compliance and admin users of
buying companies, on their own company's records (tests/reports/access_statements.py and
access_reports.py).

The registry (pages and API) is for users with the role `regulator` of a regulator
organisation: everyone else signed in is 403 by role or kind. Verification is public.
"""

from __future__ import annotations

from app.access import PUBLIC
from tests.reports import access_reports
from tests.reports.access_statements import STATEMENT_ACCESS, STATEMENT_MAKERS, STATEMENT_SHARED

REGULATOR = frozenset({"regulator"})
REGULATORS = frozenset({"regulator"})

ACCESS: dict[str, object] = {
    # the registry pages (reports/views_registry.py)
    "registry.index": REGULATOR,
    "registry.statement": REGULATOR,
    "registry.statement_pdf": REGULATOR,
    "registry.verify": PUBLIC,
    # the registry API (reports/api_registry.py)
    "registry_api.list_statements": REGULATOR,
    "registry_api.get_statement": REGULATOR,
    "registry_api.statement_pdf": REGULATOR,
    "registry_api.verify": PUBLIC,
}
KINDS = {e: REGULATORS for e, rule in ACCESS.items() if rule is REGULATOR}


def _filed_statement_id(db, org, user):
    """A filed statement that the principal's organisation can read if it is a regulator.

    A regulator organisation is first moved to a jurisdiction of its own (AU; make_org gives
    every regulator UK), so the other regulator of the cross-tenant probe is another addressee
    whose statements this principal must not see. The statement's owner is a buyer."""
    from tests.factories import make_org
    from tests.reports.factories import make_statement

    framework = "uk_msa"
    if org.kind == "regulator":
        org.jurisdiction = "AU"
        framework = "au_msa"
    owner = make_org(db, "buyer")
    return make_statement(db, owner, framework).id


REGISTRY_MAKERS: dict[object, object] = {
    (endpoint, "statement_id"): _filed_statement_id
    for endpoint in ("registry.statement", "registry.statement_pdf",
                     "registry_api.get_statement", "registry_api.statement_pdf")
}

# --- the statements' and the reports' entries ---------------------------------------------
ACCESS.update(STATEMENT_ACCESS)
ACCESS.update(access_reports.ACCESS)
KINDS.update(dict.fromkeys(STATEMENT_ACCESS, frozenset({"buyer"})))
KINDS.update(access_reports.KINDS)
MAKERS: dict[object, object] = {**STATEMENT_MAKERS, **REGISTRY_MAKERS,
                                **access_reports.MAKERS}
SHARED = set(STATEMENT_SHARED)
