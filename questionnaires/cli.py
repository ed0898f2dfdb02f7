"""`flask questionnaires ...`: thin commands over the services, one commit each."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.db import get_session
from questionnaires import definitions, services

cli = AppGroup("questionnaires", help="Questionnaires sent to suppliers.")


@cli.command("remind")
def remind() -> None:
    """Remind suppliers of questionnaires due within three days or overdue (once a day each)."""
    db = get_session()
    count = services.send_reminders(db)
    db.commit()
    click.echo(f"{count} reminder{'s' if count != 1 else ''} queued.")


@cli.command("templates")
def templates() -> None:
    """List the built-in templates and their versions."""
    for key, versions in sorted(definitions.builtin().items()):
        latest = versions[max(versions)]
        click.echo(f"{key}: versions {', '.join(map(str, sorted(versions)))}; "
                   f"latest has {len(latest.questions)} questions "
                   f"({definitions.tr(latest.title, 'en')})")
