"""`flask --app wsgi ...` commands of the shell. Thin: validate, call a service, commit once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.activity.checkpoints import (
    export_checkpoints,
    load_exported,
    verify_org,
    write_checkpoints,
)
from app.auth import services
from app.auth.models import Organization, User
from app.auth.roles import ORG_KINDS, ROLES
from app.db import get_db, get_session
from app.errors import AppError
from app.jobs.cli import jobs_cli
from app.people.cli import mail_cli
from app.registry import registry

db_cli = AppGroup("db", help="Database schema migrations (Alembic).")
orgs_cli = AppGroup("orgs", help="Organisations (tenants).")
users_cli = AppGroup("users", help="User accounts.")
audit_cli = AppGroup("audit-log", help="The tamper-evident activity log.")

DEMO_PASSWORD = "tierlight-demo-2026"  # noqa: S105 - printed for the local demo
DEMO_ORGS = {
    "buyer": ("Northwind Apparel Ltd", "buyer", "UK"),
    "supplier": ("Saigon Stitch Co.", "supplier", None),
    "audit_firm": ("Veritas Social Audits", "audit_firm", None),
    "regulator": ("UK Home Office (demo)", "regulator", "UK"),
    "regulator_au": ("Australian Border Force (demo)", "regulator", "AU"),
}
DEMO_USERS = (
    ("admin@northwind.example", "buyer", "admin", "Amara Okafor"),
    ("compliance@northwind.example", "buyer", "compliance", "Chen Wei"),
    ("supplier@saigonstitch.example", "supplier", "supplier", "Nguyen Thi Lan"),
    ("auditor@veritas.example", "audit_firm", "auditor", "Ravi Menon"),
    ("auditor2@veritas.example", "audit_firm", "auditor", "Ana Lima"),
    ("regulator@homeoffice.example", "regulator", "regulator", "Sarah Jones"),
    ("regulator@abf.example", "regulator_au", "regulator", "Liam Walsh"),
)


def _fail(exc: AppError) -> None:
    click.secho(f"Error: {exc.message}", fg="red", err=True)
    for detail in exc.details:
        click.secho(f"  - {detail.get('message')}", fg="red", err=True)
    sys.exit(1)


def _alembic():
    from alembic import command

    from app.migrations import alembic_config

    return command, alembic_config(current_app.config["DATABASE_URL"])


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database schema (to the newest revision by default)."""
    command, cfg = _alembic()
    command.upgrade(cfg, revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision."""
    command, cfg = _alembic()
    command.current(cfg, verbose=False)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new revision; review it before committing."""
    command, cfg = _alembic()
    command.revision(cfg, message=message, autogenerate=autogenerate)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    command, cfg = _alembic()
    command.downgrade(cfg, revision)


@orgs_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(ORG_KINDS), required=True)
@click.option("--jurisdiction", help="Two-letter code, for regulators (UK, AU, CA, ...).")
def orgs_create(name: str, kind: str, jurisdiction: str | None) -> None:
    """Create an organisation."""
    db = get_session()
    try:
        org = services.create_org(db, name=name, kind=kind, jurisdiction=jurisdiction)
    except AppError as exc:
        _fail(exc)
    db.commit()
    click.echo(f"Created organisation {org.id}: {org.name} ({org.kind}).")


@users_cli.command("create")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="The organisation's exact name.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email: str, org_name: str, role: str, name: str, password: str) -> None:
    """Create a user (prompts for the password when --password is omitted)."""
    db = get_session()
    org = db.scalar(select(Organization).where(Organization.name == org_name))
    if org is None:
        click.secho(f'Error: no organisation called "{org_name}".', fg="red", err=True)
        sys.exit(1)
    try:
        user = services.create_user(
            db, org=org, email=email, role=role, password=password, name=name,
            fast_hash=current_app.config["PASSWORD_HASH_FAST"],
        )
    except AppError as exc:
        _fail(exc)
    db.commit()
    click.echo(f"Created user {user.email} ({user.role}) in {org.name}.")


