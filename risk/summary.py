"""The dashboard's aggregates, computed once per recompute from the rows in memory and kept
per organisation and day (the latest row is the dashboard; earlier ones are its trend)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from risk import weights as W
from risk.gather import Network
from risk.models import RiskSummary
from risk.reference.tables import ReferenceTables

TOP = 20


def _group(scores: list[tuple[float, str]]) -> dict[str, Any]:
    bands = dict.fromkeys(W.BANDS, 0)
    for _, band in scores:
        bands[band] += 1
    values = [s for s, _ in scores]
    return {"count": len(values), "mean": round(sum(values) / len(values), 1) if values else 0,
            "max": max(values, default=0), "bands": bands}


def aggregates(net: Network, rows: list[dict[str, Any]],
               tables: ReferenceTables) -> dict[str, Any]:
    by_country: dict[str, list[tuple[float, str]]] = defaultdict(list)
    by_tier: dict[int | None, list[tuple[float, str]]] = defaultdict(list)
    pairs = []
    for i, row in enumerate(rows):
        pair = (row["score"], row["band"])
        pairs.append(pair)
        by_country[net.countries[i]].append(pair)
        by_tier[net.tiers[i]].append(pair)
    everything = _group(pairs)
    # The same as sorted(...)[:TOP], without sorting 100,000 rows for 20.
    ranked = heapq.nsmallest(TOP, range(len(rows)),
                             key=lambda i: (-rows[i]["score"], net.names[i], i))
    top = []
    for i in ranked:
        row = rows[i]
        factors = sorted(row["factors"], key=lambda f: -f["points"])
        main = factors[0]["label"] if factors else None
        if row["inherited_from_id"] is not None and row["inherited_score"] > row["own_score"]:
            main = "Inherited from upstream"
        top.append({"supplier_id": row["supplier_id"], "name": net.names[i],
                    "country": net.countries[i], "tier": net.tiers[i], "score": row["score"],
                    "band": row["band"], "main_factor": main})
    return {
        "suppliers": len(rows), "scored": len(rows), "mean": everything["mean"],
        "bands": everything["bands"],
        "by_country": sorted(({"country": c, **_group(v)} for c, v in by_country.items()),
                             key=lambda g: (-g["mean"], g["country"])),
        "by_tier": sorted(({"tier": t, **_group(v)} for t, v in by_tier.items()),
                          key=lambda g: (g["tier"] is None, g["tier"] or 0)),
        "top": top,
        "editions": {k: {"id": e.id, "edition": e.edition, "title": e.title}
                     for k, e in sorted(tables.editions.items())},
        "method_version": W.METHOD_VERSION,
    }


def summarise(session: Session, org_id: int, net: Network, rows: list[dict[str, Any]],
              tables: ReferenceTables, today: date) -> RiskSummary:
    data = aggregates(net, rows, tables)
    summary = session.scalars(select(RiskSummary).where(
        RiskSummary.org_id == org_id, RiskSummary.day == today)).first()
    if summary is None:
        summary = RiskSummary(org_id=org_id, day=today)
        session.add(summary)
    summary.data = data
    summary.computed_at = utcnow()
    session.flush()
    return summary
