"""JSON shapes of the supplier API (API.md): field names here are a promise to integrators.

Each resource is written once, as an ApiResource: its JSON Schema validates what the API
accepts, `dump` writes what it answers, and the OpenAPI document is built from both.
"""

from __future__ import annotations

from typing import Any

from app.apischema import (
    INT_ID,
    MAX_INT,
    NO_NUL,
    PAGE_QUERY,
    SPACE,
    ApiResource,
    register_format,
)
from app.errors import ValidationFailed
from suppliers.connections import Connection
from suppliers.countries import normalise_country
from suppliers.identifiers import validate_duns, validate_email, validate_lei, validate_os_id
from suppliers.kinds import RELATIONSHIP_KINDS, SUPPLIER_KINDS
from suppliers.models import RISK_BANDS, Relationship, Supplier
from suppliers.queries import SORTS

IDENTIFIER_FIELDS = ("os_id", "lei", "duns")
MAX_WORKERS = 10_000_000  # as suppliers/importer.py


# Rules JSON Schema cannot spell as a pattern, checked by the same functions as the importer.
register_format("country", normalise_country)
register_format("lei", validate_lei)  # null, not "", for none
register_format("duns", validate_duns)
register_format("os-id", validate_os_id)
register_format("email", validate_email)


def _text(limit: int, description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"], "maxLength": limit, "pattern": NO_NUL}
    return schema | ({"description": description} if description else {})


_SPACE = SPACE
_COUNT = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_WORKERS}
_KIND = {"type": "string", "enum": list(SUPPLIER_KINDS)}
_EDGE_KIND = {"type": "string", "enum": list(RELATIONSHIP_KINDS)}
_BAND = {"type": "string", "enum": list(RISK_BANDS)}
RISK = {
    "type": ["object", "null"], "required": ["score", "band"], "additionalProperties": False,
    "description": "null until the supplier has been scored",
    "properties": {"score": {"type": "number", "minimum": 0, "maximum": 100}, "band": _BAND},
}
_COUNTRY_IN = {"type": "string", "format": "country", "maxLength": 100,
               "description": "ISO 3166-1 alpha-2 or alpha-3 code, or an English name",
               "examples": ["VN", "VNM", "Viet Nam"]}
_IDENT_IN = {
    "type": ["object", "null"], "additionalProperties": False,
    "properties": {
        "os_id": {"type": ["string", "null"], "format": "os-id", "maxLength": 40,
                  "description": 'Open Supply Hub ID, such as "CN2019303BQ3FZP"'},
        "lei": {"type": ["string", "null"], "format": "lei", "maxLength": 40,
                "description": "ISO 17442 LEI, check digits verified"},
        "duns": {"type": ["string", "null"], "format": "duns", "maxLength": 40,
                 "description": 'D-U-N-S number: 9 digits, such as "15-048-3782"'},
    },
}
_WORKERS_NOTE = "not more than workers"
_EMAIL_IN = {"type": "string", "format": "email", "maxLength": 254, "pattern": NO_NUL,
             "examples": ["compliance@saigonstitch.example"]}
CONNECTION = {
    "type": "object", "required": ["status", "organization", "email"],
    "description": "the record's link to a supplier organisation on Tierlight: none, pending "
                   "(an invitation is open) or connected",
    "properties": {
        "status": {"type": "string", "enum": ["none", "pending", "connected"]},
        "organization": {"type": ["object", "null"], "required": ["id", "name"],
                         "properties": {"id": INT_ID, "name": {"type": "string"}}},
        "email": {"type": ["string", "null"],
                  "description": "who was invited while pending; else the contact"},
        "connected_at": {"type": ["string", "null"], "format": "date-time"},
        "expires_at": {"type": ["string", "null"], "format": "date-time",
                       "description": "when the open invitation expires"},
    },
}


def _risk(s: Any) -> dict[str, Any] | None:
    score, band = (s[0], s[1]) if isinstance(s, tuple) else (s.risk_score, s.risk_band)
    return None if score is None else {"score": score, "band": band}


