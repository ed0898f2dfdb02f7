"""The reporter's side: the channel by its key, a report, the follow-up by code and secret, and
replies. Functions flush, never commit. Nothing about the reporter's connection is taken in:
these functions are not given the request, only what the reporter typed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import NotFound, ValidationFailed
from app.signals import grievance_changed, queue_merged
from grievances import crypto
from grievances.models import Channel, ChannelSupplier, Grievance, Message
from grievances.states import CATEGORIES, deadlines

# Crockford's base 32: no I, L, O, U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
MAX_TEXT = 10_000
MAX_LINE = 200
DEFAULT_LANGUAGES = ("en", "ne", "hi", "bn", "my", "vi", "id", "zh", "es", "fr")


def _groups(count: int) -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(count))


def normalise_code(value: Any) -> str:
    """What a person types: any case, spaces or dashes, O for 0 and I or L for 1."""
    text = str(value or "").upper().translate(_READ_AS)
    return "".join(ch for ch in text if ch in ALPHABET)[:32]


def _hash(secret: str) -> str:
    return hashlib.sha256(normalise_code(secret).encode()).hexdigest()


def channel_by_key(session: Session, intake_key: Any) -> Channel:
    """The active channel with this key; an unknown or retired key is 404."""
    key = str(intake_key or "")[:64]
    channel = session.scalar(select(Channel).where(Channel.intake_key == key,
                                                   Channel.active.is_(True)))
    if channel is None or not hmac.compare_digest(channel.intake_key, key):
        raise NotFound("There is no grievance channel at this address.")
    return channel


def ensure_channel(session: Session, *, org_id: int) -> Channel:
    """The company's channel, made on first use with a random key and every language."""
    channel = session.scalar(select(Channel).where(Channel.org_id == org_id))
    if channel is None:
        channel = Channel(org_id=org_id, intake_key=secrets.token_urlsafe(18),
                          languages=list(DEFAULT_LANGUAGES))
        session.add(channel)
        session.flush()
    return channel


def listed_workplaces(session: Session, channel: Channel) -> list[ChannelSupplier]:
    return list(session.scalars(select(ChannelSupplier).where(
        ChannelSupplier.channel_id == channel.id).order_by(ChannelSupplier.public_name)))


