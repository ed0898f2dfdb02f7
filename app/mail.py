"""Email through an outbox: a row written with the change that caused it, sent later over SMTP.

`queue_mail` renders the message from `app/templates/mail/<template>.txt` and `.html` and adds
the row to the caller's transaction, so a rolled-back change sends nothing and a committed one
is never lost. `deliver_one` / `deliver_pending` send pending rows (the job queue calls them),
with retries, backoff and the last error kept. Templates receive only what callers pass, never
a password; the HTML body is autoescaped, so user text (names, organisations) stays text.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from huey import crontab
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import ForeignKey, Integer, String, Text, insert, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.activity.services import object_type_of, record
from app.db import Base, get_db, utcnow
from app.queue import enqueue_after_commit, periodic, task
from app.tenancy import TenantMixin

log = logging.getLogger(__name__)

STATUSES = ("pending", "sent", "failed")
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60  # doubled after each failed attempt: 1, 2, 4, 8 minutes
NO_SERVER_NOTE = "MAIL_SERVER is not set: the message waits until it is."
TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,  # a missing value is a bug, not a blank in someone's inbox
    keep_trailing_newline=True,
)


class OutboxMessage(TenantMixin, Base):
    __tablename__ = "outbox_messages"
    __label__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(80))
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": self.to_address,
            "subject": self.subject,
            "status": self.status,
            "template": self.template,
            "related": (
                {"type": self.related_type, "id": self.related_id} if self.related_type else None
            ),
            "attempts": self.attempts,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "error": self.last_error,
        }


def _one_line(text: str, limit: int) -> str:
    # A newline in a header would let user text add headers of its own.
    return " ".join(str(text).split())[:limit]


def render(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The text and HTML bodies of a mail template."""
    if not template.replace("_", "").isalnum():
        raise ValueError(f"bad mail template name {template!r}")
    text = _env.get_template(f"{template}.txt").render(**context)
    html = _env.get_template(f"{template}.html").render(**context)
    return text, html


def queue_mail(
    session: Session,
    *,
    org_id: int,
    to: str,
    subject: str,
    template: str,
    context: Mapping[str, Any],
    related: Any | None = None,
    actor: Any | None = None,
) -> OutboxMessage:
    """Add a pending message to the outbox in the caller's transaction (flushes)."""
    if any("password" in key.lower() for key in context):
        raise ValueError("mail templates never receive a password")
    text, html = render(template, context)
    message = OutboxMessage(
        org_id=org_id,
        to_address=_one_line(to, 254),
        subject=_one_line(subject, 300),
        body_text=text,
        body_html=html,
        template=template,
        related_type=object_type_of(related) if related is not None else None,
        related_id=getattr(related, "id", None),
        status="pending",
        attempts=0,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(message)
    session.flush()
    if has_app_context():  # sent by a worker once the change that caused it has committed
        enqueue_after_commit(session, deliver_message, message.id)
    return message


def queue_mail_many(
    session: Session,
    *,
    org_id: int,
    messages: Sequence[Mapping[str, Any]],
    actor: Any | None = None,
) -> int:
    """Add many pending messages at once (a campaign to thousands of suppliers).

    Each message is `{to, subject, template, context, related_type?, related_id?}`. They are
    written with one Core insert (PITFALLS: ORM inserts), and one batch task sends them all
    after the transaction commits, instead of a task per message.
    """
    rows = []
    now = utcnow()
    for item in messages:
        context = item["context"]
        if any("password" in key.lower() for key in context):
            raise ValueError("mail templates never receive a password")
        text, html = render(item["template"], context)
        rows.append({
            "org_id": org_id, "to_address": _one_line(item["to"], 254),
            "subject": _one_line(item["subject"], 300), "body_text": text, "body_html": html,
            "template": item["template"], "related_type": item.get("related_type"),
            "related_id": item.get("related_id"), "status": "pending", "attempts": 0,
            "last_error": None, "next_attempt_at": None, "created_at": now, "sent_at": None,
            "created_by_id": getattr(actor, "id", None),
        })
    if rows:
        session.execute(insert(OutboxMessage), rows)
        if has_app_context():
            enqueue_after_commit(session, deliver_batch)
    return len(rows)


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    email["X-Tierlight-Outbox-Id"] = str(message.id)
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
        timeout=float(config.get("MAIL_TIMEOUT") or 10),
    )
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _max_attempts(config: Mapping[str, Any]) -> int:
    return int(config.get("MAIL_MAX_ATTEMPTS") or MAX_ATTEMPTS)


def _failed_attempt(
    session: Session, message: OutboxMessage, error: str, config: Mapping[str, Any]
) -> None:
    message.attempts += 1
    message.last_error = error[:1000]
    if message.attempts >= _max_attempts(config):
        message.status = "failed"
        message.next_attempt_at = None
        record(
            session, org_id=message.org_id, actor=None, action="mail.failed", obj=message,
            object_type="outbox_message",
            summary=f"{message.to_address}: {message.subject}"[:200],
            details={"attempts": message.attempts, "error": message.last_error},
        )
    else:
        delay = BACKOFF_SECONDS * 2 ** (message.attempts - 1)
        message.next_attempt_at = utcnow() + timedelta(seconds=delay)


