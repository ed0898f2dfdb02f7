"""Access table of the shell (app/): who may call each route, and how to make the objects its
URL arguments name. Collected by tests/test_access_matrix.py (see its docstring)."""

from __future__ import annotations

from app.access import ANY_USER, PUBLIC

ACCESS: dict[str, object] = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "main.dashboard": ANY_USER,
    "main.activity": frozenset({"admin", "compliance"}),
    "auth.login": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.settings": ANY_USER,
    "auth.tokens": ANY_USER,
    "auth.revoke_token": ANY_USER,
    "auth_api.create_token": PUBLIC,
    "auth_api.revoke_current_token": ANY_USER,
    "auth_api.me": ANY_USER,
    "openapi.document": PUBLIC,
}


def _token_id(db, org, user):
    from app.auth.services import issue_token

    return issue_token(db, user)[0].id


# Makers take (db, org, user) and return the value of a URL argument, owned by `org` (made
# for `user` where it belongs to a person). Key: the argument's name, or (endpoint, name)
# when one endpoint needs a different object.
MAKERS: dict[object, object] = {
    "token_id": _token_id,
}
