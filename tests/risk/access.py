"""Access table of the risk package (tests/test_access_matrix.py's docstring).

The dashboard and the API are for compliance and admin users of a buying organisation (the
pages answer 404 to everyone else signed in, the API 403 by role; tests/risk/test_views.py
checks the pages' status itself: the matrix accepts 403 or 404 for a refusal). The
reference-data page and its upload are for administrators of buying companies; one edition's
rows (the evidence behind scores) for the people of buying companies who read scores. An
edition made for another organisation is 404 (the platform's editions are everyone's).

Screening (risk/screening): the review queue, its decisions and "screen now", the lists and one
list's entries are for the people of buying companies who read scores; loading a list (page
and API) for their administrators. Another organisation's hit or list is 404.
"""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS as EDITORS

BUYERS = frozenset({"buyer"})
ADMINS = frozenset({"admin"})

ACCESS: dict[str, object] = {
    # the pages (risk/views.py)
    "risk.dashboard": EDITORS,
    # the API (risk/api.py)
    "risk_api.supplier_risk": EDITORS,
    "risk_api.ranked": EDITORS,
    # reference data (risk/reference/views.py)
    "risk_reference.index": ADMINS,
    "risk_reference.upload": ADMINS,
    "risk_reference.edition": EDITORS,
    # screening against entity lists (risk/screening/views.py, api.py)
    "risk_screening.index": EDITORS,
    "risk_screening.run_now": EDITORS,
    "risk_screening.decide": EDITORS,
    "risk_screening.lists": EDITORS,
    "risk_screening.upload": ADMINS,
    "risk_screening.entity_list": EDITORS,
    "risk_screening_api.hits": EDITORS,
    "risk_screening_api.decide": EDITORS,
    "risk_screening_api.lists": EDITORS,
    "risk_screening_api.upload": ADMINS,
}
KINDS = dict.fromkeys(ACCESS, BUYERS)

_seq = iter(range(1, 10**9))


def _edition_id(db, org, user):
    """An edition of the principal's own organisation (a one-row ITUC rating)."""
    from risk.reference.services import load_edition

    data = b"country,rating\nNorway,1\n"
    return load_edition(db, dataset="ituc_rights", files=[("ituc.csv", data)],
                        edition=f"access {next(_seq)}", title="ITUC ratings",
                        source="Access matrix", org_id=org.id).id


def _list_id(db, org, user):
    """An entity list of the principal's own organisation."""
    from tests.risk.screening_factories import make_list

    return make_list(db, org, name=f"Access list {next(_seq)}").list_id


def _hit_id(db, org, user):
    """An open screening hit of the principal's own organisation."""
    from tests.risk.screening_factories import make_hit

    return make_hit(db, org).id


MAKERS: dict[object, object] = {
    "edition_id": _edition_id,
    "list_id": _list_id,
    "hit_id": _hit_id,
}
