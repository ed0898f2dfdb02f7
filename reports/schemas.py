"""JSON shapes of the statements API (API.md: /statements); the report and registry shapes
live beside their routes' modules and are merged in shell.py."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, NO_NUL, PAGE_QUERY
from reports.models import FRAMEWORK_KEYS, STATEMENT_STATUSES

_DATE = {"type": "string", "format": "date"}
_NULL_DATE = {"type": ["string", "null"], "format": "date"}
_TEXT = {"type": "string", "pattern": NO_NUL}
FIGURE = {"type": "object", "required": ["key", "label", "value"], "properties": {
    "key": {"type": "string"}, "label": {"type": "string"},
    "value": {"type": ["number", "string", "null"]}, "unit": {"type": ["string", "null"]},
    "href": {"type": ["string", "null"], "description": "the page listing the records behind "
                                                        "the figure"}}}
CRITERION = {"type": "object", "required": ["key", "title", "reference", "covered", "missing"],
             "properties": {
                 "key": {"type": "string"}, "title": {"type": "string"},
                 "reference": {"type": "string"}, "covered": {"type": "boolean"},
                 "missing": {"type": "array", "items": {"type": "string"}},
                 "field": {"type": "string", "description": "the input that covers it"}}}
SECTION = {"type": "object", "required": ["key", "title", "reference", "text", "figures"],
           "properties": {
               "key": {"type": "string"}, "title": {"type": "string"},
               "reference": {"type": "string"}, "guidance": {"type": "string"},
               "text": {"type": "string"}, "figures": {"type": "array", "items": FIGURE}}}

STATEMENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "Statement": {"type": "object", "required": [
        "id", "framework", "period_start", "period_end", "sections", "status"], "properties": {
        "id": INT_ID, "framework": {"type": "string", "enum": list(FRAMEWORK_KEYS)},
        "framework_name": {"type": "string"}, "jurisdiction": {"type": "string"},
        "period_start": _DATE, "period_end": _DATE, "title": {"type": "string"},
        "sections": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "section key -> text"},
        "sections_detail": {"type": "array", "items": SECTION},
        "approved_by": {"type": "string"}, "approval_date": _NULL_DATE,
        "signatory": {"type": "string"}, "signatory_role": {"type": "string"},
        "status": {"type": "string", "enum": list(STATEMENT_STATUSES)},
        "version": {"type": "integer"}, "supersedes_id": {"type": ["integer", "null"]},
        "superseded_by_id": {"type": ["integer", "null"]},
        "lock_version": {"type": "integer"},
        "completeness": {"type": "array", "items": CRITERION},
        "complete": {"type": "boolean"},
        "filed_at": {"type": ["string", "null"], "format": "date-time"},
        "sha256": {"type": ["string", "null"]},
        "evidence": {"type": "object", "properties": {
            "id": INT_ID, "gathered_at": {"type": ["string", "null"]}}},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"}}},
    "StatementInput": {"type": "object", "required": ["framework", "period_start", "period_end"],
                       "additionalProperties": False, "properties": {
        "framework": {"type": "string", "enum": list(FRAMEWORK_KEYS)},
        "period_start": _DATE, "period_end": _DATE,
        "title": {**_TEXT, "maxLength": 300}}},
    "StatementPatch": {"type": "object", "additionalProperties": False, "properties": {
        "title": {**_TEXT, "maxLength": 300},
        "sections": {"type": "object", "additionalProperties": {**_TEXT, "maxLength": 20000}},
        "approved_by": {**_TEXT, "maxLength": 300},
        "approval_date": {"anyOf": [_DATE, {"type": "null"}, {"const": ""}],
                          "description": "null or \"\" clears it"},
        "signatory": {**_TEXT, "maxLength": 200},
        "signatory_role": {**_TEXT, "maxLength": 200},
        "lock_version": {**INT_ID, "description": "the version you read; a stale one is 409"}}},
    "StatementFilters": {"type": "object", "properties": {
        **PAGE_QUERY,
        "framework": {"type": "string", "enum": [*FRAMEWORK_KEYS, ""]},
        "status": {"type": "string", "enum": [*STATEMENT_STATUSES, ""]}}},
}
