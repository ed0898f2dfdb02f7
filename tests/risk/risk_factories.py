"""Risk rows built directly, in the shapes the recompute writes (RiskScore, RiskSummary,
DataEdition), for the pages' tests while the recompute is built; they flush, tests commit.

`make_score` also stores the score on the supplier (suppliers.services.set_risk), as the
recompute does, so the supplier list's band filter and the network see it.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from app.db import utcnow
from risk.models import DataEdition, RiskScore, RiskSummary
from risk.weights import BANDS, METHOD_VERSION, band
from suppliers.services import set_risk

_seq = itertools.count(1)


def make_edition(db, org=None, *, dataset: str = "ilab_goods", edition: str = "2022",
                 title: str = "ILAB List of Goods 2022", superseded: bool = False) -> DataEdition:
    """An edition of `org` (its own scope, so tests never collide with the platform's)."""
    if org is None:
        from tests.factories import make_org

        org = make_org(db)
    e = DataEdition(org_id=org.id, scope_key=org.id, dataset=dataset, edition=edition,
                    title=title, source="https://www.dol.gov/agencies/ilab/reports/"
                    "child-labor/list-of-goods", sha256="0" * 64, files=["goods.csv"],
                    row_count=467, retrieved_on=date(2026, 11, 3),
                    superseded_at=utcnow() if superseded else None)
    db.add(e)
    db.flush()
    return e


def factor(code: str, points: float, evidence: list[dict[str, Any]] | None = None, *,
           label: str | None = None, lower: str | None = None,
           lowers_by: float | None = None) -> dict[str, Any]:
    return {"code": code, "label": label or code.replace("_", " ").capitalize(),
            "points": points, "evidence": evidence or [], "lower": lower,
            "lowers_by": lowers_by}


def make_score(db, supplier, score: float = 62.0, *, own: float | None = None,
               inherited: float = 0.0, inherited_from=None, path: list[int] | None = None,
               factors: list[dict[str, Any]] | None = None,
               editions: dict[str, int] | None = None) -> RiskScore:
    row = RiskScore(
        org_id=supplier.org_id, supplier_id=supplier.id, score=score, band=band(score),
        own_score=score if own is None else own, inherited_score=inherited,
        inherited_from_id=inherited_from.id if inherited_from is not None else None,
        inherited_path=path or [], method_version=METHOD_VERSION, editions=editions or {},
        digest="hand-made",  # a real recompute rewrites it (tests/risk/test_recompute.py)
        factors=factors if factors is not None else [
            factor("country_tip", 20.0, [{"kind": "dataset", "id": None, "row": 12,
                                           "text": "Tier 3 (2025)"}]),
            factor("goods", max(score - 20.0, 0.0)),
        ],
    )
    db.add(row)
    db.flush()
    set_risk(db, org_id=supplier.org_id, scores={supplier.id: (score, band(score))})
    return row


def bands(low: int = 0, medium: int = 0, high: int = 0, critical: int = 0) -> dict[str, int]:
    return {"low": low, "medium": medium, "high": high, "critical": critical}


def summary_data(**overrides: Any) -> dict[str, Any]:
    """A realistic summary of a 40-supplier network (36 scored), in the recompute's shape."""
    n = next(_seq)
    data: dict[str, Any] = {
        "suppliers": 40, "scored": 36, "mean": 41.25,
        "bands": bands(12, 10, 9, 5),
        "by_country": [
            {"country": "CN", "count": 14, "mean": 58.4, "max": 91.0,
             "bands": bands(1, 4, 5, 4)},
            {"country": "MM", "count": 3, "mean": 77.0, "max": 88.5, "bands": bands(0, 0, 1, 2)},
            {"country": "DE", "count": 9, "mean": 8.5, "max": 19.0, "bands": bands(9, 0, 0, 0)},
            {"country": "BD", "count": 10, "mean": 36.1, "max": 55.0,
             "bands": bands(2, 6, 2, 0)},
        ],
        "by_tier": [
            {"tier": 1, "count": 20, "mean": 30.0, "bands": bands(8, 6, 4, 1)},
            {"tier": 2, "count": 12, "mean": 52.0, "bands": bands(3, 3, 4, 2)},
            {"tier": 3, "count": 4, "mean": 70.0, "bands": bands(1, 1, 1, 1)},
            {"tier": None, "count": 4, "mean": None, "bands": bands(0, 0, 0, 1)},
        ],
        "top": [
            {"supplier_id": 0, "name": f"Fergana Ginnery {n}", "country": "UZ", "tier": 3,
             "score": 91.0, "band": "critical", "main_factor": "goods"},
            {"supplier_id": 0, "name": f"Mandalay Bricks {n}", "country": "MM", "tier": 2,
             "score": 88.5, "band": "critical", "main_factor": "country_tip"},
        ],
        "editions": {"ilab_goods": {"id": 1, "edition": "2022",
                                    "title": "ILAB List of Goods 2022"},
                     "tip_tiers": {"id": 2, "edition": "2025", "title": "TIP report tiers"}},
        "method_version": METHOD_VERSION,
    }
    return data | overrides


def make_summary(db, org, day: date | None = None, **overrides: Any) -> RiskSummary:
    row = RiskSummary(org_id=org.id, day=day or utcnow().date(), data=summary_data(**overrides))
    db.add(row)
    db.flush()
    return row


def make_history(db, org, days: int, *, until: date | None = None) -> list[RiskSummary]:
    """One summary a day for `days` days up to `until`: the mean falls a point a day, and one
    supplier a day leaves the critical band."""
    until = until or utcnow().date()
    rows = []
    for i in range(days):
        day = until - timedelta(days=days - 1 - i)
        crit = max(days - i, 0)
        rows.append(make_summary(db, org, day, mean=50.0 - i,
                                 bands=bands(10 + i, 10, 5, crit)))
    return rows


__all__ = ["BANDS", "bands", "factor", "make_edition", "make_history", "make_score",
           "make_summary", "summary_data"]
