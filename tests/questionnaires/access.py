"""Access table of the questionnaires package: who may call each route, and how to make the
objects its URL arguments name. Collected by tests/test_access_matrix.py (see its docstring).

Blocks by area, so that merging the branches that add routes is easy.
"""

from __future__ import annotations

from app.access import PUBLIC
from app.auth.roles import NETWORK_EDITORS as EDITORS

BUYERS = frozenset({"buyer"})

ACCESS: dict[str, object] = {}
KINDS: dict[str, frozenset[str]] = {}
MAKERS: dict[object, object] = {}
UNKNOWN: dict[str, object] = {}
# Arguments naming built-in reference data (templates), owned by no organisation: the
# cross-tenant probe has nothing of another tenant's to try there (test_access_matrix).
SHARED_ARGS: set[object] = set()


def _assignment_id(db, org, user):
    from tests.questionnaires.views.factories import make_row

    return make_row(db, org)[0].id


def _template_key(db, org, user):
    return "recruitment"


# --- hD: the buyer's pages (questionnaires/views.py) -----------------------------------------
_BUYER_PAGES = {
    "questionnaires.index": EDITORS,
    "questionnaires.template": EDITORS,
    "questionnaires.send": EDITORS,
    "questionnaires.assignment": EDITORS,
    "questionnaires.accept": EDITORS,
    "questionnaires.return_": EDITORS,
    "questionnaires.new_link": EDITORS,
}
ACCESS.update(_BUYER_PAGES)
KINDS.update(dict.fromkeys(_BUYER_PAGES, BUYERS))
MAKERS.update({"assignment_id": _assignment_id, "key": _template_key})
SHARED_ARGS.add(("questionnaires.template", "key"))
# --- end hD ----------------------------------------------------------------------------------


# --- TEMPORARY (hD), until the lead's API block and hC's portal block replace it ------------
def _addressed_assignment_id(db, org, user):
    """For a supplier organisation: a buyer's assignment addressed to it; else the buyer's."""
    from tests.factories import make_org
    from tests.questionnaires.views.factories import make_row

    if org.kind == "supplier":
        return make_row(db, make_org(db, "buyer"), linked_org=org)[0].id
    return make_row(db, org)[0].id


def _token(db, org, user):
    from tests.factories import make_org
    from tests.questionnaires.views.factories import make_row

    return make_row(db, org if org.kind == "buyer" else make_org(db, "buyer"))[1]


_READERS = frozenset({"admin", "compliance", "supplier"})
_API = {
    "questionnaires_api.list_templates": EDITORS,
    "questionnaires_api.get_template": EDITORS,
    "questionnaires_api.send": EDITORS,
    "questionnaires_api.list_assignments": _READERS,
    "questionnaires_api.get_assignment": _READERS,
    "questionnaires_api.review": EDITORS,
    "questionnaires_api.new_link": EDITORS,
    "questionnaires_api.portal": PUBLIC,
    "questionnaires_api.save_answers": PUBLIC,
    "questionnaires_api.submit": PUBLIC,
    "portal.start": PUBLIC,  # hD's placeholder of hC's portal
}
ACCESS.update(_API)
KINDS.update(dict.fromkeys([e for e, a in _API.items() if a == EDITORS], BUYERS))
KINDS.update(dict.fromkeys(["questionnaires_api.list_assignments",
                            "questionnaires_api.get_assignment"],
                           frozenset({"buyer", "supplier"})))
MAKERS.update({("questionnaires_api.get_assignment", "assignment_id"): _addressed_assignment_id})
# "token" alone is the shell's invitation maker: name the portal's endpoints one by one.
MAKERS.update({(e, "token"): _token for e, a in _API.items() if a == PUBLIC})
SHARED_ARGS.update({("questionnaires_api.get_template", "key"),
                    ("questionnaires_api.send", "key")})
# --- end TEMPORARY ---------------------------------------------------------------------------
