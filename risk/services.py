"""Recompute an organisation's risk: read inputs, score, propagate, write what changed.

Flushes, never commits (the job or command commits once). One pass over the whole network:
propagation needs every upstream score anyway, and reading 100,000 suppliers costs less than
working out which of them could be affected. Only rows whose digest changed are written, so a
change touches the supplier and what lies downstream of it, and nothing else.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Date, delete, literal, select, text
from sqlalchemy.orm import Session

from app.db import utcnow
from audits.money import format_money
from risk import bulk, gather, propagation, scoring
from risk import weights as W
from risk.factors import Factor, own_factors
from risk.goods import GoodsMatcher
from risk.models import RiskScore, RiskSnapshot
from risk.reference.services import ensure_shipped, load_tables
from risk.summary import summarise
from suppliers.services import set_risk

Progress = Callable[[int, int, str], None]
BATCH = 2000
ANALYZE_AFTER = 5000  # rows inserted or removed


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


def _digest(row: dict[str, Any], texts: tuple[str, str, str]) -> str:
    """SHA-256 of everything a row stores, read from the JSON texts that are written (so
    each row is serialised once, not once for the digest and again for the write)."""
    key = (f"{row['supplier_id']}|{row['score']!r}|{row['band']}|{row['own_score']!r}|"
           f"{row['inherited_score']!r}|{row['inherited_from_id']}|{row['method_version']}|")
    return hashlib.sha256("|".join((key, *texts)).encode()).hexdigest()


def per_product(match: Callable[[str, tuple[str, ...]], list[Any]]
                ) -> Callable[[str, tuple[str, ...]], list[Any]]:
    """The goods matcher, asked once per (country, product) in a recompute. GoodsMatcher
    orders a product list's matches by product first and matches each product on its own,
    so a list's matches are its products' matches one after the other (tested against the
    matcher). 100,000 suppliers name about 24,000 distinct (country, product) pairs in
    51,000 distinct product lists: a quarter of the products to match."""
    memo: dict[tuple[str, str], list[Any]] = {}

    def matched(country: str, products: tuple[str, ...]) -> list[Any]:
        out: list[Any] = []
        for product in products:
            if not isinstance(product, str):  # the matcher skips these too (and a JSON
                continue                      # object would not do as a key)
            key = (country, product)
            found = memo.get(key)
            if found is None:
                found = memo[key] = match(country, (product,))
            out += found
        return out

    return matched


@contextmanager
def _no_cycle_collector():
    """A recompute of 100,000 suppliers builds millions of small dicts, tuples and lists and
    keeps them to the end; the cyclic garbage collector walks that growing heap again and
    again (measured: half of the whole recompute). None of them form reference cycles, so
    reference counting frees them all the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def recompute(session: Session, org_id: int, *, today: date | None = None,
              progress: Progress | None = None) -> Recomputed:
    with _no_cycle_collector():
        return _recompute(session, org_id, today or utcnow().date(),
                          progress or (lambda done, total, stage: None))


def _recompute(session: Session, org_id: int, today: date, tell: Progress) -> Recomputed:
    # Stages, in order: reading, scoring, propagating, lineage, writing, summarising, done
    # (the CLI shows them; the benchmark times them).
    tell(0, 0, "reading")
    ensure_shipped(session)
    tables = load_tables(session, org_id)
    editions = {key: ref.id for key, ref in sorted(tables.editions.items())}
    net = gather.network(session, org_id)
    n = len(net.suppliers)
    tell(0, n, "scoring")
    cache: dict[Any, Any] = {}
    match = per_product(GoodsMatcher(tables.goods).match)
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
    tell(n, n, "lineage")
    rows = _rows(net, factors, own, result, editions)
    tell(n, n, "writing")
    out = _write(session, org_id, rows, today)
    out.rounds = result.rounds
    tell(n, n, "summarising")
    summarise(session, org_id, net, rows, tables, today)
    tell(n, n, "done")
    return out


def _rows(net: gather.Network, factors: list[list[Factor]], own: np.ndarray,
          result: propagation.Propagated, editions: dict[str, int]) -> list[dict[str, Any]]:
    """One row per supplier as stored, with its JSON texts ("_texts") and digest."""
    ids = net.ids.tolist()
    own_of = own.tolist()
    inherited_of, origin_of = result.inherited.tolist(), result.origin.tolist()
    editions_text = json.dumps(editions)  # what the JSON column type would write
    # A factor that says nothing about lowering the score is stored the same for every
    # supplier that has it, and the country and goods factors are shared objects (the
    # factor cache): serialise each one once. Keyed by id(): every factor stays alive in
    # `factors` until the end, so no id is reused meanwhile.
    shared: dict[int, tuple[dict[str, Any], str]] = {}
    rows = []
    for i, s in enumerate(net.suppliers):
        inherited, origin = inherited_of[i], origin_of[i]
        # origin == i: only its own score coming back round a cycle (always below its own
        # score); the path then shows the cycle, which is the honest answer.
        path = [ids[p] for p in propagation.path_to(result, own, i)] if origin >= 0 else []
        fs = factors[i]
        sc = scoring.scored(fs, inherited, own=own_of[i])
        entries, texts = [], []
        for f, drop in zip(fs, scoring.lowers_by(fs, sc.inherited), strict=True):
            if f.lower:
                entry = scoring.factor_entry(f, drop)
                entries.append(entry)
                texts.append(json.dumps(entry))
                continue
            hit = shared.get(id(f))
            if hit is None:
                entry = scoring.factor_entry(f, None)
                hit = shared[id(f)] = (entry, json.dumps(entry))
            entries.append(hit[0])
            texts.append(hit[1])
        row = {"supplier_id": s.id, "score": sc.score, "band": sc.band, "own_score": sc.own,
               "inherited_score": sc.inherited,
               "inherited_from_id": ids[origin] if origin >= 0 else None,
               "inherited_path": path, "factors": entries,
               "editions": editions, "method_version": W.METHOD_VERSION}
        # json.dumps of a list is its items' texts joined by ", " within brackets.
        row_texts = (json.dumps(path) if path else "[]", "[" + ", ".join(texts) + "]",
                     editions_text)
        row["_texts"] = row_texts
        row["digest"] = _digest(row, row_texts)
        rows.append(row)
    return rows


