"""Creating, editing and deleting suppliers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.errors import Conflict, ValidationFailed
from suppliers.importer import validate_supplier_values
from suppliers.models import Supplier
from suppliers.services.network import refresh_tiers

# The supplier's own fields (not the relationship columns of the import file).
SUPPLIER_FIELDS = (
    "external_id", "name", "country", "kind", "sector", "products", "address",
    "workers", "migrant_workers", "female_workers", "os_id", "lei", "duns",
)
UNIQUE_FIELDS = (("external_id", "external ID"), ("os_id", "OS ID"), ("lei", "LEI"),
                 ("duns", "DUNS number"))


def clean_supplier_input(values: dict[str, Any], *, base: Supplier | None = None) -> dict:
    """Validate a whole supplier record (for PATCH, `base` supplies the fields not given)."""
    merged = {f: getattr(base, f) for f in SUPPLIER_FIELDS} if base is not None else {}
    merged.update({k: v for k, v in values.items() if k in SUPPLIER_FIELDS})
    cleaned, errors = validate_supplier_values(merged)
    if errors:
        raise ValidationFailed(
            errors[0].message,
            [{"field": e.column, "message": e.message} for e in errors],
        )
    return {f: cleaned[f] for f in SUPPLIER_FIELDS}


def _check_unique(session: Session, org_id: int, values: dict, exclude_id: int | None) -> None:
    for field, label in UNIQUE_FIELDS:
        value = values.get(field)
        if value is None:
            continue
        column = getattr(Supplier, field)
        clash = session.execute(
            select(Supplier.id, Supplier.name).where(
                Supplier.org_id == org_id, column == value,
                Supplier.id != (exclude_id or 0),
            )
        ).first()
        if clash:
            raise Conflict(
                f'The {label} {value} already belongs to "{clash.name}".',
                [{"field": field, "message": f"Already used by supplier {clash.id}."}],
            )


def create_supplier(session: Session, *, org_id: int, actor: Any, values: dict) -> Supplier:
    cleaned = clean_supplier_input(values)
    _check_unique(session, org_id, cleaned, None)
    supplier = Supplier(org_id=org_id, name_key=cleaned["name"].casefold(), **cleaned)
    session.add(supplier)
    session.flush()
    record(
        session, org_id=org_id, actor=actor, action="supplier.created", obj=supplier,
        object_type="supplier", summary=f"{supplier.name} ({supplier.country})",
    )
    return supplier


def update_supplier(
    session: Session, supplier: Supplier, *, actor: Any, values: dict,
    expected_version: int | None = None,
) -> Supplier:
    if expected_version is not None and expected_version != supplier.version:
        raise Conflict(
            "Someone else changed this supplier since you opened it. Reload and try again.",
            [{"field": "version", "message": f"current version is {supplier.version}"}],
        )
    cleaned = clean_supplier_input(values, base=supplier)
    _check_unique(session, supplier.org_id, cleaned, supplier.id)
    changed = {
        field: [getattr(supplier, field), value]
        for field, value in cleaned.items()
        if getattr(supplier, field) != value
    }
    if not changed:
        return supplier
    for field, (_old, new) in changed.items():
        setattr(supplier, field, new)
    supplier.name_key = supplier.name.casefold()
    session.flush()  # the version column raises StaleDataError on a concurrent edit
    record(
        session, org_id=supplier.org_id, actor=actor, action="supplier.updated", obj=supplier,
        object_type="supplier", summary=supplier.name,
        details={"changed": {k: [str(o), str(n)] for k, (o, n) in changed.items()}},
    )
    return supplier


def delete_supplier(session: Session, supplier: Supplier, *, actor: Any) -> None:
    org_id, name, supplier_id = supplier.org_id, supplier.name, supplier.id
    session.delete(supplier)  # its relationships go with it (ON DELETE CASCADE)
    session.flush()
    record(
        session, org_id=org_id, actor=actor, action="supplier.deleted",
        object_type="supplier", object_id=supplier_id, summary=name,
    )
    refresh_tiers(session, org_id)