SUPPLIER = ApiResource(
    "Supplier",
    properties={
        "id": INT_ID,
        "external_id": _text(100, "your own reference, unique in your network"),
        "name": {"type": "string", "maxLength": 300},
        "latin_name": _text(300, "the name in Latin letters, for a name written in another "
                                 "script (screening and duplicate detection compare both)"),
        "country": {"type": "string", "pattern": "^[A-Z]{2}$",
                    "description": "ISO 3166-1 alpha-2"},
        "kind": _KIND,
        "sector": _text(200),
        "products": {"type": "array", "items": {"type": "string"}},
        "address": _text(500),
        "workers": _COUNT,
        "migrant_workers": _COUNT | {"description": _WORKERS_NOTE},
        "female_workers": _COUNT | {"description": _WORKERS_NOTE},
        "identifiers": {"type": "object", "required": list(IDENTIFIER_FIELDS),
                        "properties": {k: {"type": ["string", "null"]}
                                       for k in IDENTIFIER_FIELDS}},
        "tier": {"type": ["integer", "null"], "minimum": 1,
                 "description": "shortest distance to your company; null when not connected"},
        "risk": RISK,
        "contact_email": {"type": ["string", "null"], "maxLength": 254,
                          "description": "the supplier's contact; a connection invitation "
                                         "sets it"},
        "connection": CONNECTION,
        "version": INT_ID | {"description": "send it back with PATCH to refuse stale edits"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
    },
    read_only=("id", "tier", "risk", "connection", "updated_at"),
    required=("name", "country"),
    computed={
        "products": lambda s: list(s.products or []),
        "identifiers": lambda s: {k: getattr(s, k) for k in IDENTIFIER_FIELDS},
        "risk": _risk,
        "connection": lambda s: None,  # filled in by supplier_json (it needs a query)
        "updated_at": lambda s: s.updated_at.isoformat() if s.updated_at else None,
    },
    inputs={
        # At least one character that survives the importer's cleaning (clean_text drops
        # control characters, strips space, and removes the "'" our exports put first).
        "name": {"type": "string", "maxLength": 300,
                 "pattern": f"^[^\\x00]*[^{_SPACE}\\x00-\\x1f\\x7f-\\x9f'][^\\x00]*$",
                 "description": "not blank"},
        "country": _COUNTRY_IN,
        "kind": {"type": ["string", "null"], "enum": [*SUPPLIER_KINDS, None],
                 "description": "null means other"},
        "products": {"type": ["array", "null"], "maxItems": 100,
                     "items": {"type": "string", "maxLength": 200, "pattern": NO_NUL},
                     "description": 'each item may hold several products separated by ";"'},
        "identifiers": _IDENT_IN,
        "contact_email": {"type": ["string", "null"], "maxLength": 254, "pattern": NO_NUL,
                          "anyOf": [{"format": "email"},
                                    {"type": "string", "pattern": f"^[{_SPACE}]*$"}],
                          "description": "null (or blank) clears it"},
    },
)

RELATIONSHIP = ApiResource(
    "Relationship",
    properties={
        "id": INT_ID,
        "supplier_id": INT_ID | {"description": "the upstream supplier"},
        "customer_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_INT,
                        "description": "the supplier it sells to; null = our company"},
        "kind": _EDGE_KIND,
        "product": _text(200),
    },
    read_only=("id",),
    required=("supplier_id",),
    inputs={"kind": _EDGE_KIND | {"default": "goods"}},
)

NODE = {"type": "object", "required": ["id", "external_id", "name", "country", "kind", "tier",
                                       "risk"],
        "properties": {k: SUPPLIER.properties[k] for k in
                       ("id", "external_id", "name", "country", "kind", "tier", "risk")}}
EDGE = {"type": "object", "required": ["id", "source", "target", "kind", "product"],
        "properties": {"id": INT_ID, "source": INT_ID,
                       "target": {"type": ["integer", "null"], "description": "null = our company"},
                       "kind": _EDGE_KIND, "product": _text(200)}}
_SUPPLIER_REF = {"type": "object", "required": ["id", "name", "country"], "properties": {
    "id": INT_ID, "name": {"type": "string"}, "country": {"type": "string"}}}
_BLANK = {"type": "string", "pattern": f"^[{_SPACE}]*$"}