def seed_demo(db) -> dict[str, Organization]:
    """Create the demo organisations, users and data; safe to run again."""
    orgs: dict[str, Organization] = {}
    for key, (name, kind, jurisdiction) in DEMO_ORGS.items():
        org = db.scalar(select(Organization).where(Organization.name == name))
        orgs[key] = org or services.create_org(
            db, name=name, kind=kind, jurisdiction=jurisdiction
        )
    for email, org_key, role, name in DEMO_USERS:
        if db.scalar(select(User.id).where(User.email == email)) is None:
            services.create_user(
                db, org=orgs[org_key], email=email, role=role, password=DEMO_PASSWORD,
                name=name, fast_hash=current_app.config["PASSWORD_HASH_FAST"],
            )
    from app.people import demo as people_demo

    people_demo.seed(db, orgs)
    for seeder in registry().demo_seeders:
        seeder(db, orgs)
    return orgs


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def seed_demo_command(if_empty: bool) -> None:
    """Load demo organisations, users and a demo supply network (idempotent)."""
    db = get_session()
    if if_empty and db.scalar(select(User.id).limit(1)) is not None:
        click.echo("Database already has data; demo data not loaded.")
    else:
        seed_demo(db)
        db.commit()
        click.echo("Demo data loaded.")
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for email, _org, role, _name in DEMO_USERS:
        click.echo(f"  {role:<11} {email}")


def _audit_key() -> str:
    key = current_app.config.get("AUDIT_LOG_KEY")
    if not key:
        click.secho("Error: AUDIT_LOG_KEY is not configured.", fg="red", err=True)
        sys.exit(1)
    return key


@audit_cli.command("verify")
@click.option(
    "--checkpoints", "files", multiple=True, type=click.Path(exists=True, dir_okay=False),
    help="Exported checkpoints (from export-checkpoints) to check against as well; repeatable.",
)
def audit_verify(files: tuple[str, ...]) -> None:
    """Check every organisation's hash chain and checkpoints; name the first problem."""
    key = _audit_key()
    exported = []
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                exported += load_exported(handle)
        except (ValueError, UnicodeDecodeError) as exc:
            click.secho(f"Error: {name}: {exc}", fg="red", err=True)
            sys.exit(1)
    db = get_session()
    failures = 0
    seen: set[int] = set()
    for org in db.scalars(select(Organization).order_by(Organization.id)):
        seen.add(org.id)
        broken = verify_org(db, org.id, key, exported)
        if broken:
            failures += 1
            entry = broken.entry_id if broken.entry_id is not None else "(deleted)"
            click.secho(
                f"BROKEN {org.name} (org {org.id}): entry id {entry}, "
                f"seq {broken.seq}: {broken.reason}",
                fg="red",
            )
        else:
            click.echo(f"ok     {org.name} (org {org.id})")
    for org_id in sorted({s.org_id for s in exported} - seen):
        failures += 1
        sealed = max(s.seq for s in exported if s.org_id == org_id)
        click.secho(
            f"BROKEN (org {org_id}): the organisation is missing from the database; "
            f"exported checkpoints seal its chain up to seq {sealed}",
            fg="red",
        )
    if failures:
        sys.exit(1)
    click.echo("Every chain verifies.")


@audit_cli.command("checkpoint")
def audit_checkpoint() -> None:
    """Seal every organisation's chain head that moved since its last checkpoint, now."""
    db = get_session()
    written = write_checkpoints(db, _audit_key())
    db.commit()
    click.echo(f"Wrote {written} checkpoint{'s' if written != 1 else ''}.")


@audit_cli.command("export-checkpoints")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def audit_export_checkpoints(file: str) -> None:
    """Write every checkpoint to FILE as JSON lines; keep it away from the database."""
    db = get_session()
    path = Path(file)
    partial = path.with_name(path.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as handle:
        for item in export_checkpoints(db):
            handle.write(json.dumps(item, sort_keys=True) + "\n")
            count += 1
    partial.replace(path)
    click.echo(f"Exported {count} checkpoint{'s' if count != 1 else ''} to {file}.")


def init_app(app: Flask) -> None:
    for group in (db_cli, orgs_cli, users_cli, audit_cli, jobs_cli, mail_cli):
        app.cli.add_command(group)
    app.cli.add_command(seed_demo_command)
    get_db(app)  # fail early if the database extension is missing
