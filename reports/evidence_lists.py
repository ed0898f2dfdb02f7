"""The lists of the evidence base that read risk scores' factors (reports/evidence.py).

Each reads a bounded number of rows: the ten highest scores, one score per country (the
country factor is the same for every supplier of a country), the scores whose factors name
goods (narrowed in SQL first, streamed), and the editions of the latest risk summary.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session, aliased

from risk.models import DataEdition, RiskScore, RiskSummary
from suppliers.countries import country_name
from suppliers.kinds import LABOUR_KINDS
from suppliers.models import Relationship, Supplier
from suppliers.queries import live_edges

__all__ = ["editions", "high_risk_countries", "high_risk_goods", "live_edges", "recruiters",
           "top_risks"]

TOP_RISKS = 10
TOP_RECRUITERS = 20
TOP_FACTORS = 3
# Country factors (TIP tier, prevalence, vulnerability, rights) summing to this make a
# country high-risk on its own: the floor of the "high" band's half (weights: 53 at most).
COUNTRY_HIGH = 25.0
# The goods factor's evidence reads '"<product>" matches <good> (<CC>): <what the list says>'.
_MATCH = re.compile(r'" matches (.+?) \(([A-Z]{2})\): ')


def _live(org_id: int) -> tuple:
    return (Supplier.org_id == org_id, Supplier.archived_at.is_(None))


def _top_factors(factors: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    ranked = sorted(factors or [], key=lambda f: (-float(f.get("points") or 0), f.get("code", "")))
    return [{"code": f.get("code"), "label": f.get("label"), "points": f.get("points")}
            for f in ranked[:TOP_FACTORS]]


def recruiters(session: Session, org: Any) -> list[dict[str, Any]]:
    """Recruitment agencies and labour providers, riskiest first, with whom they supply."""
    rows = session.execute(
        select(Supplier.id, Supplier.name, Supplier.country, Supplier.tier, Supplier.risk_score,
               Supplier.risk_band)
        .where(*_live(org.id), Supplier.kind.in_(sorted(LABOUR_KINDS)))
        .order_by(Supplier.risk_score.desc().nulls_last(), Supplier.name_key, Supplier.id)
        .limit(TOP_RECRUITERS)).all()
    ids = [r.id for r in rows]
    customer = aliased(Supplier)
    supplied: dict[int, list[str]] = defaultdict(list)
    if ids:
        for sid, cid, cname in session.execute(
                select(Relationship.supplier_id, Relationship.customer_id, customer.name)
                .outerjoin(customer, customer.id == Relationship.customer_id)
                .where(*live_edges(org.id), Relationship.supplier_id.in_(ids),
                       Relationship.kind == "labour")
                .order_by(Relationship.supplier_id, Relationship.id)):
            supplied[sid].append(org.name if cid is None else cname)
    return [{"id": r.id, "name": r.name, "country": r.country, "tier": r.tier,
             "score": r.risk_score, "band": r.risk_band,
             "workers_supplied_to": supplied.get(r.id, [])} for r in rows]


def top_risks(session: Session, org_id: int, limit: int = TOP_RISKS) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Supplier.id, Supplier.name, Supplier.country, Supplier.tier, Supplier.kind,
               Supplier.risk_score, Supplier.risk_band, RiskScore.factors,
               RiskScore.own_score, RiskScore.inherited_score)
        .outerjoin(RiskScore, RiskScore.supplier_id == Supplier.id)
        .where(*_live(org_id), Supplier.risk_score.is_not(None))
        .order_by(Supplier.risk_score.desc(), Supplier.id).limit(limit)).all()
    return [{"id": r.id, "name": r.name, "country": r.country, "tier": r.tier, "kind": r.kind,
             "score": r.risk_score, "band": r.risk_band, "factors": _top_factors(r.factors),
             "inherited": (r.inherited_score if r.inherited_score and r.own_score is not None
                           and r.inherited_score > r.own_score else None)} for r in rows]


def high_risk_countries(session: Session, org_id: int) -> list[dict[str, Any]]:
    """Countries with high or critical suppliers, or whose country factors alone are high."""
    counts = dict(session.execute(
        select(Supplier.country, func.count(Supplier.id)).where(*_live(org_id))
        .group_by(Supplier.country)).all())
    high = dict(session.execute(
        select(Supplier.country, func.count(Supplier.id))
        .where(*_live(org_id), Supplier.risk_band.in_(("high", "critical")))
        .group_by(Supplier.country)).all())
    sample = session.execute(
        select(Supplier.country, func.min(RiskScore.id))
        .join(RiskScore, RiskScore.supplier_id == Supplier.id)
        .where(*_live(org_id)).group_by(Supplier.country)).all()
    by_id = {score_id: country for country, score_id in sample}
    points: dict[str, float] = {}
    if by_id:
        for score_id, factors in session.execute(
                select(RiskScore.id, RiskScore.factors).where(RiskScore.id.in_(list(by_id)))):
            points[by_id[score_id]] = sum(float(f.get("points") or 0) for f in factors or []
                                          if str(f.get("code", "")).startswith("country_"))
    out = []
    for country, n in counts.items():
        score = points.get(country)
        if high.get(country) or (score is not None and score >= COUNTRY_HIGH):
            out.append({"country": country, "name": country_name(country), "suppliers": n,
                        "high": high.get(country, 0),
                        "score": round(score) if score is not None else None})
    return sorted(out, key=lambda c: (-c["high"], -(c["score"] or 0), c["name"]))


def high_risk_goods(session: Session, org_id: int) -> list[dict[str, Any]]:
    """Goods the ILAB list names for a supplier's country, by how many suppliers make them."""
    stmt = (select(RiskScore.supplier_id, RiskScore.factors)
            .join(Supplier, Supplier.id == RiskScore.supplier_id)
            .where(*_live(org_id), RiskScore.org_id == org_id,
                   cast(RiskScore.factors, String).like('%"goods"%'))
            .execution_options(yield_per=2000))
    suppliers: dict[str, set[int]] = defaultdict(set)
    named_editions: dict[str, set[int]] = defaultdict(set)
    for supplier_id, factors in session.execute(stmt):
        for f in factors or []:
            if f.get("code") != "goods":
                continue
            for ev in f.get("evidence") or []:
                found = _MATCH.search(str(ev.get("text", "")))
                if found:
                    suppliers[found.group(1)].add(supplier_id)
                    if isinstance(ev.get("id"), int):
                        named_editions[found.group(1)].add(ev["id"])
    ids = {i for s in named_editions.values() for i in s}
    titles = dict(session.execute(select(DataEdition.id, DataEdition.title)
                                  .where(DataEdition.id.in_(sorted(ids)))).all()
                  ) if ids else {}
    out = [{"good": good, "suppliers": len(who),
            "lists": sorted({titles[i] for i in named_editions[good] if i in titles})}
           for good, who in suppliers.items()]
    return sorted(out, key=lambda g: (-g["suppliers"], g["good"].casefold()))[:20]


def editions(session: Session, org_id: int) -> list[dict[str, Any]]:
    """The reference-data editions the scores used: those of the latest risk summary (kept by
    every recompute), else those named by a sample of the scores themselves."""
    ids: set[int] = set()
    latest = session.scalars(select(RiskSummary.data).where(RiskSummary.org_id == org_id)
                             .order_by(RiskSummary.day.desc()).limit(1)).first()
    for item in (latest or {}).get("editions", {}).values():
        if isinstance(item, dict) and isinstance(item.get("id"), int):
            ids.add(item["id"])
    if not ids:
        for used in session.scalars(select(RiskScore.editions)
                                    .where(RiskScore.org_id == org_id).limit(200)):
            ids.update(v for v in (used or {}).values() if isinstance(v, int))
    if not ids:
        return []
    rows = session.scalars(select(DataEdition).where(DataEdition.id.in_(sorted(ids)))
                           .order_by(DataEdition.dataset, DataEdition.edition))
    return [{"id": e.id, "dataset": e.dataset, "edition": e.edition, "title": e.title,
             "source": e.source,
             "retrieved_on": e.retrieved_on.isoformat() if e.retrieved_on else None}
            for e in rows]
