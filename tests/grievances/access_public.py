"""Access entries of the grievances package's public routes (merged in access.py): the
worker's pages and API are open to everyone (an unknown intake key is 404); the poster is for
a buying company's compliance and admin users."""

from __future__ import annotations

import secrets

from app.access import PUBLIC

EDITORS = frozenset({"admin", "compliance"})
POSTER = ("grievances_poster.poster", "grievances_poster.poster_pdf",
          "grievances_poster.stylesheet")

ACCESS: dict[str, object] = {
    "grievances_public.intake": PUBLIC,
    "grievances_public.follow": PUBLIC,
    "grievances_public.reply": PUBLIC,
    "grievances_public_api.report": PUBLIC,
    "grievances_public_api.status": PUBLIC,
    "grievances_public_api.reply": PUBLIC,
    **dict.fromkeys(POSTER, EDITORS),
}
KINDS: dict[str, frozenset[str]] = dict.fromkeys(POSTER, frozenset({"buyer"}))


def _intake_key(db, org, user):
    from grievances.services.intake import ensure_channel

    return ensure_channel(db, org_id=org.id).intake_key


MAKERS: dict[object, object] = {"intake_key": _intake_key}
# A key of the same shape as a real one (token_urlsafe(18)) that no channel has.
UNKNOWN: dict[str, object] = {"intake_key": lambda: secrets.token_urlsafe(18)}
