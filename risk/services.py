"""Recompute an organisation's risk: read inputs, score, propagate, write what changed.

Flushes, never commits (the job or command commits once). One pass over the whole network:
propagation needs every upstream score anyway, and reading 100,000 suppliers costs less than
working out which of them could be affected. Only rows whose digest changed are written, so a
change touches the supplier and what lies downstream of it, and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from audits.money import format_money
from risk import gather, propagation, scoring
from risk import weights as W
from risk.factors import own_factors
from risk.goods import GoodsMatcher
from risk.models import RiskScore, RiskSnapshot, RiskSummary
from risk.reference.services import ensure_shipped, load_tables
from risk.summary import summarise
from suppliers.services import set_risk

Progress = Callable[[int, int, str], None]
BATCH = 2000


@dataclass
class Recomputed:
    suppliers: int = 0
    changed: int = 0
    removed: int = 0
    rounds: int = 0


def _money(minor: int, currency: str) -> str:
    try:
        return format_money(minor, currency)
    except ValueError:  # a currency the ledger accepted once and ISO retired since
        return f"{minor} (minor units) {currency}"


def _digest(row: dict[str, Any]) -> str:
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def recompute(session: Session, org_id: int, *, today: date | None = None,
              progress: Progress | None = None) -> Recomputed:
    today = today or utcnow().date()
    tell = progress or (lambda done, total, stage: None)
    ensure_shipped(session)
    tables = load_tables(session, org_id)
    editions = {key: ref.id for key, ref in sorted(tables.editions.items())}
    net = gather.network(session, org_id)
    n = len(net.suppliers)
    tell(0, n, "scoring")
    cache: dict[Any, Any] = {}
    match = GoodsMatcher(tables.goods).match
    factors = []
    own = np.zeros(n)
    for i, s in enumerate(net.suppliers):
        fs = own_factors(s, tables, today=today, match=match, fmt_money=_money,
                         cache=cache)
        factors.append(fs)
        own[i] = scoring.own_score(fs)
        if i % 5000 == 4999:
            tell(i + 1, n, "scoring")
    tell(n, n, "propagating")
    result = propagation.propagate(own, net.src, net.dst, W.DECAY)
    ids = net.ids.tolist()
    rows = []
    for i, s in enumerate(net.suppliers):
        inherited = float(result.inherited[i])
        origin = int(result.origin[i])
        # origin == i: only its own score coming back round a cycle (always below its own
        # score); the path then shows the cycle, which is the honest answer.
        path = [ids[p] for p in propagation.path_to(result, own, i)] if origin >= 0 else []
        sc = scoring.scored(factors[i], inherited)
        row = {"supplier_id": s.id, "score": sc.score, "band": sc.band, "own_score": sc.own,
               "inherited_score": sc.inherited,
               "inherited_from_id": ids[origin] if origin >= 0 else None,
               "inherited_path": path,
               "factors": scoring.factor_json(factors[i], sc.inherited),
               "editions": editions, "method_version": W.METHOD_VERSION}
        row["digest"] = _digest(row)
        rows.append(row)
    tell(n, n, "writing")
    out = _write(session, org_id, rows, today)
    out.rounds = result.rounds
    summarise(session, org_id, net, rows, tables, today)
    tell(n, n, "done")
    return out


def _write(session: Session, org_id: int, rows: list[dict[str, Any]], today: date) -> Recomputed:
    now = utcnow()
    existing = {r[0]: (r[1], r[2], r[3], r[4]) for r in session.execute(
        select(RiskScore.supplier_id, RiskScore.id, RiskScore.digest, RiskScore.score,
               RiskScore.band).where(RiskScore.org_id == org_id))}
    inserts, updates, risk = [], [], {}
    for row in rows:
        old = existing.pop(row["supplier_id"], None)
        if old is None:
            inserts.append({**row, "org_id": org_id, "computed_at": now, "changed_at": now})
            risk[row["supplier_id"]] = (row["score"], row["band"])
        elif old[1] != row["digest"]:
            updates.append({**row, "b_id": old[0], "computed_at": now, "changed_at": now})
            if (old[2], old[3]) != (row["score"], row["band"]):
                risk[row["supplier_id"]] = (row["score"], row["band"])
    table = RiskScore.__table__
    for start in range(0, len(inserts), BATCH):
        session.execute(table.insert(), inserts[start:start + BATCH])
    if updates:
        cols = ("score", "band", "own_score", "inherited_score", "inherited_from_id",
                "inherited_path", "factors", "editions", "method_version", "digest",
                "computed_at", "changed_at")
        stmt = (update(table).where(table.c.id == bindparam("b_id"))
                .values({c: bindparam(c) for c in cols}))
        for start in range(0, len(updates), BATCH):
            session.execute(stmt, [{k: u[k] for k in ("b_id", *cols)}
                                   for u in updates[start:start + BATCH]])
    gone = list(existing)  # archived since, or purged
    for start in range(0, len(gone), BATCH):
        session.execute(delete(table).where(table.c.org_id == org_id,
                                            table.c.supplier_id.in_(gone[start:start + BATCH])))
    risk.update({sid: (None, None) for sid in gone})
    if risk:
        set_risk(session, org_id=org_id, scores=risk)
    _snapshots(session, org_id, rows, {sid for sid in risk if sid not in gone}, today)
    session.flush()
    return Recomputed(suppliers=len(rows), changed=len(inserts) + len(updates),
                      removed=len(gone))


def _snapshots(session: Session, org_id: int, rows: list[dict[str, Any]],
               changed: set[int], today: date) -> None:
    """Today's row per supplier: inserted once a day, updated when the score moves."""
    have = set(session.scalars(select(RiskSnapshot.supplier_id).where(
        RiskSnapshot.org_id == org_id, RiskSnapshot.day == today)))
    table = RiskSnapshot.__table__
    new = [{"org_id": org_id, "supplier_id": r["supplier_id"], "day": today,
            "score": r["score"], "band": r["band"]}
           for r in rows if r["supplier_id"] not in have]
    for start in range(0, len(new), BATCH):
        session.execute(table.insert(), new[start:start + BATCH])
    moved = [{"b_sid": r["supplier_id"], "b_score": r["score"], "b_band": r["band"]}
             for r in rows if r["supplier_id"] in have and r["supplier_id"] in changed]
    if moved:
        stmt = (update(table).where(table.c.supplier_id == bindparam("b_sid"),
                                    table.c.day == today)
                .values(score=bindparam("b_score"), band=bindparam("b_band")))
        for start in range(0, len(moved), BATCH):
            session.execute(stmt, moved[start:start + BATCH])


def get_summary(session: Session, org_id: int) -> RiskSummary | None:
    return session.scalars(select(RiskSummary).where(RiskSummary.org_id == org_id)
                           .order_by(RiskSummary.day.desc()).limit(1)).first()
