"""The company's side of a case: who may read grievances, reading (logged), status moves,
messages to the reporter, internal notes, the supplier link and the retaliation flag; the
daily deadline check and the retention purge. Functions flush, never commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.signals import grievance_changed, queue_merged
from app.tenancy import get_owned
from grievances import crypto, states
from grievances.models import AccessWithdrawal, Grievance, Message, Note
from grievances.services.intake import MAX_TEXT, _text
from suppliers.models import Supplier

READER_ROLES = frozenset({"admin", "compliance"})


# --- who may read -----------------------------------------------------------------------------

def may_read(session: Session, user: Any) -> bool:
    """Admins and compliance users of a buying company, unless an admin withdrew it."""
    if getattr(user, "role", None) not in READER_ROLES:
        return False
    org = getattr(user, "organization", None)
    if org is None or org.kind != "buyer":
        return False
    return session.scalar(select(AccessWithdrawal.id).where(
        AccessWithdrawal.user_id == user.id)) is None


def set_access(session: Session, *, admin: Any, user: Any, allowed: bool) -> None:
    """An admin gives back or withdraws one colleague's grievance permission."""
    if user.org_id != admin.org_id:
        raise NotFound()
    if user.id == admin.id and not allowed:
        raise Conflict("You cannot withdraw your own access; ask another administrator.")
    found = session.scalar(select(AccessWithdrawal).where(AccessWithdrawal.user_id == user.id))
    if allowed and found is not None:
        session.delete(found)
    elif not allowed and found is None:
        session.add(AccessWithdrawal(org_id=admin.org_id, user_id=user.id,
                                     withdrawn_by_id=admin.id))
    else:
        return
    session.flush()
    record(session, org_id=admin.org_id, actor=admin,
           action="grievances.access_given" if allowed else "grievances.access_withdrawn",
           object_type="user", object_id=user.id,
           summary=f"Grievance access {'given to' if allowed else 'withdrawn from'} "
                   f"{user.email}")


# --- reading ----------------------------------------------------------------------------------

def load(session: Session, grievance_id: Any, user: Any) -> Grievance:
    return get_owned(session, Grievance, grievance_id, user.org_id)


def read_case(session: Session, grievance: Grievance, *, actor: Any) -> dict[str, Any]:
    """The case with its text, messages and notes decrypted; the read is logged."""
    messages = session.scalars(select(Message).where(Message.grievance_id == grievance.id)
                               .order_by(Message.created_at, Message.id)).all()
    notes = session.scalars(select(Note).where(Note.grievance_id == grievance.id)
                            .order_by(Note.created_at, Note.id)).all()
    record(session, org_id=grievance.org_id, actor=actor, action="grievances.read",
           obj=grievance, summary=f"Grievance {grievance.case_code} read")
    return {
        "text": crypto.open_text(grievance.text_enc),
        "place": crypto.open_text(grievance.place_enc),
        "contact": crypto.open_text(grievance.contact_enc),
        "messages": [{"id": m.id, "from_reporter": m.from_reporter, "author_id": m.author_id,
                      "body": crypto.open_text(m.body_enc), "at": m.created_at}
                     for m in messages],
        "notes": [{"id": n.id, "author_id": n.author_id, "body": crypto.open_text(n.body_enc),
                   "at": n.created_at} for n in notes],
    }


# --- changes ----------------------------------------------------------------------------------

def _changed(session: Session, grievance: Grievance, *supplier_ids: int | None) -> None:
    ids = [i for i in supplier_ids if i]
    if ids:
        queue_merged(session, grievance_changed, "grievances", org_id=grievance.org_id,
                     supplier_ids=ids)


def transition(session: Session, grievance: Grievance, *, to: str, actor: Any) -> Grievance:
    """Move the case on (IllegalMove is 409 naming the moves allowed)."""
    if to not in states.STATUSES:
        raise ValidationFailed("Please check the status.", [{
            "field": "status", "message": f'"{str(to)[:20]}" is not a status: '
                                          f'{", ".join(states.STATUSES)}.'}])
    try:
        reopens = states.check_move(grievance.status, to)
    except states.IllegalMove as exc:
        raise Conflict(str(exc), [{"field": "status", "message": str(exc)}]) from None
    now = utcnow()
    if grievance.acknowledged_at is None:
        grievance.acknowledged_at = now  # any answer after "received" acknowledges it
    if to == "resolved":
        grievance.resolved_at = now
    elif to == "closed":
        grievance.closed_at = now
    elif reopens:
        grievance.reopened += 1
        grievance.resolved_at = grievance.closed_at = None
    before, grievance.status = grievance.status, to
    session.flush()
    record(session, org_id=grievance.org_id, actor=actor, action="grievances.status",
           obj=grievance, summary=f"Grievance {grievance.case_code}: {before} -> {to}",
           details={"from": before, "to": to})
    _changed(session, grievance, grievance.supplier_id)
    return grievance


