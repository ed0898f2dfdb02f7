"""Sending the outbox from the queue: one task per message, queued when its transaction
commits, and a sweep every five minutes for retries and messages whose task was lost."""

from __future__ import annotations

from flask import current_app, has_app_context
from huey import crontab
from sqlalchemy.orm import Session

from app.db import get_db
from app.mail import deliver_one, deliver_pending
from app.queue import enqueue_after_commit, periodic, task


@task()
def deliver_message(message_id: int) -> None:
    """Send one message now; idempotent (a message that is no longer pending is left alone)."""
    session = get_db().new_session(write=True)
    try:
        deliver_one(session, current_app.config, message_id)
        session.commit()
    finally:
        session.close()


@periodic(crontab(minute="*/5"), name="deliver_due_mail")
def deliver_due_mail() -> None:
    """Retries that are due, and anything queued while no worker ran."""
    session = get_db().new_session(write=True)
    try:
        deliver_pending(session, current_app.config)  # commits after each message
    finally:
        session.close()


def send_after_commit(session: Session, message_id: int) -> None:
    if has_app_context():  # outside an app (a bare script) the sweep sends it
        enqueue_after_commit(session, deliver_message, message_id)
