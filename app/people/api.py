"""People, invitations and the outbox over JSON (API.md)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from app.access import public, roles_required
from app.api import json_body, paginate
from app.auth.models import User
from app.db import get_session
from app.errors import ValidationFailed, field_error
from app.mail import STATUSES, OutboxMessage
from app.openapi import responds
from app.people import services
from app.people.views import _reset_limit, invitation_link
from app.security import limiter
from app.tenancy import get_owned, owned

bp = Blueprint("people_api", __name__, url_prefix="/api/v1")


def person_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "active": user.is_active,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def _string(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise field_error(name, f"{name} is required and must be a string.")
    return value


@bp.get("/people")
@roles_required("admin")
@responds("Person", many=True)
def list_people():
    """The people of your organisation (admins)."""
    return jsonify(paginate(get_session(), services.people_query(current_user.org_id),
                            person_json))


@bp.post("/people/invitations")
@roles_required("admin")
@responds("Invitation")
def create_invitation():
    """Invite someone by email `{email, role}`; the single-use link goes by email (7 days)."""
    body = json_body()
    email, role = _string(body, "email"), _string(body, "role")
    db = get_session()
    invitation = services.invite(
        db, org=current_user.org, actor=current_user, email=email, role=role,
        link_for=invitation_link,
    )
    db.commit()
    return jsonify(invitation.as_json()), 201


@bp.patch("/people/<int:user_id>")
@roles_required("admin")
@responds("Person")
def update_person(user_id: int):
    """Change a person's `role` or `active`; ends their sessions and API tokens at once."""
    db = get_session()
    person = get_owned(db, User, user_id, current_user.org_id)
    body = json_body()
    unknown = sorted(set(body) - {"role", "active"})
    if unknown:
        raise ValidationFailed(
            "Only role and active can be changed.",
            [{"field": name, "message": "unknown field"} for name in unknown],
        )
    if "active" in body and not isinstance(body["active"], bool):
        raise field_error("active", "active must be true or false.")
    if "role" in body:
        services.change_role(db, actor=current_user, user=person, role=_string(body, "role"))
    if "active" in body:
        services.set_active(db, actor=current_user, user=person, active=body["active"])
    db.commit()
    return jsonify(person_json(person))


@bp.post("/invitations/<token>/accept")
@limiter.limit(_reset_limit)
@public
@responds("AcceptedInvitation")
def accept_invitation(token: str):
    """Accept an invitation `{name, password}` (no auth); used, expired or unknown: 404."""
    db = get_session()
    services.open_invitation(db, token)  # 404 before looking at the body
    body = json_body()
    user = services.accept_invitation(
        db, token, name=_string(body, "name"), password=_string(body, "password"),
        fast_hash=current_app.config["PASSWORD_HASH_FAST"],
    )
    db.commit()
    return jsonify(email=user.email, organization=user.org.as_json(), id=user.id,
                   role=user.role), 201


@bp.get("/outbox")
@roles_required("admin")
@responds("OutboxMessage", many=True)
def outbox():
    """Emails of your organisation (admins), newest first; filter `status`."""
    stmt = owned(OutboxMessage, current_user.org_id).order_by(OutboxMessage.id.desc())
    status = request.args.get("status")
    if status:
        if status not in STATUSES:
            raise field_error("status", f"status must be one of {', '.join(STATUSES)}.")
        stmt = stmt.where(OutboxMessage.status == status)
    return jsonify(paginate(get_session(), stmt, OutboxMessage.as_json))


OPENAPI_SCHEMAS = {
    "Person": {"type": "object", "required": ["id", "email", "name", "role", "active"],
               "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
                              "name": {"type": "string"}, "role": {"type": "string"},
                              "active": {"type": "boolean"},
                              "last_login_at": {"type": ["string", "null"],
                                                "format": "date-time"}}},
    "Invitation": {"type": "object", "required": ["id", "email", "role", "expires_at"],
                   "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
                                  "role": {"type": "string"}, "purpose": {"type": "string"},
                                  "status": {"type": "string"},
                                  "expires_at": {"type": "string", "format": "date-time"}}},
    "AcceptedInvitation": {"type": "object", "required": ["email", "organization"],
                           "properties": {"email": {"type": "string"},
                                          "organization": {"type": "object"}}},
    "OutboxMessage": {
        "type": "object",
        "required": ["id", "to", "subject", "status", "created_at", "sent_at", "error"],
        "properties": {"id": {"type": "integer"}, "to": {"type": "string"},
                       "subject": {"type": "string"},
                       "status": {"type": "string", "enum": list(STATUSES)},
                       "created_at": {"type": "string", "format": "date-time"},
                       "sent_at": {"type": ["string", "null"], "format": "date-time"},
                       "error": {"type": ["string", "null"]}}},
}
