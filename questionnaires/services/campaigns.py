"""Sending a template to many suppliers at once: a campaign, its assignments and their emails.

Built for 10,000 suppliers in one go: Core inserts for the assignments and the outbox rows
(PITFALLS: ORM inserts), one activity entry for the campaign, and the emails sent by a batch
job after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.auth.models import Organization, User
from app.db import utcnow
from app.errors import ValidationFailed, field_error
from app.mail import queue_mail_many
from app.people.services import clean_email
from questionnaires import definitions
from questionnaires.models import Assignment, Campaign
from questionnaires.services.links import expiry, link_for_nonce, new_link
from questionnaires.states import EDITABLE
from suppliers.models import Supplier

MAX_SUPPLIERS = 100_000
MAX_AHEAD = timedelta(days=731)
_CHUNK = 900  # ids per IN (...): well inside SQLite's bound-parameter limit
OPEN = tuple(sorted(EDITABLE | {"submitted"}))


@dataclass
class SendResult:
    campaign: Campaign
    created: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _chunks(ids: Sequence[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def when(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def template_title(template: definitions.Template) -> str:
    return definitions.tr(template.title, "en")


def invitation_context(*, buyer: str, supplier: str, title: str, due: date, link: str,
                       message: str, sender: str, connected: bool, expires: date) -> dict:
    """What the questionnaire_invitation mail says: a first sending and a new link alike."""
    return {"buyer": buyer, "supplier": supplier, "title": title, "due": when(due),
            "link": link, "message": message, "sender": sender, "connected": connected,
            "expires": when(expires)}


def _due(value: Any) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise field_error("due_date", "A date such as 2027-03-31.") from None
    if not isinstance(value, date):
        raise field_error("due_date", "A due date is required.")
    today = utcnow().date()
    if value < today:
        raise field_error("due_date", f"The due date {value.isoformat()} is in the past.")
    if value > today + MAX_AHEAD:
        raise field_error("due_date", "A due date within two years.")
    return value


def _supplier_ids(values: Any) -> list[int]:
    if not isinstance(values, list | tuple) or not values:
        raise field_error("supplier_ids", "Choose at least one supplier.")
    if len(values) > MAX_SUPPLIERS:
        raise field_error("supplier_ids", f"At most {MAX_SUPPLIERS:,} suppliers per campaign.")
    ids: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise field_error("supplier_ids", f"Supplier ids are integers; got {value!r:.40}.")
        ids.append(value)
    return list(dict.fromkeys(ids))


def _load_suppliers(session: Session, org_id: int, ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for chunk in _chunks(ids):
        for row in session.execute(
            select(Supplier.id, Supplier.name, Supplier.contact_email, Supplier.linked_org_id,
                   Supplier.archived_at)
            .where(Supplier.org_id == org_id, Supplier.id.in_(chunk))
        ):
            found[row.id] = row
    return found


def _open_assignments(session: Session, org_id: int, key: str, ids: list[int]) -> dict[int, int]:
    open_: dict[int, int] = {}
    for chunk in _chunks(ids):
        for supplier_id, assignment_id in session.execute(
            select(Assignment.supplier_id, Assignment.id).where(
                Assignment.org_id == org_id, Assignment.template_key == key,
                Assignment.status.in_(OPEN), Assignment.supplier_id.in_(chunk))
        ):
            open_[supplier_id] = assignment_id
    return open_


def _org_contacts(session: Session, org_ids: set[int]) -> dict[int, str]:
    """The first active admin (or else supplier user) of each connected organisation."""
    contacts: dict[int, str] = {}
    if not org_ids:
        return contacts
    rows = session.execute(
        select(User.org_id, User.email, User.role).where(
            User.org_id.in_(sorted(org_ids)), User.is_active.is_(True))
        .order_by(User.org_id, User.role, User.id)  # "admin" sorts before "supplier"
    )
    for org_id, email, _role in rows:
        contacts.setdefault(org_id, email)
    return contacts


def send(
    session: Session,
    *,
    org: Organization,
    actor: User,
    template_key: str,
    supplier_ids: Any,
    due_date: Any,
    email: str | None = None,
    message: str | None = None,
) -> SendResult:
    """Send the latest version of a template to suppliers of `org`; flushes.

    Suppliers that already have an open assignment of this template, and archived ones, are
    skipped (listed in the result); ids that are not the organisation's are a 422. Each
    assignment's email goes to `email` if given, else to the supplier's
    contact address, else (for a connected supplier) to its organisation's administrator.
    """
    template = definitions.get_template(template_key)  # KeyError: the caller's 404
    due = _due(due_date)
    ids = _supplier_ids(supplier_ids)
    address = clean_email(email) if email else None
    if message is not None and (len(message) > 2000 or "\x00" in message):
        raise field_error("message", "A message of at most 2,000 characters.")
    suppliers = _load_suppliers(session, org.id, ids)
    unknown = [i for i in ids if i not in suppliers]
    if unknown:
        shown = ", ".join(str(i) for i in unknown[:20]) + (" ..." if len(unknown) > 20 else "")
        raise ValidationFailed(
            f"{len(unknown)} of the suppliers are not in your network: {shown}.",
            [{"field": "supplier_ids", "message": f"No supplier {i} in your network."}
             for i in unknown[:100]],
        )
    archived = [i for i in ids if suppliers[i].archived_at is not None]
    open_ = _open_assignments(session, org.id, template.key, ids)
    contacts = _org_contacts(session, {s.linked_org_id for s in suppliers.values()
                                       if s.linked_org_id})
    to_send, no_address = [], []
    for supplier_id in ids:
        s = suppliers[supplier_id]
        if supplier_id in open_ or s.archived_at is not None:
            continue
        to = address or s.contact_email or contacts.get(s.linked_org_id or 0)
        if not to:
            no_address.append(s)
        to_send.append((s, to))
    if no_address:
        names = "; ".join(s.name for s in no_address[:10])
        raise ValidationFailed(
            f"{len(no_address)} suppliers have no contact email and are not connected "
            f"({names}{' ...' if len(no_address) > 10 else ''}). Give an email address, "
            "or add each supplier's contact first.",
            [{"field": "email", "message": f"{s.name} (id {s.id}) has no contact email."}
             for s in no_address[:100]],
        )
    campaign = Campaign(
        org_id=org.id, template_key=template.key, template_version=template.version,
        due_date=due, contact_email=address, message=message or None,
        assignment_count=len(to_send), created_by_id=actor.id,
    )
    session.add(campaign)
    session.flush()
    result = SendResult(campaign=campaign, skipped=[
        {"supplier_id": sid, "assignment_id": aid,
         "reason": "already has an open questionnaire of this template"}
        for sid, aid in open_.items()] + [
        {"supplier_id": sid, "assignment_id": None, "reason": "archived"} for sid in archived])
    if not to_send:
        return result
    now, expires = utcnow(), expiry(due)
    rows, nonces = [], []
    for s, to in to_send:
        nonce, link_hash = new_link()
        nonces.append(nonce)
        rows.append({
            "org_id": org.id, "campaign_id": campaign.id, "supplier_id": s.id,
            "supplier_org_id": s.linked_org_id, "template_key": template.key,
            "template_version": template.version, "status": "sent", "due_date": due,
            "contact_email": to, "link_nonce": nonce, "link_hash": link_hash,
            "link_expires_at": expires, "answers": {}, "created_at": now, "updated_at": now,
            "version": 1,
        })
    # Matched back by the unique link hash, not by RETURNING order: asking SQLAlchemy to sort
    # by parameter order makes it insert one row per statement on SQLite (no sentinel column).
    by_hash = dict(session.execute(
        insert(Assignment).returning(Assignment.link_hash, Assignment.id), rows).all())
    new_ids = [by_hash[row["link_hash"]] for row in rows]
    title = template_title(template)
    mails = []
    for (s, to), nonce, assignment_id in zip(to_send, nonces, new_ids, strict=True):
        link = link_for_nonce(nonce)
        result.created.append({"id": assignment_id, "supplier_id": s.id, "status": "sent",
                               "link": link})
        mails.append({
            "to": to, "subject": f"{org.name} asks {s.name} to complete: {title}",
            "template": "questionnaire_invitation", "related_type": "assignment",
            "related_id": assignment_id,
            "context": invitation_context(
                buyer=org.name, supplier=s.name, title=title, due=due, link=link,
                message=message or "", sender=actor.email, connected=bool(s.linked_org_id),
                expires=expires.date()),
        })
    queue_mail_many(session, org_id=org.id, messages=mails, actor=actor)
    record(
        session, org_id=org.id, actor=actor, action="questionnaire.campaign_sent", obj=campaign,
        summary=f"{title} v{template.version} to {len(to_send)} suppliers, due {due}",
        details={"template": template.key, "version": template.version,
                 "assignments": len(to_send), "skipped": len(open_)},
    )
    return result


__all__ = ["SendResult", "invitation_context", "send", "template_title", "when"]
