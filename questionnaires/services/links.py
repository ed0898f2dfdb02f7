"""The emailed link of an assignment: a random token that opens that one questionnaire.

token = HMAC-SHA256(SECRET_KEY, nonce). The database keeps the nonce and the token's SHA-256;
a copy of the database without the key opens nothing, and reminders can carry the same link
without the token being stored. Rotating the nonce (a new link) kills the old one at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.services import digest
from app.db import utcnow
from app.errors import NotFound
from app.links import external_url
from questionnaires.models import Assignment

MAX_TOKEN = 200


def token_for(nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(key, b"tierlight-portal:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def new_link() -> tuple[str, str]:
    """(nonce, hash of its token) for a new or rotated link."""
    nonce = secrets.token_hex(16)
    return nonce, digest(token_for(nonce))


def expiry(due: date) -> datetime:
    grace = int(current_app.config.get("PORTAL_GRACE_DAYS", 30))
    end = datetime.combine(due + timedelta(days=grace), time(23, 59, 59), tzinfo=UTC)
    return max(end, utcnow() + timedelta(days=grace))


def link_for_nonce(nonce: str) -> str:
    return external_url("portal.start", token=token_for(nonce))


def link_of(assignment: Assignment) -> str:
    return link_for_nonce(assignment.link_nonce)


def token_of(assignment: Assignment) -> str:
    return token_for(assignment.link_nonce)


def by_token(session: Session, raw: str) -> Assignment:
    """The assignment an emailed link opens. 404 for an unknown, expired or closed link."""
    found = None
    if isinstance(raw, str) and 20 <= len(raw) <= MAX_TOKEN:
        found = session.scalar(select(Assignment).where(Assignment.link_hash == digest(raw)))
    if found is None:
        raise NotFound(
            "This questionnaire link is not valid. It may have been copied incompletely or "
            "replaced by a newer one; ask the company that sent it for a new link."
        )
    if found.status == "accepted":
        raise NotFound("This questionnaire was accepted by the company; its link is closed.")
    if found.link_expires_at <= utcnow():
        raise NotFound(
            "This questionnaire link has expired. Ask the company that sent it for a new one."
        )
    return found