def send_message(session: Session, grievance: Grievance, *, actor: Any, body: Any) -> Message:
    """A message to the reporter; the first one answers the case (and acknowledges it)."""
    if grievance.purged_at is not None:
        raise Conflict("This case's messages were removed after the retention period.")
    text = _text("body", body, MAX_TEXT, required=True)
    message = Message(org_id=grievance.org_id, grievance_id=grievance.id, from_reporter=False,
                      author_id=actor.id, body_enc=crypto.seal(text))
    session.add(message)
    now = utcnow()
    grievance.answered_at = grievance.answered_at or now
    grievance.acknowledged_at = grievance.acknowledged_at or now
    if grievance.status == "received":
        grievance.status = "acknowledged"
    session.flush()
    record(session, org_id=grievance.org_id, actor=actor, action="grievances.message_sent",
           obj=grievance, summary=f"Message sent to the reporter of {grievance.case_code}")
    return message


def add_note(session: Session, grievance: Grievance, *, actor: Any, body: Any) -> Note:
    if grievance.purged_at is not None:
        raise Conflict("This case's notes were removed after the retention period.")
    note = Note(org_id=grievance.org_id, grievance_id=grievance.id, author_id=actor.id,
                body_enc=crypto.seal(_text("body", body, MAX_TEXT, required=True)))
    session.add(note)
    session.flush()
    record(session, org_id=grievance.org_id, actor=actor, action="grievances.note_added",
           obj=grievance, summary=f"Internal note on {grievance.case_code}")
    return note


def link_supplier(session: Session, grievance: Grievance, *, actor: Any,
                  supplier_id: Any) -> Grievance:
    """Link the case to one of the company's suppliers (None unlinks); risk counts it."""
    before = grievance.supplier_id
    if supplier_id in (None, ""):
        grievance.supplier_id = None
    else:
        supplier = get_owned(session, Supplier, supplier_id, grievance.org_id)
        if supplier.archived_at is not None:
            # the supplier's state, not the input: 409 (restore it first)
            raise Conflict(f"{supplier.name} is archived: restore it to link a case to it.",
                           [{"field": "supplier_id", "message": "This supplier is archived."}])
        grievance.supplier_id = supplier.id
    session.flush()
    record(session, org_id=grievance.org_id, actor=actor, action="grievances.linked",
           obj=grievance, summary=f"Grievance {grievance.case_code} linked to supplier "
                                  f"{grievance.supplier_id or 'none'}",
           details={"from": before, "to": grievance.supplier_id})
    _changed(session, grievance, before, grievance.supplier_id)
    return grievance


def set_retaliation(session: Session, grievance: Grievance, *, actor: Any,
                    flag: bool) -> Grievance:
    grievance.retaliation = bool(flag)
    session.flush()
    record(session, org_id=grievance.org_id, actor=actor, action="grievances.retaliation",
           obj=grievance, summary=f"Retaliation {'flagged' if flag else 'cleared'} on "
                                  f"{grievance.case_code}")
    _changed(session, grievance, grievance.supplier_id)
    return grievance


# --- the daily job ----------------------------------------------------------------------------

def flag_overdue(session: Session, *, today: date | None = None) -> list[Grievance]:
    """Mark cases whose acknowledgement or answer is late (once); returns the new ones."""
    today = today or utcnow().date()
    candidates = session.scalars(select(Grievance).where(
        Grievance.status.in_(states.OPEN), Grievance.overdue_flagged_at.is_(None),
        Grievance.acknowledge_due_on < today)).all()
    late = [g for g in candidates if states.Clock(
        g.status, g.acknowledge_due_on, g.answer_due_on, g.acknowledged_at,
        g.answered_at).overdue(today)]
    now = utcnow()
    for g in late:
        g.overdue_flagged_at = now
    session.flush()
    return late


def purge_closed(session: Session, *, days: int, now: datetime | None = None) -> int:
    """Remove the free text of cases closed more than `days` ago; statistics stay."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    ids = list(session.scalars(select(Grievance.id).where(
        Grievance.status == "closed", Grievance.closed_at < cutoff,
        Grievance.purged_at.is_(None))))
    if not ids:
        return 0
    session.execute(update(Grievance).where(Grievance.id.in_(ids)).values(
        text_enc=None, place_enc=None, contact_enc=None, purged_at=utcnow(),
        lock_version=Grievance.lock_version + 1))
    session.execute(update(Message).where(Message.grievance_id.in_(ids)).values(body_enc=None))
    session.execute(delete(Note).where(Note.grievance_id.in_(ids)))
    session.flush()
    return len(ids)
