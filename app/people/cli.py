"""`flask mail ...`: the outbox from the command line. Thin: call the mail service."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.db import get_session

mail_cli = AppGroup("mail", help="The email outbox.")


@mail_cli.command("send-pending")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def send_pending(limit: int) -> None:
    """Send the outbox's pending messages that are due (commits after each one)."""
    from app.mail import NO_SERVER_NOTE, deliver_pending

    if not current_app.config.get("MAIL_SERVER"):
        click.echo(NO_SERVER_NOTE)
    sent = deliver_pending(get_session(), current_app.config, limit=limit)
    click.echo(f"Sent {sent} message(s).")
