"""Access table of the risk package (tests/test_access_matrix.py's docstring).

Each helper keeps to its own block below. The pages are for compliance and admin users of a
buying organisation; everyone else signed in gets 404 (tests/risk/test_views.py checks the
status itself: the matrix accepts 403 or 404 for a refusal).
"""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS as EDITORS

BUYERS = frozenset({"buyer"})

ACCESS: dict[str, object] = {}
KINDS: dict[str, frozenset[str]] = {}
MAKERS: dict[object, object] = {}

# --- the pages (risk/views.py) -----------------------------------------------------------------
ACCESS |= {
    "risk.dashboard": EDITORS,
}
KINDS |= {"risk.dashboard": BUYERS}
# --- end of the pages ----------------------------------------------------------------------------

# --- the API (risk/api.py) -----------------------------------------------------------------------
ACCESS |= {
    "risk_api.supplier_risk": EDITORS,
    "risk_api.ranked": EDITORS,
}
KINDS |= {"risk_api.supplier_risk": BUYERS, "risk_api.ranked": BUYERS}
# --- end of the API --------------------------------------------------------------------------------
