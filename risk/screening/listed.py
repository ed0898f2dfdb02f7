"""Supplier.listed follows the confirmed hits: set while a supplier has one, cleared when none
remains (written through suppliers' own service, as risk scores are)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from risk.models import ScreeningHit
from suppliers.models import Supplier
from suppliers.services.risk import set_listed


def refresh_listed(session: Session, org_id: int,
                   supplier_ids: Iterable[int] | None = None) -> int:
    """Bring the flags of the organisation's suppliers (or of these) in line with their
    confirmed hits; returns how many changed."""
    only = None if supplier_ids is None else sorted(set(supplier_ids))
    hits = select(ScreeningHit.supplier_id).where(ScreeningHit.org_id == org_id,
                                                  ScreeningHit.status == "confirmed")
    flagged = select(Supplier.id).where(Supplier.org_id == org_id, Supplier.listed.is_(True))
    if only is not None:
        hits = hits.where(ScreeningHit.supplier_id.in_(only))
        flagged = flagged.where(Supplier.id.in_(only))
    confirmed = set(session.scalars(hits))
    listed = set(session.scalars(flagged))
    change = {sid: True for sid in confirmed - listed} | {sid: False for sid in listed - confirmed}
    return set_listed(session, org_id=org_id, listed=change) if change else 0
