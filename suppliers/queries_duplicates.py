"""Read-only queries of the duplicate review (page and API): pairs and their evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from app.registry import ReferenceCounter
from suppliers.models import DuplicateCandidate, Relationship, Supplier

STATUSES = ("open", "dismissed", "merged")


def candidate_query(org_id: int, status: str = "open") -> Select:
    """Pairs of the organisation in `status`, most certain and highest score first. Open
    pairs are shown only while both suppliers are live (a pair is removed at the next scan
    once one is archived)."""
    low, high = aliased(Supplier), aliased(Supplier)
    stmt = (select(DuplicateCandidate)
            .join(low, low.id == DuplicateCandidate.low_id)
            .join(high, high.id == DuplicateCandidate.high_id)
            .where(DuplicateCandidate.org_id == org_id, DuplicateCandidate.status == status,
                   low.org_id == org_id, high.org_id == org_id))
    if status == "open":
        stmt = stmt.where(low.archived_at.is_(None), high.archived_at.is_(None))
        order = (DuplicateCandidate.certain.desc(), DuplicateCandidate.score.desc(),
                 DuplicateCandidate.id)
    else:
        order = (DuplicateCandidate.decided_at.desc(), DuplicateCandidate.id.desc())
    return stmt.order_by(*order)


def open_count(session: Session, org_id: int) -> int:
    return session.scalar(candidate_query(org_id).with_only_columns(
        func.count(DuplicateCandidate.id)).order_by(None)) or 0


@dataclass
class Evidence:
    supplier: Supplier
    relationships: int
    references: list[tuple[str, int]]

    def as_json(self) -> dict[str, Any]:
        s = self.supplier
        return {
            "id": s.id, "external_id": s.external_id, "name": s.name,
            "latin_name": s.latin_name, "country": s.country, "kind": s.kind,
            "address": s.address, "products": list(s.products or []),
            "identifiers": {"os_id": s.os_id, "lei": s.lei, "duns": s.duns},
            "tier": s.tier, "archived": s.archived_at is not None,
            "risk": None if s.risk_score is None else {"score": s.risk_score,
                                                       "band": s.risk_band},
            "relationships": self.relationships,
            "references": {label: n for label, n in self.references},
        }


def _edge_counts(session: Session, org_id: int, ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(ids, 0)
    for column in (Relationship.supplier_id, Relationship.customer_id):
        for sid, n in session.execute(
                select(column, func.count(Relationship.id))
                .where(Relationship.org_id == org_id, column.in_(ids)).group_by(column)):
            counts[sid] += n
    return counts


def evidence(session: Session, org_id: int, candidates: list[DuplicateCandidate],
             counters: list[ReferenceCounter]) -> dict[int, Evidence]:
    """What each supplier of these pairs has: fields, tier, risk, relationships, and the
    records other packages hold about it (their reference counters: questionnaires, audits
    and fee entries, ...; the suppliers' own "relationships" counter is left out: edges are
    counted here for the whole page at once)."""
    counters = [c for c in counters if c.label != "relationships"]
    ids = sorted({c.low_id for c in candidates} | {c.high_id for c in candidates})
    if not ids:
        return {}
    suppliers = {s.id: s for s in session.scalars(
        select(Supplier).where(Supplier.org_id == org_id, Supplier.id.in_(ids)))}
    edges = _edge_counts(session, org_id, ids)
    found = {}
    for sid, supplier in suppliers.items():
        refs = [(c.label, c.count(session, org_id, sid)) for c in counters]
        found[sid] = Evidence(supplier, edges[sid], refs)
    return found


def pair_json(candidate: DuplicateCandidate, found: dict[int, Evidence]) -> dict[str, Any]:
    return {
        "id": candidate.id, "score": candidate.score, "certain": candidate.certain,
        "reasons": list(candidate.reasons or []), "status": candidate.status,
        "found_at": candidate.found_at.isoformat() if candidate.found_at else None,
        "decided_at": candidate.decided_at.isoformat() if candidate.decided_at else None,
        "note": candidate.note,
        "suppliers": [found[candidate.low_id].as_json(), found[candidate.high_id].as_json()],
    }
