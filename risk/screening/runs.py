"""One screening run: every active supplier of an organisation against the current editions of
the lists it screens against (the platform's and its own), in one transaction.

Idempotent: a second run with nothing changed writes nothing but its ScreeningRun row. What a
run does with each pair it puts forward (risk/screening/matcher.py):

- a new pair becomes an open hit, unless the same supplier (same fingerprint) was already
  decided against the same entity (an entry with the same fingerprint) of the same list, in an
  earlier edition: the decision stands and no hit is made;
- an open hit gets the run's score and reasons;
- a dismissed hit stays dismissed unless the supplier's or the entry's fingerprint changed
  since the decision: then it is open again, saying so;
- a confirmed hit stays confirmed (a person decided the supplier is that entity; only a person
  dismisses it).

Open hits the run no longer puts forward (the supplier changed or was archived, or the entry's
edition was superseded: its open hits are screened again against the new one) are deleted:
they were never decisions. Decided hits are never deleted, so they keep naming their entry and
edition. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from risk.models import EntityList, ListEdition, ListEntry, ScreeningHit, ScreeningRun
from risk.screening.listed import refresh_listed
from risk.screening.matcher import EntryIndex, Found, Stats, screen, supplier_fingerprint
from risk.services import _no_cycle_collector
from suppliers.matching import Named
from suppliers.models import Supplier

BATCH = 1000
Progress = Callable[[str], None]


@dataclass(frozen=True)
class EntryMeta:
    list_id: int
    edition_id: int
    fingerprint: str


@dataclass(frozen=True)
class HitState:
    id: int
    entry_id: int
    list_id: int
    status: str
    supplier_fp: str
    entry_fp: str
    score: float
    reasons: tuple[str, ...]


def load_index(session: Session, org_id: int) -> tuple[EntryIndex, dict[int, EntryMeta]]:
    """The current entries the organisation screens against, indexed."""
    rows = session.execute(
        select(ListEntry.id, ListEntry.name, ListEntry.aliases, ListEntry.country,
               ListEntry.identifiers, ListEntry.fingerprint, ListEdition.id, EntityList.id)
        .join(ListEdition, ListEdition.id == ListEntry.edition_id)
        .join(EntityList, EntityList.id == ListEdition.list_id)
        .where(ListEdition.superseded_at.is_(None),
               or_(EntityList.scope_key == 0, EntityList.scope_key == org_id))
        .order_by(ListEntry.id))
    meta: dict[int, EntryMeta] = {}
    named = []
    for entry_id, name, aliases, country, identifiers, fp, edition_id, list_id in rows:
        meta[entry_id] = EntryMeta(list_id, edition_id, fp)
        named.append((entry_id, Named.of(name, aliases=aliases or (), country=country,
                                         identifiers=identifiers or ())))
    return EntryIndex.build(named), meta


def suppliers_of(session: Session, org_id: int) -> tuple[list[tuple[int, Named]],
                                                         dict[int, str]]:
    """(id, Named) of the active suppliers, and their fingerprints."""
    rows = session.execute(
        select(Supplier.id, Supplier.name, Supplier.latin_name, Supplier.country,
               Supplier.os_id, Supplier.lei, Supplier.duns)
        .where(Supplier.org_id == org_id, Supplier.archived_at.is_(None))
        .order_by(Supplier.id))
    named, prints = [], {}
    for sid, name, latin, country, os_id, lei, duns in rows:
        named.append((sid, Named.of(name, latin=latin, country=country,
                                    identifiers=(os_id, lei, duns))))
        prints[sid] = supplier_fingerprint(name, latin, country, (os_id, lei, duns))
    return named, prints


def _hit_rows(session: Session, org_id: int) -> list[tuple[int, HitState]]:
    rows = session.execute(
        select(ScreeningHit.supplier_id, ScreeningHit.id, ScreeningHit.entry_id,
               ScreeningHit.list_id, ScreeningHit.status, ScreeningHit.supplier_fingerprint,
               ScreeningHit.entry_fingerprint, ScreeningHit.score, ScreeningHit.reasons)
        .where(ScreeningHit.org_id == org_id).order_by(ScreeningHit.id))
    return [(r[0], HitState(r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(r[8] or ())))
            for r in rows]


@dataclass
class Plan:
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    deletes: list[int]
    reopened: int = 0


def plan(found: list[Found], meta: dict[int, EntryMeta], prints: dict[int, str],
         hits: list[tuple[int, HitState]], now: datetime, org_id: int) -> Plan:
    """What the run writes, from what it found and the hits there are (pure)."""
    by_pair = {(sid, h.entry_id): h for sid, h in hits}
    decided: dict[tuple[int, int, str], HitState] = {}
    # Dismissals against entries no longer current (a superseded edition's): when the new
    # edition's entry differs, the pair comes back saying it was dismissed before.
    dismissed_before: dict[tuple[int, int], HitState] = {}
    for sid, h in hits:
        if h.status != "open":
            decided.setdefault((sid, h.list_id, h.entry_fp), h)
        if h.status == "dismissed" and h.entry_id not in meta:
            dismissed_before.setdefault((sid, h.list_id), h)
    out = Plan([], [], [])
    seen: set[int] = set()
    for f in found:
        m, sfp = meta[f.entry_id], prints[f.supplier_id]
        reasons = list(f.reasons)
        old = by_pair.get((f.supplier_id, f.entry_id))
        if old is not None:
            seen.add(old.id)
            if old.status == "open":
                if (old.score, old.reasons, old.supplier_fp) != (f.score, tuple(reasons), sfp):
                    out.updates.append({"hit_id": old.id, "score": f.score,
                                        "certain": f.certain, "reasons": reasons,
                                        "sfp": sfp, "efp": m.fingerprint, "status": "open"})
            elif old.status == "dismissed" and (old.supplier_fp, old.entry_fp) != (
                    sfp, m.fingerprint):
                out.reopened += 1
                out.updates.append({"hit_id": old.id, "score": f.score, "certain": f.certain,
                                    "reasons": [*reasons, _changed(old, sfp)],
                                    "sfp": sfp, "efp": m.fingerprint, "status": "open"})
            continue
        earlier = decided.get((f.supplier_id, m.list_id, m.fingerprint))
        if earlier is not None and earlier.supplier_fp == sfp:
            continue  # decided before, in an earlier edition: the decision stands
        if earlier is None:
            earlier = dismissed_before.get((f.supplier_id, m.list_id))
        if earlier is not None and earlier.status == "dismissed":
            reasons.append(_changed(earlier, sfp))
        out.inserts.append({
            "org_id": org_id, "supplier_id": f.supplier_id, "entry_id": f.entry_id,
            "list_id": m.list_id, "edition_id": m.edition_id, "score": f.score,
            "certain": f.certain, "reasons": reasons, "status": "open",
            "supplier_fingerprint": sfp, "entry_fingerprint": m.fingerprint, "found_at": now,
            "decided_by_id": None, "decided_at": None, "note": None})
    out.deletes = [h.id for _sid, h in hits if h.status == "open" and h.id not in seen]
    return out


def _changed(old: HitState, sfp: str) -> str:
    what = "the supplier" if old.supplier_fp != sfp else "the list entry"
    return f"dismissed before (hit {old.id}); {what} has changed since"


def _apply(session: Session, p: Plan) -> None:
    table = ScreeningHit.__table__
    if p.inserts:
        session.execute(insert(table), p.inserts)
    if p.updates:
        session.execute(
            update(table).where(table.c.id == bindparam("hit_id"))
            .values(score=bindparam("score"), certain=bindparam("certain"),
                    reasons=bindparam("reasons"), supplier_fingerprint=bindparam("sfp"),
                    entry_fingerprint=bindparam("efp"), status=bindparam("status"),
                    decided_by_id=None, decided_at=None),
            p.updates)
    for start in range(0, len(p.deletes), BATCH):
        session.execute(delete(table).where(table.c.id.in_(p.deletes[start:start + BATCH])))
    # Hits loaded in this session would otherwise keep answering what they said before.
    changed = {u["hit_id"] for u in p.updates} | set(p.deletes)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, ScreeningHit) and obj.id in changed:
            session.expire(obj)


def screen_org(session: Session, org_id: int, *, trigger: str = "manual",
               progress: Progress | None = None) -> ScreeningRun:
    """Screen the organisation now; the run row says what it found."""
    tell = progress or (lambda stage: None)
    run = ScreeningRun(org_id=org_id, trigger=trigger[:20], started_at=utcnow())
    session.add(run)
    session.flush()
    # 100,000 suppliers make millions of small objects and no reference cycles: the cyclic
    # collector walking that heap again and again cost half the run (as in a recompute).
    with _no_cycle_collector():
        tell("reading")
        index, meta = load_index(session, org_id)
        suppliers, prints = suppliers_of(session, org_id)
        tell("matching")
        stats = Stats()
        found = list(screen(index, suppliers, stats)) if len(index) else []
    tell("writing")
    p = plan(found, meta, prints, _hit_rows(session, org_id), utcnow(), org_id)
    _apply(session, p)
    refresh_listed(session, org_id)
    run.suppliers, run.entries = len(suppliers), len(index)
    run.new_hits = len(p.inserts) + p.reopened
    run.finished_at = utcnow()
    session.flush()
    tell("done")
    return run


def last_run(session: Session, org_id: int) -> ScreeningRun | None:
    return session.scalar(select(ScreeningRun).where(ScreeningRun.org_id == org_id)
                          .order_by(ScreeningRun.started_at.desc(), ScreeningRun.id.desc())
                          .limit(1))
