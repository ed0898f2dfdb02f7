"""Access table of the questionnaires package (tests/test_access_matrix.py's docstring).

Blocks: the supplier portal's pages and files API (helper hC); the buyer's pages (helper hD);
the lead's JSON API, added by the helpers only so that the matrix runs on their branches (the
lead's own entries replace that block).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.access import PUBLIC
from app.auth.roles import NETWORK_EDITORS as EDITORS

SUPPLIER_USERS = frozenset({"supplier", "admin"})
READERS = frozenset({"admin", "compliance", "supplier"})
BUYERS, SUPPLIERS = frozenset({"buyer"}), frozenset({"supplier"})
EVIDENCE_QUESTION = "recruitment_agreement_file"

# --- the supplier portal and its files API (helper hC) ---------------------------------------
PORTAL_ACCESS: dict[str, object] = {
    # by emailed link: the token is the key (unknown tokens are 404 for everyone)
    "portal.start": PUBLIC,
    "portal.submit": PUBLIC,
    "portal.evidence": PUBLIC,
    "portal.workbook": PUBLIC,
    "portal.workbook_upload": PUBLIC,
    "questionnaires_files_api.workbook_download": PUBLIC,
    "questionnaires_files_api.workbook_upload": PUBLIC,
    "questionnaires_files_api.evidence_upload": PUBLIC,
    # by login: users of the supplier organisation the assignment is addressed to
    "portal.mine": SUPPLIER_USERS,
    "portal.answer": SUPPLIER_USERS,
    "portal.answer_submit": SUPPLIER_USERS,
    "portal.answer_reuse": SUPPLIER_USERS,
    "portal.answer_evidence": SUPPLIER_USERS,
    "portal.answer_workbook": SUPPLIER_USERS,
    "portal.answer_workbook_upload": SUPPLIER_USERS,
    # the buyer's download of submitted evidence
    "portal.buyer_evidence": EDITORS,
}
PORTAL_KINDS = {e: SUPPLIERS for e, rule in PORTAL_ACCESS.items() if rule == SUPPLIER_USERS}
PORTAL_KINDS["portal.buyer_evidence"] = BUYERS

# --- the buyer's pages (helper hD: questionnaires/views.py) ----------------------------------
BUYER_PAGES: dict[str, object] = {
    "questionnaires.index": EDITORS,
    "questionnaires.template": EDITORS,
    "questionnaires.send": EDITORS,
    "questionnaires.assignment": EDITORS,
    "questionnaires.accept": EDITORS,
    "questionnaires.return_": EDITORS,
    "questionnaires.new_link": EDITORS,
}
BUYER_PAGE_KINDS = dict.fromkeys(BUYER_PAGES, BUYERS)
# --- end of the buyer's pages ----------------------------------------------------------------

# --- the JSON API of questionnaires/api.py -----------------------------------------------------
OTHER_ACCESS: dict[str, object] = {
    "questionnaires_api.list_templates": EDITORS,
    "questionnaires_api.get_template": EDITORS,
    "questionnaires_api.send": EDITORS,
    "questionnaires_api.list_assignments": READERS,
    "questionnaires_api.get_assignment": READERS,
    "questionnaires_api.review": EDITORS,
    "questionnaires_api.new_link": EDITORS,
    "questionnaires_api.portal": PUBLIC,
    "questionnaires_api.save_answers": PUBLIC,
    "questionnaires_api.submit": PUBLIC,
}
OTHER_KINDS = {e: BUYERS for e, rule in OTHER_ACCESS.items() if rule == EDITORS}
OTHER_KINDS |= {e: BUYERS | SUPPLIERS for e, rule in OTHER_ACCESS.items() if rule == READERS}

ACCESS = PORTAL_ACCESS | BUYER_PAGES | OTHER_ACCESS
KINDS = PORTAL_KINDS | BUYER_PAGE_KINDS | OTHER_KINDS


# Built-in templates belong to no tenant: every buyer reads the same "recruitment".
SHARED = {("questionnaires_api.get_template", "key"), ("questionnaires_api.send", "key"),
          ("questionnaires.template", "key")}


def sent_assignment(db, org, *, status: str = "sent"):
    """(assignment, raw token): `recruitment` sent by `org` if it is a buyer; for a supplier
    organisation, by a new buyer whose supplier record is connected to it."""
    from flask import has_app_context

    from tests.conftest import CURRENT_APP

    if not has_app_context():
        with CURRENT_APP[0].app_context():
            return sent_assignment(db, org, status=status)
    from questionnaires import services
    from questionnaires.models import Assignment
    from tests.factories import make_org, make_user
    from tests.suppliers.factories import make_supplier

    buyer = org if org.kind == "buyer" else make_org(db)
    supplier = make_supplier(db, buyer)
    if org.kind == "supplier":
        supplier.linked_org_id = org.id
    db.flush()
    sender = make_user(db, buyer, "compliance")
    result = services.send(db, org=buyer, actor=sender, template_key="recruitment",
                           supplier_ids=[supplier.id],
                           due_date=date.today() + timedelta(days=30),
                           email="contact@supplier.example")
    assignment = db.get(Assignment, result.created[0]["id"])
    if status != "sent":
        assignment.status = status
        db.flush()
    return assignment, services.token_of(assignment)


def _buyer_for(db, org):
    from tests.factories import make_org

    return org if org.kind == "buyer" else make_org(db, "buyer")


def _assignment(db, org, **values):
    """Owned by `org` if it is a buyer; addressed to it if it is a supplier organisation."""
    from tests.questionnaires.factories import make_assignment

    linked = org if org.kind == "supplier" else None
    return make_assignment(db, _buyer_for(db, org), linked_org=linked, **values)


def _with_evidence(db, org):
    """One submitted assignment of (or addressed to) `org` with a file, made once per
    principal: the token, assignment id and evidence id makers of one route must agree
    (the route's arguments are made one at a time, in no fixed order). The file itself is
    not written (no app context here): an allowed download answers 410 Gone, a refused one
    is still refused before the file is looked for."""
    import secrets

    from questionnaires.models import Evidence

    made = db.info.setdefault("portal_access_evidence", {})
    if org.id not in made:
        a, token = _assignment(db, org, status="submitted",
                               answers={"uses_recruitment_agencies": True})
        evidence = Evidence(org_id=a.org_id, assignment_id=a.id,
                            question_code=EVIDENCE_QUESTION, filename="licence.pdf",
                            content_type="application/pdf", size=10, sha256="0" * 64,
                            storage_key=secrets.token_hex(20))
        db.add(evidence)
        db.flush()
        answers = {**a.answers, EVIDENCE_QUESTION: [evidence.id]}
        a.answers, a.submitted_answers = answers, dict(answers)
        db.flush()
        made[org.id] = (a, token, evidence)
    return made[org.id]


def _token(db, org, user):
    return _assignment(db, org)[1]


def _assignment_id(db, org, user):
    return _assignment(db, org)[0].id


# Other packages' routes take a `token` too (invitations): ours are keyed by endpoint.
TOKEN_ROUTES = [e for e, rule in ACCESS.items() if rule == PUBLIC and e != "portal.evidence"]
MAKERS: dict[object, object] = {
    **{(endpoint, "token"): _token for endpoint in TOKEN_ROUTES},
    "assignment_id": _assignment_id,
    "code": lambda db, org, user: EVIDENCE_QUESTION,
    "key": lambda db, org, user: "recruitment",
    ("portal.evidence", "token"): lambda db, org, user: _with_evidence(db, org)[1],
    ("portal.evidence", "evidence_id"): lambda db, org, user: _with_evidence(db, org)[2].id,
    ("portal.answer_evidence", "assignment_id"):
        lambda db, org, user: _with_evidence(db, org)[0].id,
    ("portal.answer_evidence", "evidence_id"):
        lambda db, org, user: _with_evidence(db, org)[2].id,
    ("portal.buyer_evidence", "evidence_id"):
        lambda db, org, user: _with_evidence(db, org)[2].id,
}
