"""JSON shapes of the case-handling API (grievances/api.py): the channel, the list of cases (no
text), one case with its text, messages and notes, and the inputs."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, MAX_INT, NO_NUL, PAGE_QUERY, page_of, ref, required_text
from grievances.services.channel import LANGUAGES, MAX_WORKPLACES
from grievances.services.intake import MAX_LINE, MAX_TEXT
from grievances.states import CATEGORIES, STATUSES

_DATE = {"type": "string", "format": "date"}
_WHEN = {"type": "string", "format": "date-time"}
_WHEN_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_URL_OR_NULL = {"type": ["string", "null"]}
_LANGUAGE = {"type": "string", "enum": list(LANGUAGES)}

WORKPLACE = {"type": "object", "required": ["supplier_id", "public_name"], "properties": {
    "supplier_id": INT_ID, "public_name": {"type": "string"}}}
WORKPLACE_INPUT = {"type": "object", "required": ["supplier_id"],
                   "additionalProperties": False, "properties": {
                       "supplier_id": INT_ID,
                       "public_name": {"type": ["string", "null"], "maxLength": MAX_LINE,
                                       "pattern": NO_NUL,
                                       "description": "the name workers know the workplace "
                                                      "by; the supplier's name when empty"}}}

CASE_PROPERTIES: dict[str, Any] = {
    "id": INT_ID,
    "case_code": {"type": "string", "description": "what the reporter quotes"},
    "categories": {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}},
    "language": {"type": "string", "description": "ISO 639-1, e.g. ne"},
    "status": {"type": "string", "enum": list(STATUSES)},
    "retaliation": {"type": "boolean"},
    "supplier_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_INT},
    "received_at": _WHEN,
    "acknowledge_due_on": _DATE,
    "answer_due_on": _DATE,
    "acknowledged_at": _WHEN_OR_NULL,
    "answered_at": _WHEN_OR_NULL,
    "resolved_at": _WHEN_OR_NULL,
    "closed_at": _WHEN_OR_NULL,
    "reopened": {"type": "integer", "minimum": 0},
    "overdue": {"type": "boolean", "description": "its acknowledgement or answer is late"},
    "purged": {"type": "boolean",
               "description": "closed past the retention period: its text was removed"},
    "moves": {"type": "array", "items": {"type": "string", "enum": list(STATUSES)},
              "description": "the statuses it may move to"},
}
MESSAGE = {"type": "object", "required": ["id", "from_reporter", "body", "at"], "properties": {
    "id": INT_ID, "from_reporter": {"type": "boolean"},
    "author": {"type": ["string", "null"], "description": "the colleague who wrote it"},
    "body": _TEXT_OR_NULL, "at": _WHEN}}
NOTE = {"type": "object", "required": ["id", "body", "at"], "properties": {
    "id": INT_ID, "author": {"type": ["string", "null"]}, "body": _TEXT_OR_NULL, "at": _WHEN}}
_BODY = {"type": "object", "required": ["body"], "additionalProperties": False,
         "properties": {"body": required_text(MAX_TEXT)}}

SCHEMAS: dict[str, dict[str, Any]] = {
    "GrievanceChannel": {"type": "object", "required": [
        "intake_key", "url", "poster_url", "poster_pdf_url", "languages", "workplaces"],
        "properties": {
            "intake_key": {"type": "string"},
            "url": {"type": "string", "description": "the public page workers open"},
            "poster_url": _URL_OR_NULL, "poster_pdf_url": _URL_OR_NULL,
            "languages": {"type": "array", "items": {"type": "string"}},
            "workplaces": {"type": "array", "items": WORKPLACE}}},
    "GrievanceChannelPatch": {"type": "object", "additionalProperties": False, "properties": {
        "languages": {"type": "array", "items": _LANGUAGE, "minItems": 1,
                      "maxItems": len(LANGUAGES), "uniqueItems": True},
        "workplaces": {"type": "array", "items": WORKPLACE_INPUT,
                       "maxItems": MAX_WORKPLACES}}},
    "Grievance": {"type": "object", "required": list(CASE_PROPERTIES),
                  "properties": CASE_PROPERTIES,
                  "description": "a case without its text"},
    "GrievanceDetail": {"type": "object", "required": [
        *CASE_PROPERTIES, "text", "place", "contact", "messages", "notes"],
        "properties": {**CASE_PROPERTIES, "text": _TEXT_OR_NULL, "place": _TEXT_OR_NULL,
                       "contact": _TEXT_OR_NULL,
                       "messages": {"type": "array", "items": MESSAGE,
                                    "description": "to and from the reporter"},
                       "notes": {"type": "array", "items": NOTE,
                                 "description": "internal: never shown to the reporter"}}},
    "GrievancePatch": {"type": "object", "additionalProperties": False, "properties": {
        "status": {"type": "string", "enum": list(STATUSES)},
        "supplier_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_INT,
                        "description": "one of the company's suppliers; null unlinks"},
        "retaliation": {"type": "boolean"}}},
    "GrievanceMessage": MESSAGE,
    "GrievanceNote": NOTE,
    "GrievanceMessageInput": _BODY,
    "GrievanceNoteInput": _BODY,
    "GrievanceFilters": {"type": "object", "properties": {
        "status": {"type": "string", "enum": [*STATUSES, "open", ""]},
        "category": {"type": "string", "enum": [*CATEGORIES, ""]},
        "supplier_id": INT_ID,
        "overdue": {"type": "boolean"},
        **PAGE_QUERY}},
}
SCHEMAS["GrievanceList"] = page_of("Grievance")
__all__ = ["SCHEMAS", "ref"]