def _text(field: str, value: Any, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed("Please check the report.",
                               [{"field": field, "message": "Text is expected here."}])
    value = value.replace("\r\n", "\n").strip()
    problem = None
    if "\x00" in value:
        problem = "The text holds a NUL character."
    elif required and not value:
        problem = "Please write what happened."
    elif len(value) > limit:
        problem = f"At most {limit:,} characters ({len(value):,} given)."
    if problem:
        raise ValidationFailed("Please check the report.", [{"field": field,
                                                             "message": problem}])
    return value


def check_language(value: Any) -> str:
    code = str(value or "").strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise ValidationFailed("Please check the report.", [{
            "field": "language",
            "message": f'"{str(value)[:12]}" is not an ISO 639-1 language code such as "ne".'}])
    return code


def check_categories(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple) or not values:
        raise ValidationFailed("Please check the report.", [{
            "field": "categories", "message": "Choose at least one: what happened?"}])
    unknown = [str(v)[:40] for v in values if v not in CATEGORIES]
    if unknown:
        raise ValidationFailed("Please check the report.", [{
            "field": "categories",
            "message": f"Not a category: {', '.join(unknown)}. Choose from "
                       f"{', '.join(CATEGORIES)}."}])
    return list(dict.fromkeys(values))


def submit(session: Session, *, channel: Channel, categories: Any, text: Any,
           language: Any, supplier_id: Any = None, place: Any = None,
           contact: Any = None) -> tuple[Grievance, str]:
    """A new case: (grievance, secret). The secret is shown to the reporter once and kept
    only as a hash. `supplier_id` must be a workplace the channel lists (or None)."""
    errors: list[dict] = []
    values: dict[str, Any] = {}
    checks = (("categories", lambda: check_categories(categories)),
              ("text", lambda: _text("text", text, MAX_TEXT, required=True)),
              ("language", lambda: check_language(language)),
              ("place", lambda: _text("place", place, MAX_LINE)),
              ("contact", lambda: _text("contact", contact, MAX_LINE)))
    for name, check in checks:
        try:
            values[name] = check()
        except ValidationFailed as exc:
            errors += exc.details
    listed = None
    if supplier_id not in (None, ""):
        try:
            wanted = int(supplier_id)
        except (TypeError, ValueError):
            wanted = None
        listed = session.scalar(select(ChannelSupplier).where(
            ChannelSupplier.channel_id == channel.id,
            ChannelSupplier.supplier_id == wanted)) if wanted else None
        if listed is None:
            errors.append({"field": "supplier_id",
                           "message": "Choose a workplace from the list, or type where."})
    if errors:
        raise ValidationFailed("Please check the report.", errors)
    now = utcnow()
    ack_due, answer_due = deadlines(now.date())
    secret = _groups(4)
    grievance = Grievance(
        org_id=channel.org_id, case_code=_groups(2), secret_hash=_hash(secret),
        categories=values["categories"], language=values["language"],
        supplier_id=listed.supplier_id if listed else None,
        place_enc=crypto.seal(values["place"]), text_enc=crypto.seal(values["text"]),
        contact_enc=crypto.seal(values["contact"]), received_at=now,
        acknowledge_due_on=ack_due, answer_due_on=answer_due)
    session.add(grievance)
    session.flush()
    record(session, org_id=channel.org_id, actor=None, action="grievances.received",
           obj=grievance, summary=f"Grievance {grievance.case_code} received",
           details={"categories": grievance.categories, "language": grievance.language})
    if grievance.supplier_id:
        queue_merged(session, grievance_changed, "grievances", org_id=channel.org_id,
                     supplier_ids=[grievance.supplier_id])
    return grievance, secret


def find_case(session: Session, case_code: Any, secret: Any) -> Grievance:
    """The case whose code and secret match; anything else is 404 (never which was wrong)."""
    code = normalise_code(case_code)
    code = f"{code[:4]}-{code[4:8]}" if len(code) == 8 else code
    grievance = session.scalar(select(Grievance).where(Grievance.case_code == code))
    given = _hash(str(secret or ""))
    if grievance is None or not hmac.compare_digest(grievance.secret_hash, given):
        raise NotFound("No case matches this code and secret.")
    return grievance


def reporter_view(session: Session, grievance: Grievance) -> dict[str, Any]:
    """What the reporter sees: the status, the deadlines and the messages both ways; never
    the company's internal notes or who wrote a message."""
    messages = session.scalars(select(Message).where(Message.grievance_id == grievance.id)
                               .order_by(Message.created_at, Message.id))
    return {
        "case_code": grievance.case_code, "status": grievance.status,
        "categories": list(grievance.categories or []),
        "received_at": grievance.received_at.isoformat(),
        "acknowledge_due_on": grievance.acknowledge_due_on.isoformat(),
        "answer_due_on": grievance.answer_due_on.isoformat(),
        "messages": [{"from": "you" if m.from_reporter else "company",
                      "body": crypto.open_text(m.body_enc) if m.body_enc else None,
                      "at": m.created_at.isoformat()} for m in messages],
        "purged": grievance.purged_at is not None,
    }


def reporter_reply(session: Session, grievance: Grievance, body: Any) -> Message:
    """The reporter writes back (still anonymous)."""
    if grievance.purged_at is not None:
        raise ValidationFailed("This case was closed and its messages removed.",
                               [{"field": "message", "message": "The case is closed."}])
    text = _text("message", body, MAX_TEXT, required=True)
    message = Message(org_id=grievance.org_id, grievance_id=grievance.id, from_reporter=True,
                      body_enc=crypto.seal(text))
    session.add(message)
    session.flush()
    record(session, org_id=grievance.org_id, actor=None, action="grievances.reporter_replied",
           obj=grievance, summary=f"The reporter of {grievance.case_code} wrote back")
    return message
