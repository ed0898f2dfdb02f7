"""Keyed checkpoints over each organisation's chain, and verification against them.

A checkpoint seals (org_id, seq, entry_id, head_hash, created_at) with HMAC-SHA256 under
AUDIT_LOG_KEY, which lives in configuration and never in the database. Written daily (and by
`flask audit-log checkpoint`), exported as JSON lines for the operator to keep elsewhere. Then:
cutting entries off the end and rewinding the head leaves a checkpoint past the end; a chain
recomputed after an edit no longer has the sealed hash at the sealed seq; a forged checkpoint
fails its HMAC; and checkpoints deleted from the database are still in the exported copy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.chain import GENESIS, Broken, checkpoint_mac, mac_matches, verify
from app.activity.models import ActivityCheckpoint, ActivityEntry, ActivityHead
from app.activity.services import chain_rows, verify_chain
from app.db import utcnow

log = logging.getLogger(__name__)
EXPORT_FIELDS = ("org_id", "seq", "entry_id", "head_hash", "created_at", "mac")


@dataclass(frozen=True)
class Seal:
    """A checkpoint, from the database or from an exported file."""

    org_id: int
    seq: int
    entry_id: int
    head_hash: str
    created_at: datetime
    mac: str
    exported: bool = False

    @classmethod
    def of(cls, row: ActivityCheckpoint) -> Seal:
        return cls(row.org_id, row.seq, row.entry_id, row.head_hash, row.created_at, row.mac)

    @property
    def identity(self) -> tuple:
        return (self.org_id, self.seq, self.entry_id, self.head_hash,
                self.created_at.isoformat(), self.mac)

    def valid(self, key: str) -> bool:
        return mac_matches(
            key, self.mac, org_id=self.org_id, seq=self.seq, entry_id=self.entry_id,
            head_hash=self.head_hash, created_at=self.created_at,
        )

    def describe(self) -> str:
        where = "the exported checkpoint" if self.exported else "the checkpoint"
        return f"{where} of {self.created_at:%Y-%m-%d %H:%M} UTC at seq {self.seq}"


def _latest(session: Session, org_id: int) -> ActivityCheckpoint | None:
    return session.scalars(
        select(ActivityCheckpoint).where(ActivityCheckpoint.org_id == org_id)
        .order_by(ActivityCheckpoint.seq.desc(), ActivityCheckpoint.id.desc()).limit(1)
    ).first()


def _unsafe_to_seal(
    session: Session, key: str, head: ActivityHead, last: ActivityCheckpoint | None
) -> tuple[str | None, int | None]:
    """(why the head must not be sealed, or None; the id of the head's entry)."""
    start = 1
    if last is not None:
        if not Seal.of(last).valid(key):
            return "its latest checkpoint has a bad HMAC", None
        if head.seq < last.seq:
            return f"its head (seq {head.seq}) is behind its latest checkpoint", None
        start = last.seq
    entries = list(chain_rows(session, head.org_id, start, head.seq))
    prev, seq = GENESIS, 1
    if last is not None:
        # Only what was appended since the last checkpoint needs checking.
        if not entries or (entries[0][1], entries[0][0], entries[0][3]) != (
            last.seq, last.entry_id, last.head_hash
        ):
            return f"its entry at seq {last.seq} no longer matches its latest checkpoint", None
        prev, seq, entries = last.head_hash, last.seq + 1, entries[1:]
    broken = verify(entries, prev=prev, seq=seq)
    if broken is not None:
        return f"entry id {broken.entry_id}, seq {broken.seq}: {broken.reason}", None
    tip = entries[-1] if entries else None
    if tip is None or (tip[1], tip[3]) != (head.seq, head.head_hash):
        return "its head does not match its last entry", None
    return None, tip[0]


def write_checkpoints(session: Session, key: str) -> int:
    """Seal the head of every organisation whose head moved since its last checkpoint.

    A chain that no longer verifies since its last checkpoint is not sealed (that would bless
    the tampering); it is logged, and `audit-log verify` names the problem. Returns how many
    checkpoints were written. Flushes, never commits.
    """
    if not key:
        raise ValueError("AUDIT_LOG_KEY is not configured")
    written = 0
    for head in session.scalars(select(ActivityHead).order_by(ActivityHead.org_id)).all():
        last = _latest(session, head.org_id)
        if head.seq == 0 or (
            last is not None and (last.seq, last.head_hash) == (head.seq, head.head_hash)
        ):
            continue
        problem, entry_id = _unsafe_to_seal(session, key, head, last)
        if problem is not None or entry_id is None:
            log.warning("activity chain of org %s not checkpointed: %s", head.org_id, problem)
            continue
        now = utcnow()
        session.add(ActivityCheckpoint(
            org_id=head.org_id, seq=head.seq, entry_id=entry_id, head_hash=head.head_hash,
            created_at=now,
            mac=checkpoint_mac(key, org_id=head.org_id, seq=head.seq, entry_id=entry_id,
                               head_hash=head.head_hash, created_at=now),
        ))
        written += 1
    session.flush()
    return written


def _seal_problems(
    seals: Sequence[Seal], key: str, entries: dict[int, tuple[int, str]],
    head: ActivityHead | None, stored: set[tuple],
) -> Iterator[Broken]:
    last_seq = max(entries, default=0)
    good_before = 0  # the highest seq whose checkpoint still matches, for the message
    for seal in sorted(seals, key=lambda s: (s.seq, s.exported)):
        at = entries.get(seal.seq)
        entry_id = at[0] if at else None
        if not seal.valid(key):
            yield Broken(entry_id, seal.seq, f"{seal.describe()} has a bad HMAC: forged or altered")
            continue
        if seal.exported and seal.identity not in stored:
            yield Broken(entry_id, seal.seq,
                         f"{seal.describe()} is not in the database: checkpoints were deleted")
        if seal.seq > last_seq:
            yield Broken(
                None, last_seq + 1,
                f"entries from seq {last_seq + 1} to {seal.seq} were deleted: "
                f"{seal.describe()} sealed entry id {seal.entry_id}",
            )
        elif at != (seal.entry_id, seal.head_hash):
            yield Broken(
                entry_id, seal.seq,
                f"does not match {seal.describe()}: entries from seq {good_before + 1} to "
                f"{seal.seq} were rewritten and the chain recomputed",
            )
        else:
            good_before = max(good_before, seal.seq)
        if head is not None and head.seq < seal.seq:
            ahead = entries.get(head.seq + 1)
            yield Broken(ahead[0] if ahead else None, head.seq + 1,
                         f"the chain head was rewound to seq {head.seq}, behind {seal.describe()}")


def verify_org(
    session: Session, org_id: int, key: str, exported: Iterable[Seal] = ()
) -> Broken | None:
    """The first problem (lowest seq) in the chain, its head and its checkpoints, or None.

    `exported` are checkpoints read back from files kept away from the database.
    """
    db_seals = [Seal.of(c) for c in session.scalars(
        select(ActivityCheckpoint).where(ActivityCheckpoint.org_id == org_id))]
    seals = db_seals + [s for s in exported if s.org_id == org_id]
    problems: list[Broken] = []
    if seals:
        entries = {
            seq: (entry_id, digest) for seq, entry_id, digest in session.execute(
                select(ActivityEntry.seq, ActivityEntry.id, ActivityEntry.hash)
                .where(ActivityEntry.org_id == org_id))
        }
        problems += _seal_problems(seals, key, entries, session.get(ActivityHead, org_id),
                                   {s.identity for s in db_seals})
    broken = verify_chain(session, org_id)
    if broken is not None:
        problems.append(broken)
    return min(problems, key=lambda b: b.seq) if problems else None


def export_checkpoints(session: Session) -> Iterator[dict]:
    """Every checkpoint, as the JSON objects `load_exported` reads back."""
    rows = session.scalars(select(ActivityCheckpoint).order_by(
        ActivityCheckpoint.org_id, ActivityCheckpoint.seq, ActivityCheckpoint.id))
    for row in rows:
        yield {
            "org_id": row.org_id, "seq": row.seq, "entry_id": row.entry_id,
            "head_hash": row.head_hash, "created_at": row.created_at.isoformat(),
            "mac": row.mac,
        }


def load_exported(lines: Iterable[str]) -> list[Seal]:
    """Parse exported JSON lines; ValueError names the first bad line."""
    seals = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            created = datetime.fromisoformat(item["created_at"])
            if created.tzinfo is None or any(
                not isinstance(item[f], int) or isinstance(item[f], bool)
                for f in ("org_id", "seq", "entry_id")
            ) or not isinstance(item["head_hash"], str) or not isinstance(item["mac"], str):
                raise ValueError("a field has the wrong type")
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: not an exported checkpoint ({exc})") from None
        seals.append(Seal(item["org_id"], item["seq"], item["entry_id"], item["head_hash"],
                          created, item["mac"], exported=True))
    return seals


def daily_checkpoint(session: Session) -> None:
    """The queue's daily hook: seal every chain whose head moved since its last checkpoint."""
    from flask import current_app

    written = write_checkpoints(session, current_app.config["AUDIT_LOG_KEY"])
    log.info("activity log: %d checkpoint(s) written", written)
