"""JSON shapes of the duplicate review API (API.md: GET /api/v1/suppliers/duplicates and
POST /api/v1/suppliers/{id}/merge)."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, NO_NUL, PAGE_QUERY
from suppliers.queries_duplicates import STATUSES
from suppliers.schemas import OPENAPI_SCHEMAS as SUPPLIER_SCHEMAS
from suppliers.schemas import RISK

_TEXT = {"type": ["string", "null"]}
EVIDENCE = {
    "type": "object",
    "required": ["id", "name", "latin_name", "country", "address", "products", "identifiers",
                 "tier", "risk", "relationships", "references", "archived"],
    "description": "one record of the pair, with what points at it",
    "properties": {
        "id": INT_ID, "external_id": _TEXT, "name": {"type": "string"}, "latin_name": _TEXT,
        "country": {"type": "string"}, "kind": {"type": "string"}, "address": _TEXT,
        "products": {"type": "array", "items": {"type": "string"}},
        "identifiers": {"type": "object", "properties": {
            k: _TEXT for k in ("os_id", "lei", "duns")}},
        "tier": {"type": ["integer", "null"]}, "archived": {"type": "boolean"}, "risk": RISK,
        "relationships": {"type": "integer", "minimum": 0,
                          "description": "relationships in which it is supplier or customer"},
        "references": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "records of other packages that point at it, by kind "
                                      '(e.g. "questionnaires", "audits and fee entries")'},
    },
}
PAIR = {
    "type": "object",
    "required": ["id", "score", "certain", "reasons", "status", "found_at", "suppliers"],
    "properties": {
        "id": INT_ID,
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "certain": {"type": "boolean", "description": "an identifier in common"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "string", "enum": list(STATUSES)},
        "found_at": {"type": ["string", "null"], "format": "date-time"},
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
        "note": _TEXT,
        "suppliers": {"type": "array", "items": EVIDENCE, "minItems": 2, "maxItems": 2,
                      "description": "the two records, lower id first"},
    },
}
_NOTE = {"type": ["string", "null"], "maxLength": 1000, "pattern": NO_NUL}

OPENAPI_SCHEMAS: dict[str, dict[str, Any]] = {
    "DuplicatePair": PAIR,
    "DuplicateFilters": {"type": "object", "properties": {
        "status": {"type": "string", "enum": list(STATUSES), "default": "open"},
        **PAGE_QUERY}},
    "MergeInput": {"type": "object", "required": ["duplicate_id"],
                   "additionalProperties": False, "properties": {
                       "duplicate_id": INT_ID | {
                           "description": "the supplier merged into this one, then archived"}}},
    "MergeResult": {
        "type": "object", "required": ["supplier", "moved", "relationships_dropped"],
        "properties": {
            "supplier": SUPPLIER_SCHEMAS["Supplier"],
            "moved": {"type": "object", "additionalProperties": {"type": "integer"},
                      "description": 'what moved onto it, by kind: "relationships", '
                                     '"questionnaire assignments", "audits", ...'},
            "relationships_dropped": {
                "type": "integer", "minimum": 0,
                "description": "edges the merge made redundant (self-loops, duplicates)"},
            "fields_taken": {"type": "array", "items": {"type": "string"}}}},
    "DismissInput": {"type": "object", "additionalProperties": False,
                     "properties": {"note": _NOTE}},
}
