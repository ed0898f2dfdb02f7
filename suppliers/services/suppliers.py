"""Creating, editing, archiving, restoring and purging suppliers.

Suppliers are archived, not deleted: an archived supplier keeps its history and its edges but
leaves lists, the network and tier computation, and can be restored. A purge (hard delete) is
for admins and refuses while any record points at the supplier: its relationships, and the
records of later packages, which register a `ReferenceCounter` (app/registry.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import signals
from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, ValidationFailed
from app.registry import ReferenceCounter
from suppliers.identifiers import validate_email
from suppliers.importer import validate_supplier_values
from suppliers.models import Supplier
from suppliers.services.network import refresh_tiers

# The supplier's own fields (not the relationship columns of the import file).
SUPPLIER_FIELDS = (
    "external_id", "name", "latin_name", "country", "kind", "sector", "products", "address",
    "workers", "migrant_workers", "female_workers", "os_id", "lei", "duns",
)
UNIQUE_FIELDS = (("external_id", "external ID"), ("os_id", "OS ID"), ("lei", "LEI"),
                 ("duns", "DUNS number"))
# Set through forms and the API only, never through the spreadsheets (whose columns are
# SUPPLIER_FIELDS): a contact address is not for lists passed around in files.
CONTACT_FIELDS = ("contact_email",)


def clean_contact_email(value: Any, field: str = "contact_email") -> str | None:
    """A contact address, lower-cased; None or blank clears it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return validate_email(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc), [{"field": field, "message": str(exc)}]) from None


def _clean_contact(values: dict[str, Any]) -> dict[str, Any]:
    return {f: clean_contact_email(values[f], f) for f in CONTACT_FIELDS if f in values}


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
            select(Supplier.id, Supplier.name, Supplier.archived_at).where(
                Supplier.org_id == org_id, column == value,
                Supplier.id != (exclude_id or 0),
            )
        ).first()
        if clash:
            archived = " (archived: restore it instead)" if clash.archived_at else ""
            raise Conflict(
                f'The {label} {value} already belongs to "{clash.name}"{archived}.',
                [{"field": field, "message": f"Already used by supplier {clash.id}."}],
            )


def create_supplier(session: Session, *, org_id: int, actor: Any, values: dict) -> Supplier:
    cleaned = clean_supplier_input(values) | _clean_contact(values)
    _check_unique(session, org_id, cleaned, None)
    supplier = Supplier(org_id=org_id, name_key=cleaned["name"].casefold(), **cleaned)
    session.add(supplier)
    session.flush()
    record(
        session, org_id=org_id, actor=actor, action="supplier.created", obj=supplier,
        object_type="supplier", summary=f"{supplier.name} ({supplier.country})",
    )
    signals.queue(session, signals.supplier_created, "suppliers",
                  org_id=org_id, supplier_id=supplier.id)
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
    cleaned = clean_supplier_input(values, base=supplier) | _clean_contact(values)
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
    signals.queue(session, signals.supplier_changed, "suppliers", org_id=supplier.org_id,
                  supplier_id=supplier.id, changed=sorted(changed))
    return supplier


def archive_supplier(session: Session, supplier: Supplier, *, actor: Any) -> Supplier:
    """Hide the supplier from lists, the network and tiers; keep it, its history and edges."""
    return _set_archived(session, supplier, actor=actor, archived=True)


def restore_supplier(session: Session, supplier: Supplier, *, actor: Any) -> Supplier:
    """Bring an archived supplier back, with the edges it kept."""
    return _set_archived(session, supplier, actor=actor, archived=False)


def _set_archived(session: Session, supplier: Supplier, *, actor: Any, archived: bool
                  ) -> Supplier:
    if (supplier.archived_at is not None) == archived:
        return supplier
    supplier.archived_at = utcnow() if archived else None
    if archived:
        supplier.tier = None  # tier computation ignores it from now on
    session.flush()
    action = "archived" if archived else "restored"
    record(
        session, org_id=supplier.org_id, actor=actor, action=f"supplier.{action}",
        obj=supplier, object_type="supplier", summary=supplier.name,
    )
    refresh_tiers(session, supplier.org_id)
    signal = signals.supplier_archived if archived else signals.supplier_restored
    signals.queue(session, signal, "suppliers", org_id=supplier.org_id, supplier_id=supplier.id)
    return supplier
    supplier.archived_at = None
    session.flush()
    record(
        session, org_id=supplier.org_id, actor=actor, action="supplier.restored", obj=supplier,
        object_type="supplier", summary=supplier.name,
    )
    refresh_tiers(session, supplier.org_id)
    signals.queue(session, signals.supplier_restored, "suppliers",
                  org_id=supplier.org_id, supplier_id=supplier.id)
    return supplier


def references(
    session: Session, supplier: Supplier, counters: list[ReferenceCounter]
) -> list[tuple[str, int]]:
    """(label, count) of every kind of record that still points at the supplier."""
    found = []
    for counter in counters:
        n = counter.count(session, supplier.org_id, supplier.id)
        if n:
            found.append((counter.label, n))
    return found


def purge_supplier(
    session: Session, supplier: Supplier, *, actor: Any, counters: list[ReferenceCounter]
) -> None:
    """Delete the supplier for good; Conflict (naming them) while records point at it."""
    pointing = references(session, supplier, counters)
    if pointing:
        listed = ", ".join(f"{n} {label}" for label, n in pointing)
        raise Conflict(
            f"{supplier.name} cannot be purged while records point at it: {listed}. "
            "Archive it instead.",
            [{"field": label, "message": f"{n} {label} point at this supplier"}
             for label, n in pointing],
        )
    org_id, name, supplier_id = supplier.org_id, supplier.name, supplier.id
    session.delete(supplier)
    session.flush()
    record(
        session, org_id=org_id, actor=actor, action="supplier.purged",
        object_type="supplier", object_id=supplier_id, summary=name,
    )
    signals.queue(session, signals.supplier_purged, "suppliers",
                  org_id=org_id, supplier_id=supplier_id)


def delete_supplier(session: Session, supplier: Supplier, *, actor: Any) -> Supplier:
    """What DELETE /api/v1/suppliers/{id} and the delete page do: archive (see module doc)."""
    return archive_supplier(session, supplier, actor=actor)
