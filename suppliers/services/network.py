"""Relationships (edges) and the tiers they imply."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from app import signals
from app.activity.services import record
from app.apischema import MAX_INT
from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.tenancy import get_owned
from suppliers.graph_arrays import tiers_array
from suppliers.kinds import RELATIONSHIP_KINDS
from suppliers.models import Relationship, Supplier


def _label(supplier: Supplier | None) -> str:
    return supplier.name if supplier is not None else "our company"


def add_relationship(
    session: Session,
    *,
    org_id: int,
    actor: Any,
    supplier_id: Any,
    customer_id: Any,
    kind: Any = "goods",
    product: Any = None,
) -> Relationship:
    """Add the edge supplier -> customer (None = the buying company)."""
    if supplier_id in (None, ""):
        raise field_error("supplier_id", "supplier_id is required.")
    supplier = _owned_supplier(session, org_id, supplier_id, "supplier_id")
    customer = None
    if customer_id not in (None, ""):
        customer = _owned_supplier(session, org_id, customer_id, "customer_id")
    if customer is not None and customer.id == supplier.id:
        raise field_error("customer_id", "A supplier cannot supply itself.")
    if kind not in RELATIONSHIP_KINDS:
        raise field_error(
            "kind", f'Kind must be one of {", ".join(RELATIONSHIP_KINDS)}; got "{kind}".'
        )
    if product is not None and (not isinstance(product, str) or len(product.strip()) > 200):
        raise field_error("product", "Product is text of at most 200 characters.")
    product = (product or "").strip() or None
    customer_key = customer.id if customer is not None else 0
    exists = session.scalar(
        select(Relationship.id).where(
            Relationship.supplier_id == supplier.id,
            Relationship.customer_key == customer_key,
            Relationship.kind == kind,
        )
    )
    if exists:
        raise Conflict(
            f"{supplier.name} already has a {kind} relationship with {_label(customer)}.",
            [{"field": "customer_id", "message": f"Relationship {exists} exists."}],
        )
    rel = Relationship(
        org_id=org_id, supplier_id=supplier.id, customer_id=customer and customer.id,
        customer_key=customer_key, kind=kind, product=product,
    )
    session.add(rel)
    session.flush()
    record(
        session, org_id=org_id, actor=actor, action="relationship.created", obj=rel,
        object_type="relationship",
        summary=f"{supplier.name} → {_label(customer)} ({kind})",
    )
    via = 1 if customer is None else (customer.tier + 1 if customer.tier else None)
    via = None if supplier.archived_at is not None else via  # archived: never given a tier
    lower_tiers(session, org_id, supplier.id, via)
    network_changed(session, org_id, [supplier.id] + ([customer.id] if customer else []))
    return rel


def network_changed(session: Session, org_id: int, supplier_ids: list[int]) -> None:
    """Tell listeners (risk) once this commits: one signal per transaction and buyer."""
    signals.queue_merged(session, signals.network_changed, "suppliers", org_id=org_id,
                         supplier_ids=supplier_ids)




def _owned_supplier(session: Session, org_id: int, value: Any, field: str) -> Supplier:
    text = str(value)
    # isascii: "²".isdigit() is true, int("²") fails.
    if isinstance(value, bool) or not isinstance(value, int | str) or not (
        text.isascii() and text.isdigit()
    ):
        raise field_error(field, f"{field} must be a supplier id (a whole number).")
    message = f"No supplier {text[:20]} in your network."
    if len(text) > 10 or int(text) > MAX_INT:
        raise ValidationFailed(message, [{"field": field, "message": message}])
    try:
        return get_owned(session, Supplier, int(text), org_id)
    except NotFound as exc:  # only that: anything else is a bug and must surface
        raise ValidationFailed(message, [{"field": field, "message": message}]) from exc


def remove_relationship(session: Session, rel: Relationship, *, actor: Any) -> None:
    org_id = rel.org_id
    summary = f"{_label(rel.supplier)} → {_label(rel.customer)} ({rel.kind})"
    rel_id = rel.id
    ends = [rel.supplier_id] + ([rel.customer_id] if rel.customer_id is not None else [])
    session.delete(rel)
    session.flush()
    record(
        session, org_id=org_id, actor=actor, action="relationship.deleted",
        object_type="relationship", object_id=rel_id, summary=summary,
    )
    refresh_tiers(session, org_id)
    network_changed(session, org_id, ends)


def lower_tiers(session: Session, org_id: int, supplier_id: int, tier: int | None) -> int:
    """After an edge is added: `supplier_id` can now reach the company in `tier` steps.

    A new edge can only shorten distances, and only for the supplier and what lies upstream
    of it, so a breadth-first walk upstream that stops where nothing improves gives the same
    tiers as refresh_tiers (tested against it) without reading the whole network.
    """
    owner = session.execute(
        select(Supplier.org_id, Supplier.tier).where(Supplier.id == supplier_id)
    ).first()
    if owner is None or owner.org_id != org_id:
        raise NotFound("No such supplier.")
    if tier is None:
        return 0  # the customer does not reach the company, so nothing new does
    current = owner.tier
    if current is not None and current <= tier:
        return 0
    improved = {supplier_id: tier}
    frontier = {supplier_id: tier}
    while frontier:
        ids = list(frontier)
        nxt: dict[int, int] = {}
        for i in range(0, len(ids), 900):
            rows = session.execute(
                select(Relationship.supplier_id, Relationship.customer_id, Supplier.tier)
                .join(Supplier, Supplier.id == Relationship.supplier_id)
                .where(Relationship.org_id == org_id, Supplier.org_id == org_id,
                       Supplier.archived_at.is_(None),
                       Relationship.customer_id.in_(ids[i:i + 900]))
            ).all()
            for upstream_id, customer_id, upstream_tier in rows:
                candidate = frontier[customer_id] + 1
                best = improved.get(upstream_id, upstream_tier)
                if best is None or candidate < best:
                    improved[upstream_id] = nxt[upstream_id] = candidate
        frontier = nxt
    _write_tiers(session, org_id, improved)
    return len(improved)


def refresh_tiers(session: Session, org_id: int) -> int:
    """Recompute every supplier's tier; write only the ones that changed. Returns that count."""
    nodes = session.execute(
        select(Supplier.id, Supplier.tier).where(
            Supplier.org_id == org_id, Supplier.archived_at.is_(None)  # archived: no tier
        ).order_by(Supplier.id)
    ).all()
    if not nodes:
        return 0
    ids = np.fromiter((n[0] for n in nodes), dtype=np.int64, count=len(nodes))
    old = np.fromiter((n[1] or 0 for n in nodes), dtype=np.int64, count=len(nodes))
    archived = select(Supplier.id).where(Supplier.org_id == org_id,
                                         Supplier.archived_at.is_not(None))
    edges = session.execute(
        select(Relationship.supplier_id, Relationship.customer_key).where(
            Relationship.org_id == org_id,  # edges of archived suppliers are kept, not followed
            Relationship.supplier_id.not_in(archived),
            or_(Relationship.customer_id.is_(None), Relationship.customer_id.not_in(archived)),
        )
    ).all()
    src_ids = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
    dst_ids = np.fromiter((e[1] for e in edges), dtype=np.int64, count=len(edges))
    # ids are sorted, so searchsorted maps database ids to dense indices.
    src = np.searchsorted(ids, src_ids)
    dst = np.where(dst_ids == 0, -1, np.searchsorted(ids, dst_ids))
    new = tiers_array(len(ids), src, dst).astype(np.int64)
    new[new < 0] = 0
    changed = np.nonzero(new != old)[0]
    if changed.size:
        _write_tiers(
            session, org_id, {int(ids[i]): int(new[i]) or None for i in changed.tolist()}
        )
    return int(changed.size)


def _write_tiers(session: Session, org_id: int, tiers: dict[int, int | None]) -> None:
    table = Supplier.__table__
    # org_id too: a stray id from another tenant is left alone (defence in depth).
    session.execute(
        update(table)
        .where(table.c.org_id == org_id, table.c.id == bindparam("b_id"))
        .values(tier=bindparam("b_tier")),
        [{"b_id": sid, "b_tier": tier} for sid, tier in tiers.items()],
    )
    session.expire_all()  # loaded suppliers must not show their old tier
