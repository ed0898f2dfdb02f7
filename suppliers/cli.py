"""`flask suppliers ...`: thin commands over the services, one commit each."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.models import Organization
from app.db import get_session
from app.errors import AppError
from app.uploads import estimate_rows
from suppliers import services

cli = AppGroup("suppliers", help="The supplier network.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_name", required=True, help="The buying organisation's exact name.")
@click.option("--dry-run", is_flag=True, help="Validate only; save nothing.")
def import_command(file: str, org_name: str, dry_run: bool) -> None:
    """Import suppliers and relationships from an .xlsx or .csv file."""
    db = get_session()
    org = db.scalar(select(Organization).where(Organization.name == org_name))
    if org is None or org.kind != "buyer":
        click.secho(f'Error: no buying organisation called "{org_name}".', fg="red", err=True)
        sys.exit(1)
    filename = Path(file).name
    estimate = estimate_rows(file, filename)
    try:
        with click.progressbar(length=estimate or 1, label=f"Reading {filename}",
                               show_pos=True, file=sys.stderr) as bar:
            last = [0]

            def progress(rows: int) -> None:
                bar.update(min(rows, estimate or rows) - last[0])
                last[0] = min(rows, estimate or rows)

            parsed = services.parse_file(file, filename, on_progress=progress)
            bar.update(max((estimate or 1) - last[0], 0))
        click.echo("Matching and saving…", err=True)
        summary = services.finish_import(
            db, org_id=org.id, actor=None, parsed=parsed, filename=filename, dry_run=dry_run
        )
    except AppError as exc:
        db.rollback()
        click.secho(f"Error: {exc.message}", fg="red", err=True)
        for d in exc.details[:200]:
            where = f"row {d['row']}, " if d.get("row") else ""
            column = d.get("column") or d.get("field") or ""
            click.secho(f"  {where}{column}: {d['message']}", fg="red", err=True)
        sys.exit(1)
    if dry_run:
        db.rollback()
    else:
        db.commit()
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb} {summary.rows:,} rows: {summary.created:,} created, {summary.updated:,} "
        f"updated, {summary.unchanged:,} unchanged, {summary.relationships_created:,} new "
        "relationships."
    )
    for note in summary.notes:
        click.echo(note)


@cli.command("refresh-tiers")
@click.option("--org", "org_name", required=True)
def refresh_tiers_command(org_name: str) -> None:
    """Recompute every supplier's tier (normally automatic)."""
    db = get_session()
    org = db.scalar(select(Organization).where(Organization.name == org_name))
    if org is None:
        click.secho(f'Error: no organisation called "{org_name}".', fg="red", err=True)
        sys.exit(1)
    changed = services.refresh_tiers(db, org.id)
    db.commit()
    click.echo(f"{changed:,} tiers changed.")


@cli.command("find-duplicates")
@click.option("--org", "org_name", required=True, help="The buying organisation's exact name.")
def find_duplicates_command(org_name: str) -> None:
    """Look for likely duplicate suppliers now (normally on the queue: after imports, nightly)."""
    from suppliers.services.duplicates import find_candidates

    db = get_session()
    org = db.scalar(select(Organization).where(Organization.name == org_name))
    if org is None or org.kind != "buyer":
        click.secho(f'Error: no buying organisation called "{org_name}".', fg="red", err=True)
        sys.exit(1)
    summary = find_candidates(db, org.id)
    db.commit()
    click.echo(f"{summary.suppliers:,} suppliers: {summary.found:,} possible duplicate pairs "
               f"({summary.new:,} new, {summary.reopened:,} back after a change, "
               f"{summary.dismissed:,} marked not duplicates, {summary.removed:,} gone).")
