"""`flask risk ...`: recompute scores; the reference-data commands join the same group."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.auth.models import Organization
from app.db import get_session
from risk import services
from risk.reference.cli import cli

__all__ = ["cli"]


@cli.command("recompute")
@click.option("--org", "org_name", help="Only this organisation (its name).")
def recompute(org_name: str | None) -> None:
    """Recompute every supplier's score, organisation by organisation, with a progress bar."""
    db = get_session()
    query = select(Organization).where(Organization.kind == "buyer").order_by(Organization.id)
    if org_name:
        query = select(Organization).where(Organization.name == org_name)
    orgs = list(db.scalars(query))
    if not orgs:
        raise click.ClickException(
            f'No organisation named "{org_name}".' if org_name else "No buying organisation.")
    if org_name and orgs[0].kind != "buyer":
        raise click.ClickException(f'"{org_name}" is a {orgs[0].kind} organisation: only '
                                   "buying companies have supplier risk.")
    for org in orgs:
        with click.progressbar(length=1, label=f"{org.name}", show_pos=True) as bar:
            state = {"done": 0}

            def tell(done: int, total: int, stage: str, bar=bar, state=state,
                     name=org.name) -> None:
                bar.length = max(total, 1)
                bar.label = f"{name}: {stage}"
                bar.update(done - state["done"])
                state["done"] = done

            result = services.recompute(db, org.id, progress=tell)
        db.commit()
        plural = "" if result.suppliers == 1 else "s"
        click.echo(f"{org.name}: {result.suppliers:,} supplier{plural} scored, "
                   f"{result.changed:,} changed, {result.removed:,} removed "
                   f"({result.rounds} propagation rounds).")
