"""Access table of the questionnaires package (see tests/test_access_matrix.py's docstring).

Buyers' editors send and review; supplier organisations read what is addressed to them; the
portal by link is public, opened by its token alone."""

from __future__ import annotations

from datetime import date, timedelta

from app.access import PUBLIC
from app.auth.roles import NETWORK_EDITORS as EDITORS

READERS = frozenset({"admin", "compliance", "supplier"})
BUYERS = frozenset({"buyer"})

# --- API (lead) ---------------------------------------------------------------------------
ACCESS: dict[str, object] = {
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
KINDS: dict[str, frozenset[str]] = {
    "questionnaires_api.list_templates": BUYERS,
    "questionnaires_api.get_template": BUYERS,
    "questionnaires_api.send": BUYERS,
    "questionnaires_api.list_assignments": frozenset({"buyer", "supplier"}),
    "questionnaires_api.get_assignment": frozenset({"buyer", "supplier"}),
    "questionnaires_api.review": BUYERS,
    "questionnaires_api.new_link": BUYERS,
}


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


def _assignment_id(db, org, user):
    return sent_assignment(db, org)[0].id


def _portal_token(db, org, user):
    return sent_assignment(db, org)[1]


def _template_key(db, org, user):
    return "recruitment"


# Built-in templates belong to no tenant: every buyer reads the same "recruitment".
SHARED = {("questionnaires_api.get_template", "key"), ("questionnaires_api.send", "key")}

MAKERS: dict[object, object] = {
    "assignment_id": _assignment_id,
    "key": _template_key,
    ("questionnaires_api.portal", "token"): _portal_token,
    ("questionnaires_api.save_answers", "token"): _portal_token,
    ("questionnaires_api.submit", "token"): _portal_token,
}
