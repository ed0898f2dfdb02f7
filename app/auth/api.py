"""Tokens and identity for API clients (API.md: auth)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify
from flask_login import current_user

from app.access import login_required, public
from app.api import json_body
from app.auth import services
from app.db import get_session
from app.errors import Unauthorized, ValidationFailed
from app.security import limiter

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1")


@bp.post("/auth/tokens")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@public
def create_token():
    """A token for an email and password: `{token, expires_at}`; send it as a Bearer token."""
    body = json_body()
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        raise ValidationFailed(
            "email and password are required strings.",
            [{"field": f, "message": "required"} for f in ("email", "password")
             if not isinstance(body.get(f), str)],
        )
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
def me():
    """Who you are: email, role and organisation."""
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        name=current_user.name,
        role=current_user.role,
        organization=current_user.org.as_json(),
    )