# The columns a recompute writes, in the order of its tuples; the JSON ones as the texts of
# row["_texts"] (risk.bulk).
_PLAIN = ("score", "band", "own_score", "inherited_score", "inherited_from_id",
          "method_version", "digest", "computed_at", "changed_at")
_JSON = ("inherited_path", "factors", "editions")


def _values(row: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    return (row["score"], row["band"], row["own_score"], row["inherited_score"],
            row["inherited_from_id"], row["method_version"], row["digest"], now, now,
            *row["_texts"])


def _write(session: Session, org_id: int, rows: list[dict[str, Any]], today: date) -> Recomputed:
    now = utcnow()
    existing = {r[0]: (r[1], r[2], r[3], r[4]) for r in session.execute(
        select(RiskScore.supplier_id, RiskScore.id, RiskScore.digest, RiskScore.score,
               RiskScore.band).where(RiskScore.org_id == org_id))}
    inserts, updates, risk = [], [], {}
    for row in rows:
        old = existing.pop(row["supplier_id"], None)
        if old is None:
            inserts.append((org_id, row["supplier_id"], *_values(row, now)))
            risk[row["supplier_id"]] = (row["score"], row["band"])
        elif old[1] != row["digest"]:
            updates.append((old[0], *_values(row, now)))
            if (old[2], old[3]) != (row["score"], row["band"]):
                risk[row["supplier_id"]] = (row["score"], row["band"])
    table = RiskScore.__table__
    bulk.insert_rows(session, table, ("org_id", "supplier_id", *_PLAIN, *_JSON), inserts,
                     text_json=_JSON)
    bulk.update_rows(session, table, ("id",), (*_PLAIN, *_JSON), updates, text_json=_JSON)
    gone = list(existing)  # archived since, or purged
    for start in range(0, len(gone), BATCH):
        session.execute(delete(table).where(table.c.org_id == org_id,
                                            table.c.supplier_id.in_(gone[start:start + BATCH])))
    risk.update({sid: (None, None) for sid in gone})
    if risk:
        set_risk(session, org_id=org_id, scores=risk)
    _snapshots(session, org_id, rows, {sid for sid in risk if sid not in gone}, today)
    if (session.get_bind().dialect.name == "sqlite"
            and len(inserts) + len(gone) >= max(ANALYZE_AFTER, len(rows) // 2)):
        # Without statistics SQLite reads "org_id = ?" as a handful of rows and answers
        # the API's page of scores (org_id and supplier_id IN ...) through the org_id index:
        # 140 ms instead of 1 at 100,000 suppliers. Refreshed when the table has changed
        # size a lot (about 0.1 s then).
        session.execute(text("ANALYZE risk_scores"))
    session.flush()
    return Recomputed(suppliers=len(rows), changed=len(inserts) + len(updates),
                      removed=len(gone))


def _snapshots(session: Session, org_id: int, rows: list[dict[str, Any]],
               changed: set[int], today: date) -> None:
    """Today's row per supplier: inserted once a day, updated when the score moves."""
    table, scores = RiskSnapshot.__table__, RiskScore.__table__
    today_of_org = (table.c.org_id == org_id, table.c.day == today)
    have = set(session.scalars(select(table.c.supplier_id).where(*today_of_org)))
    # The new ones straight from the scores just written (the same score and band as
    # `rows`): the database copies them, nothing is sent row by row.
    session.execute(table.insert().from_select(
        ["org_id", "supplier_id", "day", "score", "band"],
        select(scores.c.org_id, scores.c.supplier_id, literal(today, Date), scores.c.score,
               scores.c.band)
        .where(scores.c.org_id == org_id,
               scores.c.supplier_id.not_in(select(table.c.supplier_id).where(*today_of_org)))
        .order_by(scores.c.supplier_id)))
    bulk.update_rows(session, table, ("supplier_id", "day"), ("score", "band"),
                     [(r["supplier_id"], today, r["score"], r["band"]) for r in rows
                      if r["supplier_id"] in have and r["supplier_id"] in changed])

