"""Recording activity. Every state change in Tierlight goes through `record`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.chain import (
    CHAIN_COLUMNS,
    GENESIS,
    HASH_VERSION,
    Broken,
    entry_hash,
    hashed_fields,
    verify,
)
from app.activity.models import ActivityEntry, ActivityHead
from app.db import utcnow


def start_chain(session: Session, org_id: int) -> None:
    session.add(ActivityHead(org_id=org_id, seq=0, head_hash=GENESIS))
    session.flush()


def object_type_of(obj: Any) -> str:
    """`__activity_type__` if the model names itself, else its class name in snake_case.

    (Not the table name: stripping an "s" from `ledger_entries` gives `ledger_entrie`.)
    """
    cls = type(obj)
    explicit = getattr(cls, "__activity_type__", None)
    return explicit or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls.__name__).lower()


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
        object_type = object_type or object_type_of(obj)
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
        hash_version=HASH_VERSION,
    )
    entry.hash = entry_hash(entry.prev_hash, entry.chained_fields())
    head.seq, head.head_hash = entry.seq, entry.hash
    session.add(entry)
    session.flush()
    return entry


def chain_rows(
    session: Session, org_id: int, first_seq: int = 1, last_seq: int | None = None
) -> Iterator[tuple[int, int, str, str, dict[str, Any]]]:
    """(id, seq, prev_hash, hash, hashed fields) in seq order, as `chain.verify` takes them.

    Plain columns, not ORM objects: a first checkpoint over 100,000 entries took 4 s instead
    of 12.5; and what is checked is what is stored, not what this session loaded earlier.
    """
    table = ActivityEntry.__table__
    query = select(*(table.c[name] for name in CHAIN_COLUMNS)).where(
        table.c.org_id == org_id, table.c.seq >= first_seq
    )
    if last_seq is not None:
        query = query.where(table.c.seq <= last_seq)
    for row in session.execute(query.order_by(table.c.seq)).mappings():
        yield row["id"], row["seq"], row["prev_hash"], row["hash"], hashed_fields(row)


def verify_chain(session: Session, org_id: int) -> Broken | None:
    """The first break in the organisation's chain, or in its head; None when both hold."""
    last: tuple[int, int, str] | None = None

    def rows():
        nonlocal last
        for row in chain_rows(session, org_id):
            last = row[0], row[1], row[3]
            yield row

    broken = verify(rows())
    if broken is not None:
        return broken
    head = session.get(ActivityHead, org_id)
    last_id, last_seq, last_hash = last if last is not None else (None, 0, GENESIS)
    if head is None:  # every organisation gets one when it is created
        return Broken(last_id, last_seq, "the chain head is missing")
    if (head.seq, head.head_hash) == (last_seq, last_hash):
        return None
    if head.seq > last_seq:
        return Broken(
            None, last_seq + 1,
            f"entries were removed from the end of the chain: it ends at seq {last_seq} "
            f"but its head is at seq {head.seq}",
        )
    return Broken(
        last_id, last_seq,
        f"the chain head (seq {head.seq}) does not match the last entry (seq {last_seq})",
    )
