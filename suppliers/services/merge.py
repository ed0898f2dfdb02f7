"""Merging a duplicate supplier into the record that is kept.

In one transaction: the duplicate's relationships move to the kept supplier (an edge the kept
one already has, or one that would make it supply itself, is dropped and listed in the
activity log); every package that owns records pointing at suppliers moves its own when
`supplier_merging` is sent (synchronously: questionnaires, audits, risk, grievances answer
with what they moved); fields the kept supplier lacks are copied over (products are joined);
the duplicate is archived, not deleted, so its history stays, and archiving recomputes the
tiers; the duplicate pair is marked merged. `supplier_merged` goes out after the commit (risk
recomputes then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import signals
from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.people.models import Invitation
from suppliers.connections import PURPOSE
from suppliers.models import Relationship, Supplier
from suppliers.services.duplicates import mark_merged
from suppliers.services.suppliers import SUPPLIER_FIELDS, UNIQUE_FIELDS, archive_supplier

WORKFORCE = ("workers", "migrant_workers", "female_workers")  # taken together or not at all
LOGGED_EDGES = 200  # dropped edges listed one by one in the activity log, at most


@dataclass
class Merged:
    supplier: Supplier
    # {label: how many records moved}, "relationships" first, then each package's answer
    moved: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    fields_taken: list[str] = field(default_factory=list)


def _check(keep: Supplier, duplicate: Supplier) -> None:
    if duplicate.org_id != keep.org_id:
        raise NotFound("No such supplier in your network.")
    if duplicate.id == keep.id:
        raise Conflict("A supplier cannot be merged into itself: choose another.",
                       [{"field": "duplicate_id", "message": "the same supplier"}])
    if keep.archived_at is not None or duplicate.archived_at is not None:
        which = keep if keep.archived_at is not None else duplicate
        raise Conflict(f"{which.name} is archived: restore it before merging.",
                       [{"field": "duplicate_id", "message": "archived"}])


def _move_edges(session: Session, org_id: int, keep: Supplier, duplicate: Supplier
                ) -> tuple[int, list[dict[str, Any]]]:
    edges = session.scalars(select(Relationship).where(
        Relationship.org_id == org_id,
        or_(Relationship.supplier_id == duplicate.id, Relationship.customer_id == duplicate.id),
    ).order_by(Relationship.id)).all()
    existing = set(session.execute(
        select(Relationship.supplier_id, Relationship.customer_key, Relationship.kind).where(
            Relationship.org_id == org_id,
            or_(Relationship.supplier_id == keep.id, Relationship.customer_id == keep.id),
        )
    ))
    moved, dropped = 0, []
    for rel in edges:
        source = keep.id if rel.supplier_id == duplicate.id else rel.supplier_id
        target = keep.id if rel.customer_id == duplicate.id else rel.customer_id
        key = (source, target or 0, rel.kind)
        if source == target or key in existing:
            dropped.append({"id": rel.id, "supplier_id": rel.supplier_id,
                            "customer_id": rel.customer_id, "kind": rel.kind,
                            "reason": "self-loop" if source == target else "duplicate edge"})
            session.delete(rel)
            continue
        rel.supplier_id, rel.customer_id, rel.customer_key = source, target, target or 0
        existing.add(key)
        moved += 1
    session.flush()
    return moved, dropped


def _empty(value: Any) -> bool:
    return value in (None, "", [])


def _take_fields(session: Session, keep: Supplier, duplicate: Supplier) -> list[str]:
    """Copy what the kept record lacks; products are joined. Identifiers are freed on the
    duplicate first (they are unique in the network)."""
    plain = [f for f in SUPPLIER_FIELDS if f not in WORKFORCE and f != "products"]
    taken = {f: getattr(duplicate, f) for f in plain
             if _empty(getattr(keep, f)) and not _empty(getattr(duplicate, f))}
    if all(getattr(keep, f) is None for f in WORKFORCE) and duplicate.workers is not None:
        taken |= {f: getattr(duplicate, f) for f in WORKFORCE}
    products = list(dict.fromkeys([*(keep.products or []), *(duplicate.products or [])]))
    if products != list(keep.products or []):
        taken["products"] = products
    if keep.contact_email is None and duplicate.contact_email is not None:
        taken["contact_email"] = duplicate.contact_email
    if keep.linked_org_id is None and duplicate.linked_org_id is not None:
        # the supplier organisation that answered as the duplicate now answers as this one
        taken["linked_org_id"], taken["connected_at"] = (duplicate.linked_org_id,
                                                         duplicate.connected_at)
    unique = {f for f, _label in UNIQUE_FIELDS} | {"linked_org_id"}
    for name in unique & set(taken):
        setattr(duplicate, name, None)
    if "linked_org_id" in taken:
        duplicate.connected_at = None
    session.flush()
    for name, value in taken.items():
        setattr(keep, name, value)
    keep.name_key = keep.name.casefold()
    session.flush()
    return sorted(taken)


def _move_invitations(session: Session, org_id: int, keep: Supplier, duplicate: Supplier
                      ) -> int:
    """Open connection invitations for the duplicate: they now connect the kept record, when
    it is neither connected nor invited; otherwise they stop working."""
    def open_for(supplier_id: int):
        return session.scalars(select(Invitation).where(
            Invitation.org_id == org_id, Invitation.purpose == PURPOSE,
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
            Invitation.data["supplier_id"].as_integer() == supplier_id)).all()

    theirs = open_for(duplicate.id)
    free = keep.linked_org_id is None and not open_for(keep.id)
    for invitation in theirs:
        if free:
            invitation.data = {**invitation.data, "supplier_id": keep.id}
        else:
            invitation.revoked_at = utcnow()
    session.flush()
    return len(theirs)


def merge_suppliers(session: Session, keep: Supplier, duplicate: Supplier, *, actor: Any
                    ) -> Merged:
    """Merge `duplicate` into `keep` (both of one organisation, both live)."""
    _check(keep, duplicate)
    org_id = keep.org_id
    keep_name, duplicate_name = keep.name, duplicate.name
    edges_moved, dropped = _move_edges(session, org_id, keep, duplicate)
    moved: dict[str, int] = {"relationships": edges_moved}
    invitations = _move_invitations(session, org_id, keep, duplicate)
    if invitations:
        moved["connection invitations"] = invitations
    # before the packages move theirs: what they do may depend on the kept record's
    # connection (an assignment is addressed to the organisation it is connected to)
    fields_taken = _take_fields(session, keep, duplicate)
    # Every package moves its own records now, inside this transaction; one that fails
    # fails the merge (blinker's send stops at the first exception, which rolls all back).
    for _receiver, answer in signals.supplier_merging.send(
            "suppliers", session=session, org_id=org_id, keep_id=keep.id,
            duplicate_id=duplicate.id):
        for label, count in (answer or {}).items():
            moved[label] = moved.get(label, 0) + int(count)
    session.flush()
    archive_supplier(session, duplicate, actor=actor)  # leaves the network: tiers recomputed
    candidate_id = mark_merged(session, org_id, keep.id, duplicate.id, actor)
    record(
        session, org_id=org_id, actor=actor, action="suppliers.merged", obj=keep,
        object_type="supplier", summary=f"{duplicate_name} merged into {keep_name}",
        details={"kept_id": keep.id, "merged_id": duplicate.id, "moved": moved,
                 "relationships_dropped": dropped[:LOGGED_EDGES],
                 "relationships_dropped_count": len(dropped), "fields_taken": fields_taken,
                 "candidate_id": candidate_id or None},
    )
    signals.queue(session, signals.supplier_merged, "suppliers", org_id=org_id,
                  supplier_id=keep.id, merged_ids=[duplicate.id])
    return Merged(keep, moved, dropped, fields_taken)
