"""JSON shapes of the supplier API (API.md): field names here are a promise to integrators."""

from __future__ import annotations

from typing import Any

from app.errors import ValidationFailed
from suppliers.models import Relationship, Supplier
from suppliers.services import SUPPLIER_FIELDS

READ_ONLY = {"id", "tier", "risk", "created_at", "updated_at", "version"}
IDENTIFIER_FIELDS = ("os_id", "lei", "duns")


def supplier_json(s: Supplier) -> dict[str, Any]:
    return {
        "id": s.id,
        "external_id": s.external_id,
        "name": s.name,
        "country": s.country,
        "kind": s.kind,
        "sector": s.sector,
        "products": list(s.products or []),
        "address": s.address,
        "workers": s.workers,
        "migrant_workers": s.migrant_workers,
        "female_workers": s.female_workers,
        "identifiers": {"os_id": s.os_id, "lei": s.lei, "duns": s.duns},
        "tier": s.tier,
        "risk": None,  # filled in by the risk package once it scores suppliers
        "version": s.version,
        "updated_at": s.updated_at.isoformat() if s.updated_at else None,
    }


def supplier_input(body: dict[str, Any]) -> dict[str, Any]:
    """Flatten `identifiers` and refuse unknown fields, naming them."""
    values: dict[str, Any] = {}
    unknown = []
    for key, value in body.items():
        if key == "identifiers":
            if value is None:
                value = {}
            if not isinstance(value, dict):
                raise ValidationFailed(
                    "identifiers must be an object.",
                    [{"field": "identifiers", "message": "must be an object"}],
                )
            for ident, ident_value in value.items():
                if ident not in IDENTIFIER_FIELDS:
                    unknown.append(f"identifiers.{ident}")
                else:
                    values[ident] = ident_value
        elif key in SUPPLIER_FIELDS:
            values[key] = value
        elif key not in READ_ONLY:
            unknown.append(key)
    if unknown:
        raise ValidationFailed(
            f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            [{"field": f, "message": "unknown field"} for f in unknown],
        )
    if "products" in values and not isinstance(values["products"], list | type(None)):
        raise ValidationFailed(
            "products must be a list of strings.",
            [{"field": "products", "message": "must be a list of strings"}],
        )
    return values


def relationship_json(r: Relationship) -> dict[str, Any]:
    return {
        "id": r.id,
        "supplier_id": r.supplier_id,
        "customer_id": r.customer_id,
        "kind": r.kind,
        "product": r.product,
    }


_ID = {"type": "integer"}
_TEXT = {"type": ["string", "null"]}
_COUNT = {"type": ["integer", "null"], "minimum": 0}
KINDS_ENUM = {"type": "string", "enum": ["manufacturer", "processor", "raw_material", "farm",
                                         "mine", "recruitment_agency", "labour_provider",
                                         "logistics", "trader", "other"]}
EDGE_KIND = {"type": "string", "enum": ["goods", "labour", "services"]}
NODE = {"type": "object", "properties": {
    "id": _ID, "external_id": _TEXT, "name": {"type": "string"},
    "country": {"type": "string"}, "kind": KINDS_ENUM, "tier": {"type": ["integer", "null"]},
    "risk": {"type": ["object", "null"]}}}
EDGE = {"type": "object", "properties": {
    "id": _ID, "source": _ID, "target": {"type": ["integer", "null"]}, "kind": EDGE_KIND,
    "product": _TEXT}}

OPENAPI_SCHEMAS = {
    "Supplier": {
        "type": "object",
        "required": ["name", "country"],
        "properties": {
            "id": {**_ID, "readOnly": True}, "external_id": _TEXT,
            "name": {"type": "string", "maxLength": 300},
            "country": {"type": "string", "description":
                        "ISO 3166-1 alpha-2 out; alpha-2, alpha-3 or an English name in"},
            "kind": KINDS_ENUM, "sector": _TEXT,
            "products": {"type": "array", "items": {"type": "string"}}, "address": _TEXT,
            "workers": _COUNT, "migrant_workers": _COUNT, "female_workers": _COUNT,
            "identifiers": {"type": "object", "properties": {
                "os_id": _TEXT, "lei": _TEXT, "duns": _TEXT}},
            "tier": {"type": ["integer", "null"], "readOnly": True},
            "risk": {"type": ["object", "null"], "readOnly": True},
            "version": {**_ID, "description": "send it back with PATCH to refuse stale edits"},
        },
    },
    "Relationship": {"type": "object", "properties": {
        "id": {**_ID, "readOnly": True}, "supplier_id": _ID,
        "customer_id": {"type": ["integer", "null"], "description": "null = our company"},
        "kind": EDGE_KIND, "product": _TEXT}},
    "Network": {"type": "object", "properties": {
        "nodes": {"type": "array", "items": NODE}, "edges": {"type": "array", "items": EDGE}}},
    "Paths": {"type": "object", "properties": {
        "paths": {"type": "array", "items": {"type": "array", "items": _ID}},
        "truncated": {"type": "boolean"}, "message": _TEXT}},
    "ImportResult": {"type": "object", "properties": {
        "rows": _ID, "created": _ID, "updated": _ID, "unchanged": _ID,
        "relationships_created": _ID, "dry_run": {"type": "boolean"},
        "notes": {"type": "array", "items": {"type": "string"}}}},
}
