"""Tokens and identity for API clients (API.md: auth)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify
from flask_login import current_user

from app.access import login_required, public
from app.apischema import INT_ID, NO_NUL, api_route
from app.auth import services
from app.db import get_session
from app.errors import Unauthorized
from app.registry import registry
from app.security import limiter

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1")

_TEXT = {"type": "string", "pattern": NO_NUL}
OPENAPI_SCHEMAS = {
    "TokenRequest": {"type": "object", "required": ["email", "password"],
                     "additionalProperties": False, "properties": {
                         "email": _TEXT | {"maxLength": 254},
                         "password": {"type": "string", "maxLength": 1024,
                                      "pattern": NO_NUL},
                         "name": {"type": ["string", "null"], "maxLength": 100,
                                  "pattern": NO_NUL, "description": "a label for the token"}}},
    "Token": {"type": "object", "required": ["token", "expires_at", "id"], "properties": {
        "token": {"type": "string", "description": "send it as Authorization: Bearer <token>"},
        "expires_at": {"type": "string", "format": "date-time"}, "id": INT_ID}},
    "Me": {"type": "object", "required": ["id", "email", "name", "role", "organization"],
           "properties": {
               "id": INT_ID, "email": {"type": "string"}, "name": {"type": "string"},
               "role": {"type": "string"},
               "organization": {"type": "object", "required": ["id", "name", "kind",
                                                               "jurisdiction"], "properties": {
                   "id": INT_ID, "name": {"type": "string"}, "kind": {"type": "string"},
                   "jurisdiction": {"type": ["string", "null"]}}}}},
}

bp.record_once(lambda state: registry(state.app).openapi_schemas.update(OPENAPI_SCHEMAS))


@bp.post("/auth/tokens")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@public
@api_route(status=201, response="Token", body="TokenRequest", errors=[401, 429])
def create_token(body: dict):
    """A token for an email and password: `{token, expires_at}`; send it as a Bearer token."""
    email, password = body["email"], body["password"]
    db = get_session()
    user = services.authenticate(
        db, email, password,
        lock_threshold=current_app.config["ACCOUNT_LOCK_THRESHOLD"],
        lock_minutes=current_app.config["ACCOUNT_LOCK_MINUTES"],
    )
    if user is None:
        db.commit()
        raise Unauthorized("Email or password is incorrect.")
    name = body.get("name") if isinstance(body.get("name"), str) else "API token"
    token, raw = services.issue_token(
        db, user, name=name, days=current_app.config["API_TOKEN_DAYS"]
    )
    db.commit()
    return jsonify(token=raw, expires_at=token.expires_at.isoformat(), id=token.id), 201


@bp.delete("/auth/tokens/current")
@login_required
@api_route(status=204)
def revoke_current_token():
    """Revoke the token this request uses (204)."""
    token = g.get("api_token")
    if token is None:
        raise Unauthorized("This call needs a Bearer token; browser sessions sign out instead.")
    db = get_session()
    services.revoke_token(db, current_user, token.id)
    db.commit()
    return "", 204


@bp.get("/me")
@login_required
@api_route(response="Me")
def me():
    """Who you are: email, role and organisation."""
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        name=current_user.name,
        role=current_user.role,
        organization=current_user.org.as_json(),
    )
