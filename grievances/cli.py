"""`flask grievances ...`: re-encrypt every stored text under the newest key, and the
retention purge now (the daily job runs it too).

Key rotation: put the new key first in TIERLIGHT_GRIEVANCE_KEYS (keeping the old one after
it), run `flask grievances rotate-keys`, then drop the old key. Each batch is its own
transaction, so a long run can be interrupted and run again: a token already under the newest
key is simply encrypted again.
"""

from __future__ import annotations

import click
from cryptography.fernet import InvalidToken
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import get_session
from grievances import crypto
from grievances.crypto import UnreadableText
from grievances.models import Grievance, Message, Note
from grievances.services import cases

cli = AppGroup("grievances", help="Grievance channel: encryption keys and retention.")
BATCH = 500

# model -> its encrypted columns
SEALED = ((Grievance, ("text_enc", "place_enc", "contact_enc")),
          (Message, ("body_enc",)), (Note, ("body_enc",)))


def rotate_table(session: Session, model, columns: tuple[str, ...], *,
                 batch: int = BATCH, commit: bool = True) -> int:
    """Re-encrypt every non-empty token of these columns, in batches by id; returns how many
    tokens were rotated. A token no configured key opens stops the run (UnreadableText)."""
    done = 0
    last = 0
    cols = [getattr(model, c) for c in columns]
    while True:
        rows = session.execute(select(model.id, *cols).where(model.id > last)
                               .order_by(model.id).limit(batch)).all()
        if not rows:
            return done
        for row in rows:
            values = {}
            for name, token in zip(columns, row[1:], strict=True):
                if token is not None:
                    values[name] = _rotated(token, model, row[0])
            if values:
                session.execute(update(model).where(model.id == row[0]).values(**values))
                done += len(values)
        last = rows[-1][0]
        if commit:
            session.commit()


def _rotated(token: bytes, model, row_id: int) -> bytes:
    try:
        return crypto.rotate(token)
    except InvalidToken:  # crypto.rotate does not translate it as open_text does
        raise UnreadableText(f"row {row_id}: this text was encrypted with a key that is no "
                             "longer configured (TIERLIGHT_GRIEVANCE_KEYS); put the old key "
                             "back after the new one and run again.") from None


@cli.command("rotate-keys")
@click.option("--batch", default=BATCH, show_default=True, help="Rows per transaction.")
def rotate_keys(batch: int) -> None:
    """Re-encrypt every stored grievance text under the newest key."""
    db = get_session()
    keys = current_app.config["GRIEVANCE_KEYS"]
    click.echo(f"Encrypting under the newest of {len(keys)} configured key"
               f"{'s' if len(keys) != 1 else ''}.")
    total = 0
    for model, columns in SEALED:
        try:
            count = rotate_table(db, model, columns, batch=max(batch, 1))
        except UnreadableText as exc:
            db.rollback()
            raise click.ClickException(f"{model.__tablename__}: {exc}") from None
        total += count
        click.echo(f"{model.__tablename__}: {count:,} texts re-encrypted.")
    click.echo(f"Done: {total:,} texts now under the newest key. The older keys can be "
               "removed from TIERLIGHT_GRIEVANCE_KEYS.")


@cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Retention in days (default: GRIEVANCE_RETENTION_DAYS).")
def purge(days: int | None) -> None:
    """Remove now the text of cases closed longer ago than the retention period."""
    db = get_session()
    if days is None:
        days = int(current_app.config.get("GRIEVANCE_RETENTION_DAYS", 365))
    count = cases.purge_closed(db, days=days)
    db.commit()
    click.echo(f"{count:,} closed case{'s' if count != 1 else ''} purged of their text "
               f"(closed more than {days:,} days ago); their statistics remain.")
