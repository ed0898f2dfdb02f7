"""The worker's channel over JSON (API.md): report, follow with code and secret, write back.

No auth and no CSRF (nothing to forge: no session is read, and the secret is the proof);
rate-limited like the pages (grievances/privacy.py). The status call takes code and secret
in the query string, as API.md promises; the access logs drop it (privacy.py).
"""

from __future__ import annotations

import pycountry
from flask import Blueprint, jsonify
from werkzeug.routing import BaseConverter

from app.access import public
from app.apischema import INT_ID, ONE_LINE, api_route, required_text, text
from app.db import get_session
from app.links import external_url
from grievances import privacy
from grievances.services import intake as service
from grievances.services.intake import MAX_LINE, MAX_TEXT
from grievances.states import CATEGORIES, STATUSES

bp = Blueprint("grievances_public_api", __name__, url_prefix="/api/v1/grievances")


class IntakeKey(BaseConverter):
    """An intake key (secrets.token_urlsafe): never all digits nor "status", so that
    /api/v1/grievances/<int:grievance_id> (the company's cases) and /status answer for
    themselves: without it, POST /api/v1/grievances/2 would be a report to channel "2"
    and every method of /api/v1/grievances/2 would list POST among those allowed."""

    regex = r"(?!status(?:/|$))(?![0-9]+(?:/|$))[A-Za-z0-9_-]{1,64}"


@bp.record_once
def _converter(state) -> None:  # before the routes below are added to the map
    state.app.url_map.converters.setdefault("intake_key", IntakeKey)


LANGUAGES = sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
_CODE = {"type": "string", "maxLength": 40, "allOf": [{"pattern": ONE_LINE},
                                                       {"pattern": "[0-9A-Za-z]"}],
         "description": "the case code, as given (case, spaces and dashes do not matter)"}
_SECRET = {"type": "string", "maxLength": 64, "allOf": [{"pattern": ONE_LINE},
                                                         {"pattern": "[0-9A-Za-z]"}],
           "description": "the secret given with the case code"}
_WHEN = {"type": "string", "format": "date-time"}
_DAY = {"type": "string", "format": "date"}
_MESSAGE = {"type": "object", "required": ["from", "body", "at"], "properties": {
    "from": {"enum": ["you", "company"]},
    "body": {"type": ["string", "null"], "description": "null once purged after closing"},
    "at": _WHEN}}

OPENAPI_SCHEMAS: dict[str, dict] = {
    "GrievanceReport": {
        "type": "object", "additionalProperties": False,
        "required": ["categories", "text", "language"],
        "properties": {
            "categories": {"type": "array", "minItems": 1, "maxItems": len(CATEGORIES),
                           "items": {"enum": list(CATEGORIES)}, "description": "what happened"},
            "text": required_text(MAX_TEXT, description="what happened, in any language"),
            "language": {"enum": LANGUAGES, "description": "ISO 639-1 code of the report"},
            "supplier_id": {**INT_ID, "type": ["integer", "null"],
                            "description": "a workplace the company lists on its channel"},
            "place": text(MAX_LINE, description="where, when the workplace is not listed"),
            "contact": text(MAX_LINE, description="optional: how to reach the reporter"),
        },
    },
    "GrievanceReceipt": {
        "type": "object", "required": ["case_code", "secret", "status_url", "follow_url"],
        "properties": {
            "case_code": {"type": "string"},
            "secret": {"type": "string", "description": "shown once: keep it"},
            "status_url": {"type": "string", "description": "GET with ?case=&secret="},
            "follow_url": {"type": "string", "description": "the follow-up page"},
        },
    },
    "GrievanceStatusQuery": {
        "type": "object", "required": ["case", "secret"],
        "properties": {"case": _CODE, "secret": _SECRET},
    },
    "GrievanceStatus": {
        "type": "object",
        "required": ["case_code", "status", "categories", "received_at", "acknowledge_due_on",
                     "answer_due_on", "messages", "purged"],
        "properties": {
            "case_code": {"type": "string"},
            "status": {"enum": list(STATUSES)},
            "categories": {"type": "array", "items": {"enum": list(CATEGORIES)}},
            "received_at": _WHEN, "acknowledge_due_on": _DAY, "answer_due_on": _DAY,
            "messages": {"type": "array", "items": _MESSAGE},
            "purged": {"type": "boolean", "description": "text removed after closing"},
        },
    },
    "GrievanceReplyInput": {
        "type": "object", "additionalProperties": False,
        "required": ["case", "secret", "message"],
        "properties": {"case": _CODE, "secret": _SECRET,
                       "message": required_text(MAX_TEXT)},
    },
    "GrievanceReply": {
        "type": "object", "required": ["case_code", "message"],
        "properties": {"case_code": {"type": "string"}, "message": _MESSAGE},
    },
}


@bp.post("/<intake_key:intake_key>")
@privacy.limit_reports()
@public
@api_route(status=201, response="GrievanceReceipt", body="GrievanceReport", errors=[429],
           lookup_first=True)
def report(intake_key: str, body):
    """Report a problem anonymously: `{categories[], text, language, supplier_id?, place?,
    contact?}` (no auth); keep the secret, it is shown once. An unknown channel is 404."""
    db = get_session()
    channel = service.channel_by_key(db, intake_key)
    body = body()  # an unknown channel is 404 whatever the body says
    grievance, secret = service.submit(
        db, channel=channel, categories=body["categories"], text=body["text"],
        language=body["language"], supplier_id=body.get("supplier_id"),
        place=body.get("place"), contact=body.get("contact"))
    db.commit()
    return jsonify(case_code=grievance.case_code, secret=secret,
                   status_url=external_url("grievances_public_api.status"),
                   follow_url=external_url("grievances_public.follow")), 201


@bp.get("/status")
@privacy.limit_guesses()
@public
@api_route(response="GrievanceStatus", query="GrievanceStatusQuery", errors=[404, 429])
def status(query: dict):
    """The reporter follows the case `?case=&secret=` (no auth): status, deadlines, messages
    both ways; a wrong pair is 404."""
    db = get_session()
    grievance = service.find_case(db, query["case"], query["secret"])
    return jsonify(service.reporter_view(db, grievance))


@bp.post("/status/reply")
@privacy.limit_guesses()
@public
@api_route(status=201, response="GrievanceReply", body="GrievanceReplyInput",
           errors=[404, 429])
def reply(body: dict):
    """The reporter writes back `{case, secret, message}` (no auth); a wrong pair is 404."""
    db = get_session()
    grievance = service.find_case(db, body["case"], body["secret"])
    message = service.reporter_reply(db, grievance, body["message"])
    db.commit()
    return jsonify(case_code=grievance.case_code, message={
        "from": "you", "body": body["message"].replace("\r\n", "\n").strip(),
        "at": message.created_at.isoformat()}), 201


CSRF_EXEMPT = ("grievances_public_api.report", "grievances_public_api.reply")
