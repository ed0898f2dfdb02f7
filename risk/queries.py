"""Read-only risk queries the API and pages share: the ranked list, one supplier's risk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from risk.models import DataEdition, RiskScore
from suppliers.models import Supplier
from suppliers.queries import SupplierFilters, supplier_query


def ranked(org_id: int, filters: SupplierFilters) -> Select:
    """Scored live suppliers, highest score first, with the supplier list's filters (band,
    country, tier, kind, q)."""
    return (supplier_query(org_id, filters).where(Supplier.risk_score.is_not(None))
            .order_by(None).order_by(Supplier.risk_score.desc(), Supplier.id.desc()))


def scores_for(session: Session, org_id: int, supplier_ids: list[int]) -> dict[int, RiskScore]:
    if not supplier_ids:
        return {}
    rows = session.scalars(select(RiskScore).where(RiskScore.org_id == org_id,
                                                   RiskScore.supplier_id.in_(supplier_ids)))
    return {r.supplier_id: r for r in rows}


def score_of(session: Session, org_id: int, supplier_id: int) -> RiskScore | None:
    return session.scalars(select(RiskScore).where(
        RiskScore.org_id == org_id, RiskScore.supplier_id == supplier_id)).first()


def editions_json(session: Session, edition_ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The editions a score used, by data set: enough to find the very file again."""
    if not edition_ids:
        return {}
    rows = {e.id: e for e in session.scalars(select(DataEdition).where(
        DataEdition.id.in_(list(edition_ids.values()))))}
    out = {}
    for dataset, edition_id in sorted(edition_ids.items()):
        e = rows.get(edition_id)
        if e is not None:
            out[dataset] = {"id": e.id, "dataset": e.dataset, "edition": e.edition,
                            "title": e.title, "source": e.source,
                            "retrieved_on": e.retrieved_on.isoformat() if e.retrieved_on
                            else None, "sha256": e.sha256, "current": e.superseded_at is None}
    return out


def main_factors(score: RiskScore | None, count: int = 3) -> list[dict[str, Any]]:
    if score is None:
        return []
    top = sorted(score.factors, key=lambda f: (-f["points"], f["code"]))[:count]
    return [{"label": f["label"], "points": f["points"]} for f in top]
