"""Finding, storing and deciding likely duplicate suppliers (suppliers/duplicates.py finds).

A scan reads the organisation's live suppliers, finds the pairs and stores them as
DuplicateCandidate rows (low_id < high_id) with the fingerprints of both records. A pair
someone dismissed ("not a duplicate") stays dismissed while both fingerprints are the same;
when either record changes it is open again. Open pairs the scan no longer finds (a record
changed, or was archived) are removed. Scans run on the job queue (suppliers/jobs.py) after
every import, nightly and on demand; `request_scan` coalesces them per organisation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import has_app_context
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, ValidationFailed
from app.jobs.models import Job
from app.jobs.services import submit_job
from suppliers.duplicates import Pair, Record, Stats, find_duplicates, fingerprint
from suppliers.importer import clean_text
from suppliers.models import DuplicateCandidate, Supplier

KIND = "suppliers.duplicates"
NOTE_LIMIT = 1000
_COLUMNS = (Supplier.id, Supplier.name, Supplier.country, Supplier.latin_name, Supplier.address,
            Supplier.products, Supplier.os_id, Supplier.lei, Supplier.duns)


@dataclass
class ScanSummary:
    suppliers: int = 0
    found: int = 0       # pairs the matcher proposes now
    new: int = 0
    reopened: int = 0    # dismissed before, but a record has changed since
    dismissed: int = 0   # found again, still dismissed: nothing changed
    removed: int = 0     # open pairs no longer found
    compared: int = 0    # pairs scored

    def as_json(self) -> dict[str, int]:
        return asdict(self)


def _record(row: Any) -> Record:
    sid, name, country, latin, address, products, os_id, lei, duns = row
    return Record(sid, name, country, latin, address, tuple(products or ()), (os_id, lei, duns))


def live_records(session: Session, org_id: int, ids: list[int] | None = None) -> list[Record]:
    """The organisation's live (not archived) suppliers as the matcher reads them."""
    stmt = select(*_COLUMNS).where(Supplier.org_id == org_id, Supplier.archived_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Supplier.id.in_(ids))
    return [_record(r) for r in session.execute(stmt.order_by(Supplier.id))]


def find_pairs(session: Session, org_id: int) -> tuple[list[Record], list[Pair], Stats]:
    """Read and match, writing nothing (a scan on the queue does this in a read session, so
    SQLite's write lock is held only for `store_candidates`)."""
    records = live_records(session, org_id)
    pairs, stats = find_duplicates(records)
    return records, pairs, stats


def store_candidates(session: Session, org_id: int, records: list[Record], pairs: list[Pair],
                     stats: Stats | None = None) -> ScanSummary:
    summary = ScanSummary(suppliers=len(records), found=len(pairs),
                          compared=stats.compared if stats else 0)
    prints = {r.id: fingerprint(r) for r in records}
    # Of the records read: a supplier archived or changed since is the next scan's to see.
    live = set(session.scalars(select(Supplier.id).where(
        Supplier.org_id == org_id, Supplier.archived_at.is_(None))))
    existing = {(c.low_id, c.high_id): c for c in session.scalars(
        select(DuplicateCandidate).where(DuplicateCandidate.org_id == org_id))}
    now = utcnow()
    inserts = []
    for pair in pairs:
        if pair.low_id not in live or pair.high_id not in live:
            continue
        low_print, high_print = prints[pair.low_id], prints[pair.high_id]
        row = existing.pop((pair.low_id, pair.high_id), None)
        if row is None:
            inserts.append({"org_id": org_id, "low_id": pair.low_id, "high_id": pair.high_id,
                            "score": pair.score, "certain": pair.certain,
                            "reasons": list(pair.reasons), "status": "open",
                            "low_fingerprint": low_print, "high_fingerprint": high_print,
                            "found_at": now, "decided_by_id": None, "decided_at": None,
                            "note": None})
            continue
        unchanged = (row.low_fingerprint, row.high_fingerprint) == (low_print, high_print)
        if row.status == "dismissed" and unchanged:
            summary.dismissed += 1
            continue
        if row.status != "open":  # dismissed, and a record changed; or merged, and restored
            summary.reopened += 1
            row.status, row.found_at = "open", now
            row.decided_by_id = row.decided_at = row.note = None
        row.score, row.certain, row.reasons = pair.score, pair.certain, list(pair.reasons)
        row.low_fingerprint, row.high_fingerprint = low_print, high_print
    gone = [c.id for c in existing.values() if c.status == "open"]
    for start in range(0, len(gone), 900):
        session.execute(delete(DuplicateCandidate).where(
            DuplicateCandidate.org_id == org_id,
            DuplicateCandidate.id.in_(gone[start:start + 900])))
    summary.removed = len(gone)
    for start in range(0, len(inserts), 5000):
        session.execute(insert(DuplicateCandidate), inserts[start:start + 5000])
    summary.new = len(inserts)
    session.flush()
    return summary


