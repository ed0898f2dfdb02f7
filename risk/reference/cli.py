"""`flask risk ...`: the reference-data commands (the risk package adds `recompute` to the same
group). Thin: read the files, call one service, commit once; problems are printed with their
file, row and column, and the command exits with status 1."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.models import Organization
from app.db import get_session
from app.errors import AppError
from risk.models import DataEdition
from risk.reference import parsers, services
from risk.weights import DATASETS

cli = AppGroup("risk", help="Risk scores and the reference data they read.")


def _fail(exc: AppError) -> None:
    click.secho(f"Error: {exc.message}", fg="red", err=True)
    for d in exc.details:
        where = ", ".join(part for part in (
            d.get("file") or "", f"row {d['row']}" if d.get("row") else "",
            f"column {d['column']}" if d.get("column") else "",
            f"field {d['field']}" if d.get("field") else "") if part)
        click.secho(f"  - {where + ': ' if where else ''}{d.get('message')}", fg="red", err=True)
    sys.exit(1)


def _org_id(db, name: str | None) -> int | None:
    if not name:
        return None
    org = db.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        click.secho(f'Error: no organisation is named "{name}".', fg="red", err=True)
        sys.exit(1)
    if org.kind != "buyer":
        click.secho(f'Error: "{name}" is not a buying company: only their scores read '
                    "reference data.", fg="red", err=True)
        sys.exit(1)
    return org.id


@cli.command("load-edition")
@click.argument("dataset", type=click.Choice(DATASETS))
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edition", required=True, help='The edition label, such as "2024".')
@click.option("--title", required=True, help="What the data set is, for people.")
@click.option("--source", required=True, help="Who publishes it and where it came from.")
@click.option("--licence", default=None, help="Its licence or terms of use.")
@click.option("--retrieved", default=None, metavar="YYYY-MM-DD", help="When it was fetched.")
@click.option("--org", "org_name", default=None,
              help="Load it for this organisation only (default: the whole platform).")
@click.option("--dry-run", is_flag=True, help="Check the files; load nothing.")
def load_edition(dataset: str, files: tuple[Path, ...], edition: str, title: str, source: str,
                 licence: str | None, retrieved: str | None, org_name: str | None,
                 dry_run: bool) -> None:
    """Load a new edition of DATASET from FILE(s): it becomes the current one."""
    db = get_session()
    org_id = _org_id(db, org_name)
    for path in files:
        if os.path.getsize(path) > parsers.MAX_FILE_BYTES:
            click.secho(f"Error: {path} is larger than "
                        f"{parsers.MAX_FILE_BYTES // (1024 * 1024)} MB.", fg="red", err=True)
            sys.exit(1)
    contents = [(path.name, path.read_bytes()) for path in files]
    kwargs = {"dataset": dataset, "files": contents, "edition": edition, "title": title,
              "source": source, "licence": licence, "retrieved_on": retrieved,
              "org_id": org_id}
    try:
        if dry_run:
            checked = services.check_edition(db, **kwargs)
            db.rollback()
            n = len(checked.result.rows)
            click.echo(f"Dry run: {n:,} row{' is' if n == 1 else 's are'} valid "
                       f"({len(checked.result.skipped):,} skipped), sha256 {checked.sha256}. "
                       "Nothing was loaded.")
            return
        loaded = services.load_edition(db, **kwargs)
    except AppError as exc:
        db.rollback()
        _fail(exc)
        return
    db.commit()
    scope = org_name or "the platform"
    click.echo(f"Loaded {dataset} edition {loaded.edition} for {scope}: {loaded.row_count:,} "
               f"rows, sha256 {loaded.sha256}. It is now the current edition.")


@cli.command("editions")
@click.option("--org", "org_name", default=None, help="Also list this organisation's own.")
def editions(org_name: str | None) -> None:
    """List the editions (* marks those in force)."""
    db = get_session()
    org_id = _org_id(db, org_name)
    current = {e.id for e in services.current_editions(db, org_id).values()}
    query = services.visible_editions(db, org_id) if org_id else \
        select(DataEdition).where(DataEdition.scope_key == 0)
    rows = db.scalars(query.order_by(DataEdition.dataset, DataEdition.loaded_at,
                                     DataEdition.id)).all()
    if not rows:
        click.echo("No editions loaded: run `flask risk load-shipped`.")
        return
    click.echo(f"  {'id':>5}  {'scope':<10} {'data set':<18} {'edition':<24} {'rows':>6}  "
               f"{'loaded (UTC)':<16}  sha256")
    for e in rows:
        mark = "*" if e.id in current else " "
        scope = "platform" if e.org_id is None else "own"
        state = "" if e.superseded_at is None else "  (superseded)"
        click.echo(f"{mark} {e.id:>5}  {scope:<10} {e.dataset:<18} {e.edition[:24]:<24} "
                   f"{e.row_count:>6}  {e.loaded_at:%Y-%m-%d %H:%M}  {e.sha256[:16]}{state}")


@cli.command("load-shipped")
def load_shipped() -> None:
    """Load the editions shipped in risk/data that the platform lacks (idempotent)."""
    db = get_session()
    try:
        loaded = services.ensure_shipped(db)
    except AppError as exc:
        db.rollback()
        _fail(exc)
        return
    db.commit()
    if not loaded:
        click.echo("Every shipped edition is loaded already.")
    for e in loaded:
        click.echo(f"Loaded {e.dataset} {e.edition}: {e.row_count:,} rows"
                   + (" (superseded by a later shipped edition)" if e.superseded_at else ""))
