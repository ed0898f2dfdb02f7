"""People, invitations and the outbox over JSON (API.md)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_login import current_user

from app.access import public, roles_required
from app.api import paginate
from app.apischema import INT_ID, NO_NUL, PAGE_QUERY, api_route
from app.auth.models import User
from app.auth.roles import ROLES
from app.db import get_session
from app.mail import STATUSES, OutboxMessage
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


@bp.get("/people")
@roles_required("admin")
@api_route(response="Person", many=True, query="PageQuery")
def list_people(query: dict):
    """The people of your organisation (admins)."""
    return jsonify(paginate(get_session(), services.people_query(current_user.org_id),
                            person_json))


@bp.post("/people/invitations")
@roles_required("admin")
@api_route(status=201, response="Invitation", body="InvitationInput", errors=[409])
def create_invitation(body: dict):
    """Invite someone by email `{email, role}`; the single-use link goes by email (7 days)."""
    email, role = body["email"], body["role"]
    db = get_session()
    invitation = services.invite(
        db, org=current_user.org, actor=current_user, email=email, role=role,
        link_for=invitation_link,
    )
    db.commit()
    return jsonify(invitation.as_json()), 201


@bp.patch("/people/<int:user_id>")
@roles_required("admin")
@api_route(response="Person", body="PersonPatch", errors=[404, 409], lookup_first=True)
def update_person(user_id: int, body):
    """Change a person's `role` or `active`; ends their sessions and API tokens at once."""
    db = get_session()
    person = get_owned(db, User, user_id, current_user.org_id)
    body = body()  # validated once the person is known to be yours (else 404 first)
    if "role" in body:
        services.change_role(db, actor=current_user, user=person, role=body["role"])
    if "active" in body:
        services.set_active(db, actor=current_user, user=person, active=body["active"])
    db.commit()
    return jsonify(person_json(person))


@bp.post("/invitations/<token>/accept")
@limiter.limit(_reset_limit)
@public
@api_route(status=201, response="AcceptedInvitation", body="AcceptInput", errors=[404, 409, 429],
           lookup_first=True)
def accept_invitation(token: str, body):
    """Accept an invitation `{name, password}` (no auth); used, expired or unknown: 404.

    A supplier connection creates the supplier's organisation: `organization` names it when
    the default (the buyer's name for the supplier) is taken.
    """
    db = get_session()
    services.open_invitation(db, token)
    body = body()  # a used, expired or unknown link is 404 whatever the body says
    user = services.accept_invitation(
        db, token, name=body["name"], password=body["password"],
        fast_hash=current_app.config["PASSWORD_HASH_FAST"],
        answers={"organization": body.get("organization")},
    )
    db.commit()
    return jsonify(email=user.email, organization=user.org.as_json(), id=user.id,
                   role=user.role), 201


@bp.get("/outbox")
@roles_required("admin")
@api_route(response="OutboxMessage", many=True, query="OutboxQuery")
def outbox(query: dict):
    """Emails of your organisation (admins), newest first; filter `status`."""
    stmt = owned(OutboxMessage, current_user.org_id).order_by(OutboxMessage.id.desc())
    if query.get("status"):
        stmt = stmt.where(OutboxMessage.status == query["status"])
    return jsonify(paginate(get_session(), stmt, OutboxMessage.as_json))


_EMAIL = {"type": "string", "minLength": 3, "maxLength": 254, "pattern": NO_NUL}
OPENAPI_SCHEMAS = {
    "InvitationInput": {"type": "object", "required": ["email", "role"],
                        "additionalProperties": False, "properties": {
                            "email": _EMAIL, "role": {"type": "string", "enum": list(ROLES)}}},
    "PersonPatch": {"type": "object", "additionalProperties": False, "minProperties": 1,
                    "properties": {"role": {"type": "string", "enum": list(ROLES)},
                                   "active": {"type": "boolean"}}},
    "AcceptInput": {"type": "object", "required": ["name", "password"],
                    "additionalProperties": False, "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": 200,
                                 "pattern": NO_NUL},
                        "password": {"type": "string", "minLength": 1, "maxLength": 256,
                                     "pattern": NO_NUL},
                        "organization": {
                            "type": ["string", "null"], "maxLength": 200, "pattern": NO_NUL,
                            "description": "supplier connections only: the name of the "
                                           "supplier organisation to create"}}},
    "OutboxQuery": {"type": "object", "properties": {
        "status": {"type": "string", "enum": [*STATUSES, ""]}, **PAGE_QUERY}},
    "Person": {"type": "object", "required": ["id", "email", "name", "role", "active"],
               "properties": {"id": INT_ID, "email": {"type": "string"},
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
