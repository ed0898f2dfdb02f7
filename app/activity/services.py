"""Recording activity. Every state change in Tierlight goes through `record`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.chain import GENESIS, Broken, entry_hash, verify
from app.activity.models import ActivityEntry, ActivityHead
from app.db import utcnow


def start_chain(session: Session, org_id: int) -> None:
    session.add(ActivityHead(org_id=org_id, seq=0, head_hash=GENESIS))
    session.flush()


def record(
    session: Session,
    *,
    org_id: int,
    actor: Any | None,
    action: str,
    obj: Any | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> ActivityEntry:
    """Append one entry to the organisation's chain (locks the chain head until commit)."""
    head = session.execute(
        select(ActivityHead).where(ActivityHead.org_id == org_id).with_for_update()
    ).scalar_one()
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        object_id = obj.id
    entry = ActivityEntry(
        org_id=org_id,
        seq=head.seq + 1,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None) or "system",
        action=action,
        object_type=object_type or "organization",
        object_id=object_id,
        summary=summary[:500],
        details=details or {},
        prev_hash=head.head_hash,
        hash="",
    )
    entry.hash = entry_hash(entry.prev_hash, entry.chained_fields())
    head.seq, head.head_hash = entry.seq, entry.hash
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session, org_id: int) -> Broken | None:
    rows = session.execute(
        select(ActivityEntry).where(ActivityEntry.org_id == org_id).order_by(ActivityEntry.seq)
    ).scalars()
    broken = verify((e.id, e.seq, e.prev_hash, e.hash, e.chained_fields()) for e in rows)
    if broken is None:
        head = session.get(ActivityHead, org_id)
        last = session.execute(
            select(ActivityEntry.seq, ActivityEntry.hash)
            .where(ActivityEntry.org_id == org_id)
            .order_by(ActivityEntry.seq.desc())
            .limit(1)
        ).first()
        if head is not None and (last or (0, GENESIS)) != (head.seq, head.head_hash):
            return Broken(0, head.seq, "entries were removed from the end of the chain")
    return broken