def find_candidates(session: Session, org_id: int) -> ScanSummary:
    """Scan the organisation's network and store what was found, in one session."""
    records, pairs, stats = find_pairs(session, org_id)
    return store_candidates(session, org_id, records, pairs, stats)


def request_scan(session: Session, *, org_id: int, user_id: int | None = None) -> Job | None:
    """Queue a scan (when the caller commits), unless one is already waiting to start: a
    burst of imports is one scan. One already running gets a successor, so it sees them.
    A bare session (a script or a test's seeding, no app) has no queue: nothing is asked."""
    if not has_app_context():
        return None
    waiting = session.scalar(select(Job).where(
        Job.org_id == org_id, Job.kind == KIND, Job.status == "queued").limit(1))
    if waiting is not None:
        return waiting
    return submit_job(session, org_id=org_id, user_id=user_id, kind=KIND)


def last_scan(session: Session, org_id: int) -> Job | None:
    return session.scalar(select(Job).where(Job.org_id == org_id, Job.kind == KIND)
                          .order_by(Job.id.desc()).limit(1))


def clean_note(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed("The note is text.", [{"field": "note", "message": "not text"}])
    text = clean_text(value, multiline=True)
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed(f"The note is {len(text):,} characters long; the limit is "
                               f"{NOTE_LIMIT:,}.", [{"field": "note", "message": "too long"}])
    return text or None


def pair_suppliers(session: Session, candidate: DuplicateCandidate
                   ) -> tuple[Supplier, Supplier]:
    low = session.get(Supplier, candidate.low_id)
    high = session.get(Supplier, candidate.high_id)
    assert low is not None and high is not None  # the foreign keys cascade
    return low, high


def dismiss_candidate(session: Session, candidate: DuplicateCandidate, *, actor: Any,
                      note: Any = None) -> DuplicateCandidate:
    """"Not a duplicate": remembered with both records' fingerprints as they are now."""
    note = clean_note(note)
    if candidate.status != "open":
        raise Conflict(f"This pair is {candidate.status} already.",
                       [{"field": "status", "message": candidate.status}])
    low, high = pair_suppliers(session, candidate)
    if low.archived_at is not None or high.archived_at is not None:
        raise Conflict("One of these suppliers is archived.")
    records = {r.id: r for r in live_records(session, candidate.org_id, [low.id, high.id])}
    candidate.status = "dismissed"
    candidate.low_fingerprint = fingerprint(records[low.id])
    candidate.high_fingerprint = fingerprint(records[high.id])
    candidate.decided_by_id = getattr(actor, "id", None)
    candidate.decided_at = utcnow()
    candidate.note = note
    session.flush()
    record(session, org_id=candidate.org_id, actor=actor, action="suppliers.not_duplicates",
           obj=candidate, object_type="possible duplicate",
           summary=f"{low.name} and {high.name} are not duplicates",
           details={"low_id": low.id, "high_id": high.id, "note": note})
    return candidate


def mark_merged(session: Session, org_id: int, keep_id: int, duplicate_id: int,
                actor: Any) -> int:
    """After a merge: the pair is merged; other open pairs of the archived duplicate go (the
    next scan compares the kept record with them). Returns the merged pair's id or 0."""
    low, high = sorted((keep_id, duplicate_id))
    pair = session.scalar(select(DuplicateCandidate).where(
        DuplicateCandidate.org_id == org_id, DuplicateCandidate.low_id == low,
        DuplicateCandidate.high_id == high))
    if pair is not None:
        pair.status = "merged"
        pair.decided_by_id = getattr(actor, "id", None)
        pair.decided_at = utcnow()
        session.flush()
    session.execute(delete(DuplicateCandidate).where(
        DuplicateCandidate.org_id == org_id, DuplicateCandidate.status == "open",
        (DuplicateCandidate.low_id == duplicate_id) | (DuplicateCandidate.high_id
                                                        == duplicate_id)))
    session.flush()
    return pair.id if pair is not None else 0
