"""Merging a duplicate supplier into the record that is kept.

The duplicate's relationships move to the kept supplier (an edge the kept one already has, or
one that would make it supply itself, is dropped as redundant and listed in the activity log),
fields the kept supplier lacks are copied over, and the duplicate is archived, not deleted, so
its history stays. Other packages repoint their own records on `supplier_merged`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import signals
from app.activity.services import record
from app.errors import ValidationFailed
from suppliers.models import Relationship, Supplier
from suppliers.services.network import refresh_tiers
from suppliers.services.suppliers import SUPPLIER_FIELDS, UNIQUE_FIELDS, archive_supplier


def merge_suppliers(
    session: Session, keep: Supplier, duplicate: Supplier, *, actor: Any
) -> Supplier:
    if duplicate.id == keep.id or duplicate.org_id != keep.org_id:
        raise ValidationFailed("Choose another supplier of your network to merge.",
                               [{"field": "duplicate", "message": "not a different supplier"}])
    if keep.archived_at is not None or duplicate.archived_at is not None:
        raise ValidationFailed("Restore archived suppliers before merging them.",
                               [{"field": "duplicate", "message": "archived"}])
    org_id = keep.org_id
    edges = session.scalars(select(Relationship).where(
        Relationship.org_id == org_id,
        or_(Relationship.supplier_id == duplicate.id, Relationship.customer_id == duplicate.id),
    )).all()
    existing = set(session.execute(
        select(Relationship.supplier_id, Relationship.customer_key, Relationship.kind).where(
            Relationship.org_id == org_id,
            or_(Relationship.supplier_id == keep.id, Relationship.customer_id == keep.id),
        )
    ).all())
    moved, dropped = 0, []
    for rel in edges:
        source = keep.id if rel.supplier_id == duplicate.id else rel.supplier_id
        target = keep.id if rel.customer_id == duplicate.id else rel.customer_id
        key = (source, target or 0, rel.kind)
        if source == target or key in existing:
            dropped.append(rel.id)
            session.delete(rel)
            continue
        rel.supplier_id, rel.customer_id, rel.customer_key = source, target, target or 0
        existing.add(key)
        moved += 1
    session.flush()
    unique = {field for field, _label in UNIQUE_FIELDS}
    taken = {f: getattr(duplicate, f) for f in SUPPLIER_FIELDS
             if getattr(keep, f) in (None, "", []) and getattr(duplicate, f) not in (None, "", [])}
    for field in unique & set(taken):
        setattr(duplicate, field, None)  # free the identifier before the kept record takes it
    session.flush()
    for field, value in taken.items():
        setattr(keep, field, value)
    session.flush()
    archive_supplier(session, duplicate, actor=actor)
    record(
        session, org_id=org_id, actor=actor, action="supplier.merged", obj=keep,
        object_type="supplier", summary=f"{duplicate.name} merged into {keep.name}",
        details={"merged_id": duplicate.id, "edges_moved": moved, "edges_dropped": dropped,
                 "fields_taken": sorted(taken)},
    )
    refresh_tiers(session, org_id)
    signals.queue(session, signals.supplier_merged, "suppliers", org_id=org_id,
                  supplier_id=keep.id, merged_ids=[duplicate.id])
    return keep
