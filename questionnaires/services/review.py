"""What the buying company does with a submitted questionnaire: accept it or return it, and
send a fresh link; plus the daily reminders."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.auth.models import Organization, User
from app.db import utcnow
from app.errors import Conflict, field_error
from app.mail import queue_mail, queue_mail_many
from questionnaires import definitions
from questionnaires.models import Assignment
from questionnaires.services.answering import _log, _move, template_of
from questionnaires.services.campaigns import invitation_context, template_title, when
from questionnaires.services.links import expiry, link_for_nonce, link_of, new_link
from questionnaires.states import EDITABLE
from suppliers.models import Supplier

COMMENT_LIMIT = 4000
DUE_SOON_DAYS = 3


def _title(assignment: Assignment) -> str:
    return template_title(template_of(assignment))


def accept(session: Session, assignment: Assignment, *, actor: User) -> Assignment:
    assignment.status = _move(assignment, "accept")
    assignment.accepted_at = utcnow()
    assignment.reviewed_by_id = actor.id
    session.flush()
    _log(session, assignment, actor, "questionnaire.accepted", "accepted")
    if assignment.contact_email:
        queue_mail(
            session, org_id=assignment.org_id, to=assignment.contact_email,
            subject=f"{assignment.organization.name} accepted your answers: {_title(assignment)}",
            template="questionnaire_accepted", related=assignment, actor=actor,
            context={"buyer": assignment.organization.name,
                     "supplier": assignment.supplier.name, "title": _title(assignment)},
        )
    return assignment


def return_to_supplier(session: Session, assignment: Assignment, *, actor: User,
                       comment: Any) -> Assignment:
    """Send it back with a comment the supplier sees; its link works again until due."""
    text = comment.strip() if isinstance(comment, str) else ""
    if not text or len(text) > COMMENT_LIMIT or "\x00" in text:
        raise field_error("comment", "Say what the supplier should change "
                                     f"(up to {COMMENT_LIMIT:,} characters).")
    assignment.status = _move(assignment, "return")
    assignment.returned_at = utcnow()
    assignment.reviewed_by_id = actor.id
    assignment.review_comment = text
    assignment.link_expires_at = max(assignment.link_expires_at, expiry(assignment.due_date))
    session.flush()
    _log(session, assignment, actor, "questionnaire.returned", "returned with a comment")
    if assignment.contact_email:
        queue_mail(
            session, org_id=assignment.org_id, to=assignment.contact_email,
            subject=f"{assignment.organization.name} returned {_title(assignment)} to you",
            template="questionnaire_returned", related=assignment, actor=actor,
            context={"buyer": assignment.organization.name,
                     "supplier": assignment.supplier.name, "title": _title(assignment),
                     "comment": text, "link": link_of(assignment)},
        )
    return assignment


def new_link_for(session: Session, assignment: Assignment, *, actor: User,
                 email: str | None = None) -> str:
    """Replace the emailed link (the old one stops working) and send it again."""
    if assignment.status == "accepted":
        raise Conflict("This questionnaire is accepted; it needs no link.")
    if email:
        from app.people.services import clean_email

        assignment.contact_email = clean_email(email)
    if not assignment.contact_email:
        raise field_error("email", "An address to send the link to is required.")
    assignment.link_nonce, assignment.link_hash = new_link()
    assignment.link_expires_at = expiry(max(assignment.due_date, utcnow().date()))
    session.flush()
    link = link_of(assignment)
    queue_mail(
        session, org_id=assignment.org_id, to=assignment.contact_email,
        subject=f"{assignment.organization.name}: your link to {_title(assignment)}",
        template="questionnaire_invitation", related=assignment, actor=actor,
        context=invitation_context(
            buyer=assignment.organization.name, supplier=assignment.supplier.name,
            title=_title(assignment), due=assignment.due_date, link=link,
            message="This new link replaces the one sent before.", sender=actor.email,
            connected=bool(assignment.supplier_org_id),
            expires=assignment.link_expires_at.date()),
    )
    _log(session, assignment, actor, "questionnaire.link_replaced", "sent a new link")
    return link


# --- reminders -----------------------------------------------------------------------------


def send_reminders(session: Session, *, today: date | None = None,
                   org_id: int | None = None) -> int:
    """Remind every open assignment that is due within three days or overdue, at most once
    a day each. The claim is one conditional UPDATE, so two runs on the same day (the daily
    job and `flask questionnaires remind`) never remind twice."""
    today = today or utcnow().date()
    conditions = [
        Assignment.status.in_(sorted(EDITABLE)),
        Assignment.due_date <= today + timedelta(days=DUE_SOON_DAYS),
        or_(Assignment.last_reminded_on.is_(None), Assignment.last_reminded_on < today),
        Assignment.contact_email.is_not(None),
        Assignment.link_expires_at > utcnow(),
    ]
    if org_id is not None:
        conditions.append(Assignment.org_id == org_id)
    claimed = session.execute(
        update(Assignment).where(*conditions).values(last_reminded_on=today)
        .returning(Assignment.id).execution_options(synchronize_session=False)
    ).scalars().all()
    if not claimed:
        return 0
    rows = session.execute(
        select(Assignment.id, Assignment.org_id, Assignment.template_key,
               Assignment.template_version, Assignment.due_date, Assignment.contact_email,
               Assignment.link_nonce, Supplier.name.label("supplier"),
               Organization.name.label("buyer"))
        .join(Supplier, Supplier.id == Assignment.supplier_id)
        .join(Organization, Organization.id == Assignment.org_id)
        .where(Assignment.id.in_(claimed))
    ).all()
    by_org: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        template = definitions.get_template(row.template_key, row.template_version)
        title = template_title(template)
        overdue = row.due_date < today
        days = (row.due_date - today).days
        by_org[row.org_id].append({
            "to": row.contact_email,
            "subject": (f"Overdue: {title} for {row.buyer}" if overdue
                        else f"Reminder: {title} for {row.buyer} is due {when(row.due_date)}"),
            "template": "questionnaire_reminder", "related_type": "assignment",
            "related_id": row.id,
            "context": {"buyer": row.buyer, "supplier": row.supplier, "title": title,
                        "due": when(row.due_date), "overdue": overdue,
                        "days": abs(days), "link": link_for_nonce(row.link_nonce)},
        })
    for owner, messages in by_org.items():
        queue_mail_many(session, org_id=owner, messages=messages)
        record(session, org_id=owner, actor=None, action="questionnaire.reminders_sent",
               object_type="assignment", summary=f"{len(messages)} reminders",
               details={"assignments": sorted(m["related_id"] for m in messages)[:500]})
    return len(claimed)
