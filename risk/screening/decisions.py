"""Deciding a hit: confirm (the supplier is the listed entity) or dismiss (it is not), with a
note. A decision can be changed (a confirmed hit dismissed, a dismissed one confirmed); each is
written to the activity log. Confirming sets Supplier.listed and, through the next recompute,
makes the listing a critical risk factor of the supplier and of everything downstream of it;
dismissing the last confirmed hit clears both. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import ValidationFailed
from risk.models import EntityList, ListEdition, ListEntry, ScreeningHit
from risk.screening.listed import refresh_listed

DECISIONS = {"confirm": "confirmed", "dismiss": "dismissed"}
NOTE_LIMIT = 1000

# Called as hook(session, org_id) after a decision changed a hit, in the same transaction
# (risk/screening/receivers.py asks for a recompute once it commits).
DECIDED: list[Callable[[Session, int], None]] = []


def clean_note(note: object, *, required: bool) -> str | None:
    text = "" if note is None else str(note).replace("\r\n", "\n").strip()
    if not text:
        if required:
            raise ValidationFailed("Say why the hit is dismissed: a note is required.",
                                   [{"field": "note", "message": "required to dismiss"}])
        return None
    if any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in text):
        raise ValidationFailed("The note contains control characters.",
                               [{"field": "note", "message": "contains control characters"}])
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed(f"The note is {len(text):,} characters long; the most is "
                               f"{NOTE_LIMIT:,}.",
                               [{"field": "note", "message": f"at most {NOTE_LIMIT} characters"}])
    return text


def decide(session: Session, hit: ScreeningHit, *, decision: str, note: object = None,
           actor: Any = None) -> ScreeningHit:
    """Confirm or dismiss `hit` (already loaded for the actor's organisation)."""
    status = DECISIONS.get(decision)
    if status is None:
        raise ValidationFailed("The decision is confirm or dismiss.",
                               [{"field": "decision", "message": "must be confirm or dismiss"}])
    text = clean_note(note, required=status == "dismissed")
    before = hit.status
    hit.status, hit.note = status, text
    hit.decided_by_id, hit.decided_at = getattr(actor, "id", None), utcnow()
    session.flush()
    refresh_listed(session, hit.org_id, [hit.supplier_id])
    entry = session.get(ListEntry, hit.entry_id)
    edition = session.get(ListEdition, hit.edition_id)
    listing = session.get(EntityList, hit.list_id)
    record(session, org_id=hit.org_id, actor=actor, action=f"risk.hit_{status}", obj=hit,
           summary=f"{listing.name if listing else 'list'} "
                   f"{edition.edition if edition else ''}: "
                   f"{entry.name if entry else 'entry'} ({before} -> {status})",
           details={"supplier_id": hit.supplier_id, "entry_id": hit.entry_id,
                    "edition_id": hit.edition_id, "from": before, "to": status,
                    "note": text})
    if before != status:
        for hook in DECIDED:
            hook(session, hit.org_id)
    return hit
