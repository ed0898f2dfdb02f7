"""JSON shapes of the risk API (API.md: GET /suppliers/{id}/risk, GET /risk)."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, PAGE_QUERY
from risk.weights import BANDS

_NUM = {"type": "number", "minimum": 0, "maximum": 100}
_BAND = {"type": "string", "enum": list(BANDS)}
_NULLABLE_INT = {"type": ["integer", "null"]}
EVIDENCE = {"type": "object", "required": ["kind", "text"], "properties": {
    "kind": {"type": "string", "enum": ["dataset", "supplier", "finding", "audit", "fee",
                                        "signal", "assignment", "grievance",
                                        "screening"]},
    "id": _NULLABLE_INT, "row": {"type": "integer"}, "text": {"type": "string"},
    "audit_id": {"type": "integer"}, "assignment_id": {"type": "integer"},
    "anchor": {"type": "string"},
    "list_id": {"type": "integer"}, "edition_id": {"type": "integer"},
    "entry_id": {"type": "integer"},
    "url": {"type": ["string", "null"]}}}
FACTOR = {"type": "object", "required": ["code", "label", "points", "evidence"], "properties": {
    "code": {"type": "string"}, "label": {"type": "string"},
    "points": {"type": "number", "minimum": 0},
    "evidence": {"type": "array", "items": EVIDENCE},
    "lower": {"type": ["string", "null"]}, "lowers_by": {"type": ["number", "null"]}}}
EDITION = {"type": "object", "required": ["id", "dataset", "edition", "title"], "properties": {
    "id": INT_ID, "dataset": {"type": "string"}, "edition": {"type": "string"},
    "title": {"type": "string"}, "source": {"type": "string"},
    "retrieved_on": {"type": ["string", "null"], "format": "date"},
    "sha256": {"type": "string"}, "current": {"type": "boolean"}}}

SCHEMAS: dict[str, dict[str, Any]] = {
    "SupplierRisk": {"type": "object", "required": [
        "supplier_id", "score", "band", "factors", "inherited", "method_version",
        "data_editions"], "properties": {
        "supplier_id": INT_ID,
        "score": {"anyOf": [_NUM, {"type": "null"}],
                  "description": "null until the first recompute"},
        "band": {"anyOf": [_BAND, {"type": "null"}]},
        "own_score": {"anyOf": [_NUM, {"type": "null"}]},
        "factors": {"type": "array", "items": FACTOR},
        "inherited": {"type": "object", "required": ["score", "from_supplier_id", "path"],
                      "properties": {
                          "score": _NUM, "from_supplier_id": _NULLABLE_INT,
                          "path": {"type": "array", "items": INT_ID,
                                   "description": "supplier ids from the one it inherits "
                                                  "from down to this supplier"}}},
        "method_version": {"type": ["string", "null"]},
        "data_editions": {"type": "object", "additionalProperties": EDITION},
        "computed_at": {"type": ["string", "null"], "format": "date-time"}}},
    "RiskItem": {"type": "object", "required": ["supplier_id", "name", "score", "band"],
                 "properties": {
                     "supplier_id": INT_ID, "name": {"type": "string"},
                     "country": {"type": "string"}, "kind": {"type": "string"},
                     "tier": _NULLABLE_INT, "score": _NUM, "band": _BAND,
                     "main_factors": {"type": "array", "items": {
                         "type": "object", "properties": {"label": {"type": "string"},
                                                          "points": {"type": "number"}}}},
                     "inherited_from_id": _NULLABLE_INT}},
    "RiskFilters": {"type": "object", "properties": {
        "band": {"type": "string", "enum": [*BANDS, ""]},
        "country": {"type": "string", "anyOf": [{"type": "string", "maxLength": 0},
                                                {"format": "country"}], "maxLength": 100},
        "tier": {"anyOf": [INT_ID, {"type": "string", "enum": ["none", ""]}],
                 "description": "a tier, or none for suppliers not connected"},
        **PAGE_QUERY}},
}
SCHEMAS["RiskList"] = {"type": "object", "required": ["items", "total", "page", "per_page"],
                       "properties": {"items": {"type": "array", "items": SCHEMAS["RiskItem"]},
                                      "total": {"type": "integer"},
                                      "page": {"type": "integer"},
                                      "per_page": {"type": "integer"}}}