def _send(
    session: Session, smtp: smtplib.SMTP, message: OutboxMessage, config: Mapping[str, Any]
) -> bool:
    try:
        smtp.send_message(build_email(message, config.get("MAIL_FROM") or "tierlight@localhost"))
    except smtplib.SMTPServerDisconnected:
        raise  # the connection is gone: the caller counts it against every message left
    except (smtplib.SMTPException, OSError) as exc:
        _failed_attempt(session, message, f"{type(exc).__name__}: {exc}", config)
        return False
    message.attempts += 1
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    message.next_attempt_at = None
    record(
        session, org_id=message.org_id, actor=None, action="mail.sent", obj=message,
        object_type="outbox_message", summary=f"{message.to_address}: {message.subject}"[:200],
    )
    return True


def _due(now: datetime):
    return select(OutboxMessage).where(
        OutboxMessage.status == "pending",
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )


def deliver_one(session: Session, config: Mapping[str, Any], message_id: int) -> bool:
    """Send one pending message now (its backoff is ignored); flushes, the caller commits.

    True when it was sent. A message that is not pending (already sent by another worker,
    or failed for good) is left alone, so the task is idempotent on retry.
    """
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    )
    if message is None or message.status != "pending":
        return False
    if not config.get("MAIL_SERVER"):
        message.last_error = NO_SERVER_NOTE
        session.flush()
        return False
    try:
        smtp = _connect(config)
    except (smtplib.SMTPException, OSError) as exc:
        _failed_attempt(session, message, f"{type(exc).__name__}: {exc}", config)
        session.flush()
        return False
    try:
        sent = _send(session, smtp, message, config)
    except smtplib.SMTPServerDisconnected as exc:
        _failed_attempt(session, message, f"SMTPServerDisconnected: {exc}", config)
        sent = False
    finally:
        _quit(smtp)
    session.flush()
    return sent


def deliver_pending(session: Session, config: Mapping[str, Any], *, limit: int = 100) -> int:
    """Send the pending messages that are due, over one connection; returns how many were sent.

    A batch runner like a job: it commits after each message, so a crash half-way never sends
    a message twice and never holds the database's write lock for the whole batch.
    """
    now = utcnow()
    ids = list(session.scalars(
        _due(now).with_only_columns(OutboxMessage.id).order_by(OutboxMessage.id).limit(limit)
    ))
    if not ids:
        return 0
    if not config.get("MAIL_SERVER"):
        for message in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
            message.last_error = NO_SERVER_NOTE
        session.commit()
        return 0
    try:
        smtp = _connect(config)
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        for message in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
            _failed_attempt(session, message, error, config)
        session.commit()
        log.warning("mail server unreachable: %s", error)
        return 0
    sent = 0
    try:
        for position, message_id in enumerate(ids):
            # skip_locked: two workers running batches at once never send the same row.
            message = session.scalar(
                _due(now).where(OutboxMessage.id == message_id).with_for_update(skip_locked=True)
            )
            if message is None:
                session.commit()
                continue
            try:
                sent += _send(session, smtp, message, config)
            except smtplib.SMTPServerDisconnected as exc:
                error = f"SMTPServerDisconnected: {exc}"
                rest = session.scalars(
                    select(OutboxMessage).where(OutboxMessage.id.in_(ids[position:]),
                                                OutboxMessage.status == "pending")
                )
                for left in rest:
                    _failed_attempt(session, left, error, config)
                session.commit()
                break
            session.commit()
    finally:
        _quit(smtp)
    return sent


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def resend(session: Session, message: OutboxMessage, *, actor: Any) -> OutboxMessage:
    """Queue a failed or sent message again: a failed one is retried, a sent one copied."""
    from app.errors import Conflict

    if message.status == "pending":
        raise Conflict("This message is already waiting to be sent.")
    if message.status == "failed":
        message.status, message.attempts = "pending", 0
        message.next_attempt_at, message.last_error = None, None
        again = message
    else:
        again = OutboxMessage(
            org_id=message.org_id, to_address=message.to_address, subject=message.subject,
            body_text=message.body_text, body_html=message.body_html, template=message.template,
            related_type=message.related_type, related_id=message.related_id,
            status="pending", attempts=0, created_by_id=getattr(actor, "id", None),
        )
        session.add(again)
    session.flush()
    record(
        session, org_id=message.org_id, actor=actor, action="mail.resent", obj=again,
        object_type="outbox_message", summary=f"{again.to_address}: {again.subject}"[:200],
        details={"from_message": message.id},
    )
    return again


# --- on the queue: a task per message, queued when its transaction commits, and a sweep every
# five minutes for retries and for messages queued while no worker ran.

@task()
def deliver_message(message_id: int) -> None:
    """Send one message now; idempotent (a message no longer pending is left alone)."""
    session = get_db().new_session(write=True)
    try:
        deliver_one(session, current_app.config, message_id)
        session.commit()
    finally:
        session.close()


@periodic(crontab(minute="*/5"), name="deliver_due_mail")
def deliver_due_mail() -> None:
    session = get_db().new_session(write=True)
    try:
        deliver_pending(session, current_app.config)  # commits after each message
    finally:
        session.close()


@task()
def deliver_batch() -> None:
    """Send every pending message that is due, a hundred per connection, until none is left."""
    session = get_db().new_session(write=True)
    try:
        while deliver_pending(session, current_app.config):
            pass
    finally:
        session.close()
