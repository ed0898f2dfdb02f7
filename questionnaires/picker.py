"""The send page's choice of suppliers: a filter (the supplier list's filters) and ticks.

Without scripts, the page is one form: filtering and paging re-post it, so ticks made on one
page of suppliers travel as hidden fields while the user pages through the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import flash, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api import page_of
from app.errors import ValidationFailed
from questionnaires.queries import campaign_suppliers
from suppliers import queries as supplier_queries
from suppliers.models import Supplier

PER_PAGE = 50
MAX_TICKED = 2000  # beyond this many, a filter says it better than ticks
SHOWN_NAMES = 50
_CHUNK = 900


def _ints(values: list[str]) -> list[int]:
    out: list[int] = []
    for raw in values:
        raw = (raw or "").strip()
        if raw.isascii() and raw.isdigit() and len(raw) < 10:
            out.append(int(raw))
    return list(dict.fromkeys(out))[:MAX_TICKED]


def _page(source: Any, action: str) -> int:
    if action.startswith("page:"):
        raw = action[5:]
    elif action == "filter":
        return 1
    else:
        raw = source.get("page") or "1"
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 else 1


@dataclass
class Picker:
    org_id: int
    filters: supplier_queries.SupplierFilters
    ticked: list[int]
    page: int
    suppliers: list[Supplier]
    total: int
    ticked_suppliers: list[Supplier]
    deepest_tier: int
    no_contact: int = 0  # of the matching suppliers: neither a contact email nor connected
    errors: list[str] = field(default_factory=list)
    session: Session | None = field(default=None, repr=False)

    @classmethod
    def from_request(cls, session: Session, org_id: int) -> Picker:
        source = request.form if request.method == "POST" else request.args
        action = source.get("go", "") if request.method == "POST" else ""
        try:
            filters = supplier_queries.parse_filters(source)
        except ValidationFailed as exc:
            flash(exc.message, "error")
            filters = supplier_queries.SupplierFilters()
        ticked = _ints(source.getlist("supplier_ids") + source.getlist("supplier_id"))
        page = _page(source, action)
        stmt = supplier_queries.supplier_query(org_id, filters)
        suppliers, total = page_of(session, stmt, page, PER_PAGE)
        known = _owned(session, org_id, ticked)
        ticked = [i for i in ticked if i in known]  # another tenant's ids are simply dropped
        stats = supplier_queries.counts(session, org_id)
        unreachable = stmt.order_by(None).where(Supplier.contact_email.is_(None),
                                                Supplier.linked_org_id.is_(None))
        no_contact = session.scalar(select(func.count()).select_from(unreachable.subquery()))
        return cls(org_id=org_id, filters=filters, ticked=ticked, page=page,
                   suppliers=suppliers, total=total,
                   ticked_suppliers=[known[i] for i in ticked[:SHOWN_NAMES]],
                   deepest_tier=stats["deepest_tier"], no_contact=no_contact or 0,
                   session=session)

    @property
    def ticked_elsewhere(self) -> list[int]:
        """Ticked ids not on the page shown: carried as hidden fields."""
        here = {s.id for s in self.suppliers}
        return [i for i in self.ticked if i not in here]

    @property
    def filtered(self) -> bool:
        f = self.filters
        return bool(f.q or f.country or f.kind or f.band or f.tier is not None)

    @property
    def pages(self) -> int:
        return max(1, (self.total + PER_PAGE - 1) // PER_PAGE)

    def matching_ids(self) -> list[int]:
        assert self.session is not None
        return list(self.session.scalars(campaign_suppliers(self.org_id, self.filters)))

    def named(self, skipped: list[dict]) -> list[dict]:
        """The first skipped suppliers, with their names, for the result page."""
        shown = skipped[:SHOWN_NAMES]
        assert self.session is not None
        names = {s.id: s for s in _owned(self.session, self.org_id,
                                         [s["supplier_id"] for s in shown]).values()}
        return [s | {"supplier": names.get(s["supplier_id"])} for s in shown]


def _owned(session: Session, org_id: int, ids: list[int]) -> dict[int, Supplier]:
    found: dict[int, Supplier] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for s in session.scalars(select(Supplier).where(
                Supplier.org_id == org_id, Supplier.archived_at.is_(None),
                Supplier.id.in_(chunk))):
            found[s.id] = s
    return found
