"""`flask risk load-list` and `flask risk screen`: the screening commands, in the risk group.
Thin: read the file, call one service, commit once; problems are printed with their row and
column, and the command exits with status 1."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from sqlalchemy import select

from app.auth.models import Organization
from app.db import get_session
from app.errors import AppError
from risk.reference.cli import _fail, _org_id, cli
from risk.screening import importer, runs, services, shipped


@cli.command("load-list")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help='The list, such as "UFLPA Entity List".')
@click.option("--issuer", required=True, help="Who publishes it.")
@click.option("--edition", required=True, help='The edition label, such as "2025-01-15".')
@click.option("--source-url", default=None, help="Where the list is published.")
@click.option("--platform", is_flag=True,
              help="Load it for every buying company (a platform list).")
@click.option("--org", "org_name", default=None, help="Load it for this organisation only.")
@click.option("--dry-run", is_flag=True, help="Check the file; load nothing.")
def load_list(file: Path, name: str, issuer: str, edition: str, source_url: str | None,
              platform: bool, org_name: str | None, dry_run: bool) -> None:
    """Load an entity list, or a new edition of one, from FILE (.csv or .xlsx)."""
    if platform == bool(org_name):
        click.secho("Error: give either --platform or --org NAME.", fg="red", err=True)
        sys.exit(1)
    if os.path.getsize(file) > importer.MAX_FILE_BYTES:
        click.secho(f"Error: {file} is larger than "
                    f"{importer.MAX_FILE_BYTES // (1024 * 1024)} MB.", fg="red", err=True)
        sys.exit(1)
    db = get_session()
    org_id = _org_id(db, org_name)
    kwargs = {"filename": file.name, "data": file.read_bytes(), "name": name,
              "issuer": issuer, "edition": edition, "source_url": source_url,
              "org_id": org_id}
    try:
        if dry_run:
            checked = services.check_list(db, **kwargs)
            db.rollback()
            click.echo(f"Dry run: {len(checked.rows):,} entries are valid, sha256 "
                       f"{checked.sha256}. Nothing was loaded.")
            return
        loaded = services.load_list(db, **kwargs)
    except AppError as exc:
        db.rollback()
        _fail(exc)
        return
    db.commit()
    click.echo(f"Loaded {name}, edition {loaded.edition}, for {org_name or 'the platform'}: "
               f"{loaded.entries:,} entries, sha256 {loaded.sha256}. It is now the current "
               "edition; screening runs on the queue.")


@cli.command("load-shipped-lists")
def load_shipped_lists() -> None:
    """Load the entity lists shipped in risk/data/screening (idempotent)."""
    db = get_session()
    loaded = shipped.ensure_shipped(db)
    db.commit()
    if not loaded:
        click.echo("Every shipped list is loaded already.")
    for e in loaded:
        click.echo(f"Loaded edition {e.edition}: {e.entries:,} entries")


@cli.command("screen")
@click.option("--org", "org_name", default=None, help="Only this organisation (its name).")
def screen(org_name: str | None) -> None:
    """Screen suppliers against the entity lists now, organisation by organisation."""
    db = get_session()
    query = select(Organization).where(Organization.kind == "buyer").order_by(Organization.id)
    if org_name:
        query = query.where(Organization.name == org_name)
    orgs = list(db.scalars(query))
    if not orgs:
        raise click.ClickException(f'No buying organisation named "{org_name}".' if org_name
                                   else "No buying organisation.")
    for org in orgs:
        run = runs.screen_org(db, org.id, trigger="manual")
        db.commit()
        click.echo(f"{org.name}: {run.suppliers:,} suppliers against {run.entries:,} entries, "
                   f"{run.new_hits:,} new hits.")