OPENAPI_SCHEMAS: dict[str, dict[str, Any]] = {
    "Supplier": SUPPLIER.schema(),
    "SupplierInput": SUPPLIER.input_schema(),
    "SupplierPatch": SUPPLIER.input_schema(partial=True),
    "Relationship": RELATIONSHIP.schema(),
    "RelationshipInput": RELATIONSHIP.input_schema(),
    "Network": {"type": "object", "required": ["nodes", "edges"], "properties": {
        "nodes": {"type": "array", "items": NODE}, "edges": {"type": "array", "items": EDGE}}},
    "Paths": {"type": "object", "required": ["paths", "truncated", "message"], "properties": {
        "paths": {"type": "array", "items": {"type": "array", "items": INT_ID}},
        "truncated": {"type": "boolean"}, "message": _text(500)}},
    "Loops": {"type": "object", "required": ["loops"], "properties": {
        "loops": {"type": "array", "items": {"type": "array", "items": _SUPPLIER_REF}}}},
    "ImportResult": {"type": "object", "required": ["rows", "created", "updated"], "properties": {
        k: {"type": "integer", "minimum": 0} for k in
        ("rows", "created", "updated", "unchanged", "relationships_created")} | {
        "dry_run": {"type": "boolean"},
        "notes": {"type": "array", "items": {"type": "string"}}}},
    "SupplierFilters": {"type": "object", "properties": {
        "q": {"type": "string", "maxLength": 200, "pattern": NO_NUL,
              "description": "part of the name or external ID, or an exact OS ID"},
        "country": {"type": "string", "anyOf": [_BLANK, {"format": "country"}],
                    "maxLength": 100},
        "kind": {"type": "string", "enum": [*SUPPLIER_KINDS, ""]},
        "tier": {"anyOf": [INT_ID, {"type": "string", "enum": ["none", ""]}],
                 "description": "a tier, or none for suppliers not connected"},
        "band": {"type": "string", "enum": [*RISK_BANDS, ""]},
        "sort": {"type": "string", "enum": [p + s for s in SORTS for p in ("", "-")]},
        **PAGE_QUERY}},
    "RelationshipFilters": {"type": "object", "properties": {
        "supplier_id": INT_ID, "customer_id": INT_ID, **PAGE_QUERY}},
    "NetworkQuery": {"type": "object", "properties": {
        "max_tier": INT_ID | {"description": "keep tiers 1 to max_tier"},
        "limit": INT_ID | {"description": "keep this many nodes, nearest tiers first"}}},
    "ExportQuery": {"type": "object", "properties": {
        "format": {"type": "string", "enum": ["xlsx", "csv"], "default": "xlsx"}}},
    "ImportQuery": {"type": "object", "properties": {
        "dry_run": {"type": "boolean", "default": False, "description": "validate only"}}},
    "ConnectionInput": {"type": "object", "required": ["email"], "additionalProperties": False,
                        "properties": {"email": _EMAIL_IN}},
    "ConnectionInvitation": {
        "type": "object", "required": ["status", "email", "expires_at"], "properties": {
            "status": {"type": "string", "enum": ["pending"]},
            "email": {"type": "string"},
            "expires_at": {"type": "string", "format": "date-time"}}},
}

def supplier_json(s: Supplier, connection: Connection) -> dict[str, Any]:
    """The supplier as the API answers it; `connection` from suppliers.connections (one
    query for a whole page of suppliers)."""
    return SUPPLIER.dump(s) | {"connection": connection.as_json()}


def relationship_json(r: Relationship) -> dict[str, Any]:
    return RELATIONSHIP.dump(r)


def supplier_input(body: dict[str, Any]) -> dict[str, Any]:
    """A validated SupplierInput/SupplierPatch body as service values (identifiers flattened,
    read-only fields dropped)."""
    values = {k: v for k, v in body.items()
              if k not in SUPPLIER.read_only and k not in ("identifiers", "version")}
    identifiers = body.get("identifiers") or {}
    if not isinstance(identifiers, dict):  # validated already; this guards direct callers
        raise ValidationFailed("identifiers must be an object.",
                               [{"field": "identifiers", "message": "must be an object"}])
    values.update(identifiers)
    return values
