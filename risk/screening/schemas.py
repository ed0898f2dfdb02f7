"""JSON shapes of the screening API (API.md: /screening/hits, /screening/lists)."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, PAGE_QUERY, PRINTABLE, required_text
from risk.models import HIT_STATUSES
from risk.screening.decisions import NOTE_LIMIT
from risk.screening.services import LIMITS

_DATE = {"type": ["string", "null"], "format": "date"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
# One line without control characters (C1 too), as the list service requires.
_ONE_LINE = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"

ENTRY = {"type": "object", "required": ["id", "name", "aliases", "country", "identifiers"],
         "properties": {
             "id": INT_ID, "row": {"type": "integer"}, "name": _TEXT,
             "aliases": {"type": "array", "items": _TEXT},
             "country": {"type": ["string", "null"], "description": "ISO 3166-1 alpha-2"},
             "identifiers": {"type": "array", "items": _TEXT}, "listed_on": _DATE,
             "reason": _NULLABLE_TEXT, "source_url": _NULLABLE_TEXT}}
EDITION = {"type": "object", "required": ["id", "edition", "entries", "superseded_at"],
           "properties": {
               "id": INT_ID, "edition": _TEXT, "entries": {"type": "integer", "minimum": 0},
               "filename": _NULLABLE_TEXT, "sha256": _NULLABLE_TEXT, "loaded_at": _TIME,
               "superseded_at": {**_TIME, "description": "null while it is the list's "
                                                         "current edition"}}}

SCHEMAS: dict[str, dict[str, Any]] = {
    "ScreeningHit": {"type": "object", "required": [
        "id", "status", "score", "certain", "reasons", "supplier", "entry", "list", "edition"],
        "properties": {
            "id": INT_ID, "status": {"type": "string", "enum": list(HIT_STATUSES)},
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "certain": {"type": "boolean", "description": "an identifier in common"},
            "reasons": {"type": "array", "items": _TEXT},
            "supplier": {"type": "object", "required": ["id", "name", "country"],
                         "properties": {"id": INT_ID, "name": _TEXT,
                                        "latin_name": _NULLABLE_TEXT, "country": _TEXT}},
            "entry": ENTRY,
            "list": {"type": "object", "required": ["id", "name", "issuer"],
                     "properties": {"id": INT_ID, "name": _TEXT, "issuer": _TEXT}},
            "edition": {"type": "object", "required": ["id", "edition", "superseded_at"],
                        "properties": {"id": INT_ID, "edition": _TEXT,
                                       "superseded_at": _TIME}},
            "found_at": _TIME, "decided_at": _TIME, "decided_by": _NULLABLE_TEXT,
            "note": _NULLABLE_TEXT}},
    "ScreeningHitFilters": {"type": "object", "properties": {
        "status": {"type": "string", "enum": [*HIT_STATUSES, "all", ""],
                   "description": "default open"},
        "list": {"anyOf": [INT_ID, {"type": "string", "maxLength": 0}],
                 "description": "an entity list's id"},
        **PAGE_QUERY}},
    "ScreeningDecision": {
        "type": "object", "required": ["decision"], "additionalProperties": False,
        "properties": {
            "decision": {"type": "string", "enum": ["confirm", "dismiss"]},
            "note": {"type": ["string", "null"], "maxLength": NOTE_LIMIT, "pattern": PRINTABLE,
                     "description": "why: required to dismiss"}},
        "if": {"properties": {"decision": {"const": "dismiss"}}, "required": ["decision"]},
        "then": {"required": ["note"],
                 "properties": {"note": required_text(NOTE_LIMIT, PRINTABLE)}}},
    "EntityList": {"type": "object", "required": ["id", "name", "issuer", "scope",
                                                  "current_edition", "editions"],
                   "properties": {
                       "id": INT_ID, "name": _TEXT, "issuer": _TEXT,
                       "source_url": _NULLABLE_TEXT,
                       "scope": {"type": "string", "enum": ["platform", "organisation"]},
                       "current_edition": {"anyOf": [EDITION, {"type": "null"}]},
                       "editions": {"type": "array", "items": EDITION}}},
    "ListEdition": {**EDITION, "required": [*EDITION["required"], "list"],
                    "properties": {**EDITION["properties"], "list": {
                        "type": "object", "required": ["id", "name", "issuer"],
                        "properties": {"id": INT_ID, "name": _TEXT, "issuer": _TEXT}}}},
    "ListUpload": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": LIMITS["name"], "pattern": _ONE_LINE,
                 "description": "the list (required here or as a form field)"},
        "issuer": {"type": "string", "maxLength": LIMITS["issuer"], "pattern": _ONE_LINE,
                   "description": "who publishes it (required here or as a form field)"},
        "edition": {"type": "string", "maxLength": LIMITS["edition"], "pattern": _ONE_LINE,
                    "description": "the edition's label, new for the list (required here "
                                   "or as a form field)"},
        "source_url": {"type": "string", "maxLength": LIMITS["source_url"],
                       "pattern": _ONE_LINE, "description": "where it is published"}}},
}
