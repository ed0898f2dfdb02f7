"""What the risk package adds to the shell: the API, `flask risk`, the receivers that queue
recomputes, the daily recompute, the demo seeder."""

from __future__ import annotations

from flask import Flask

from app.registry import Package, Seeder


def _init(app: Flask) -> None:
    from app.queue import daily
    from risk import receivers
    from risk.jobs import daily_recompute

    receivers.connect()
    daily(daily_recompute, app)


def _seed(session, orgs: dict) -> None:
    from risk import demo

    demo.seed(session, orgs)


def contribution() -> Package:
    from risk.api import bp as api_bp
    from risk.cli import cli
    from risk.schemas import SCHEMAS

    return Package(
        name="risk",
        blueprints=(api_bp,),
        openapi_schemas=SCHEMAS,
        cli_groups=(cli,),
        seeders=(Seeder(_seed, order=90),),
        init_app=_init,
    )
