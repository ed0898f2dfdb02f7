"""Access table of the audits package (tests/test_access_matrix.py's docstring).

Shared routes: the makers make the object addressed to the principal (tests/audits/factories.py
`addressed_audit`): the buyer's own audit, an audit assigned to the auditor, a submitted audit
of the supplier organisation's connected record. The cross-tenant probe then asks with another
principal's objects: 404 for everyone allowed (another auditor's audit included).
"""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS as EDITORS

RECORDERS = frozenset({"admin", "auditor", "compliance"})
READERS = frozenset({"admin", "auditor", "compliance", "supplier"})
BUYERS = frozenset({"buyer"})

ACCESS: dict[str, object] = {
    "audits_api.list_audits": READERS,
    "audits_api.create_audit": EDITORS,
    "audits_api.get_audit": READERS,
    "audits_api.audit_status": RECORDERS,
    "audits_api.import_findings": RECORDERS,
    "audits_api.findings_template": RECORDERS,
    "audits_api.list_findings": READERS,
    "audits_api.create_finding": RECORDERS,
    "audits_api.create_action": RECORDERS,
    "audits_api.get_action_view": READERS,
    "audits_api.transition": READERS,
    "audits_api.list_fees": EDITORS,
    "audits_api.add_fee": EDITORS,
    "audits_api.get_fee": EDITORS,
    "audits_api.record_repayment": EDITORS,
    # the pages (audits/views*.py)
    "audits.index": READERS,
    "audits.new": EDITORS,
    "audits.detail": READERS,
    "audits.status": RECORDERS,
    "audits.add_finding": RECORDERS,
    "audits.upload": RECORDERS,
    "audits.finding": READERS,
    "audits.add_action": RECORDERS,
    "audits.transition": READERS,
    "audits.board": READERS,
    "audits.fees": EDITORS,
    "audits.add_fee": EDITORS,
    "audits.record_repayment": EDITORS,
    # evidence files (audits/api_evidence.py, audits/evidence_views.py)
    "audits_api.add_finding_evidence": RECORDERS,
    "audits_api.list_finding_evidence": READERS,
    "audits_api.add_action_evidence": READERS,
    "audits_api.list_action_evidence": READERS,
    "audits_api.download_evidence": READERS,
    "audits_api.delete_evidence": READERS,
    "audit_evidence.finding_upload": RECORDERS,
    "audit_evidence.action_upload": READERS,
    "audit_evidence.download": READERS,
    "audit_evidence.delete": READERS,
}
KINDS = {e: BUYERS for e, rule in ACCESS.items() if rule == EDITORS}
KINDS |= {e: frozenset({"buyer", "audit_firm"}) for e, rule in ACCESS.items()
          if rule == RECORDERS}
KINDS |= {e: frozenset({"buyer", "audit_firm", "supplier"}) for e, rule in ACCESS.items()
          if rule == READERS}


def _audit_id(db, org, user):
    from tests.audits.factories import addressed_audit

    return addressed_audit(db, org, user).id


def _finding(db, org, user):
    from tests.audits.factories import addressed_audit, make_finding

    return make_finding(db, addressed_audit(db, org, user))


def _finding_id(db, org, user):
    return _finding(db, org, user).id


def _action_id(db, org, user):
    from tests.audits.factories import make_action

    return make_action(db, _finding(db, org, user)).id


def _evidence_id(db, org, user):
    """A file the principal uploaded to an action addressed to it (so it may remove it)."""
    from tests.audits.factories import make_action, make_evidence

    return make_evidence(db, make_action(db, _finding(db, org, user)), uploaded_by=user).id


def _buyer_supplier(db, org):
    from tests.factories import make_org
    from tests.suppliers.factories import make_supplier

    return make_supplier(db, org if org.kind == "buyer" else make_org(db, "buyer"))


def _entry_id(db, org, user):
    from tests.audits.factories import make_fee

    return make_fee(db, _buyer_supplier(db, org)).id


MAKERS: dict[object, object] = {
    "audit_id": _audit_id,
    "finding_id": _finding_id,
    "action_id": _action_id,
    "entry_id": _entry_id,
    "evidence_id": _evidence_id,
    ("audits_api.list_fees", "supplier_id"): lambda db, org, user: _buyer_supplier(db, org).id,
    ("audits_api.add_fee", "supplier_id"): lambda db, org, user: _buyer_supplier(db, org).id,
    ("audits.fees", "supplier_id"): lambda db, org, user: _buyer_supplier(db, org).id,
    ("audits.add_fee", "supplier_id"): lambda db, org, user: _buyer_supplier(db, org).id,
}


# --- the five around one audit (tests/audits/test_access_audience.py) ------------------------
# For every route: what each of the five people around one submitted audit gets. "owner" is the
# buyer's compliance user, "auditor" the assigned auditor, "colleague" another auditor of the
# same firm, "supplier" a user of the supplier organisation the audit's supplier record is
# connected to, "stranger" another buyer's compliance user. OK is any answer but 401, 403, 404
# or a server error; on routes without an object (lists, forms) OK for the colleague and the
# stranger also means the audit is nowhere in the answer.
OK = "ok"
_SEES = {"owner": OK, "auditor": OK, "colleague": 404, "supplier": OK, "stranger": 404}
_RECORDS = _SEES | {"supplier": 403}
_LEDGER = {"owner": OK, "auditor": 403, "colleague": 403, "supplier": 403, "stranger": 404}
_LISTS = dict.fromkeys(_SEES, OK)
_DELETES = {"auditor": 403, "colleague": 404, "supplier": 403, "stranger": 404, "owner": OK}
_PLANS = {"owner": OK, "auditor": 403, "colleague": 403, "supplier": 403, "stranger": OK}
AUDIENCE: dict[str, dict[str, object]] = {
    "audits.index": _LISTS, "audits.board": _LISTS, "audits.new": _PLANS,
    "audits.detail": _SEES, "audits.finding": _SEES, "audits.transition": _SEES,
    "audits.status": _RECORDS, "audits.add_finding": _RECORDS, "audits.upload": _RECORDS,
    "audits.add_action": _RECORDS,
    "audits.fees": _LEDGER, "audits.add_fee": _LEDGER, "audits.record_repayment": _LEDGER,
    "audits_api.list_audits": _LISTS, "audits_api.create_audit": _PLANS,
    "audits_api.findings_template": _LISTS | {"supplier": 403},
    "audits_api.get_audit": _SEES, "audits_api.list_findings": _SEES,
    "audits_api.get_action_view": _SEES, "audits_api.transition": _SEES,
    "audits_api.audit_status": _RECORDS, "audits_api.import_findings": _RECORDS,
    "audits_api.create_finding": _RECORDS, "audits_api.create_action": _RECORDS,
    "audits_api.list_fees": _LEDGER, "audits_api.add_fee": _LEDGER,
    "audits_api.get_fee": _LEDGER, "audits_api.record_repayment": _LEDGER,
    # evidence files: the scene's file is on the action, uploaded by the owner, who may remove
    # it (asked last, so the others meet the file still there)
    "audits_api.add_finding_evidence": _RECORDS, "audit_evidence.finding_upload": _RECORDS,
    "audits_api.list_finding_evidence": _SEES, "audits_api.add_action_evidence": _SEES,
    "audits_api.list_action_evidence": _SEES, "audits_api.download_evidence": _SEES,
    "audit_evidence.action_upload": _SEES, "audit_evidence.download": _SEES,
    "audits_api.delete_evidence": _DELETES,
    # the page refuses with a message on the way back (303), and removes nothing
    "audit_evidence.delete": _DELETES | {"auditor": 303, "supplier": 303},
}
