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
