"""What the risk package adds to the shell: the dashboard, its nav item and home card, the
supplier page's panel, the reference-data pages, the API, `flask risk`, the receivers that
queue recomputes, the daily recompute and the demo seeders."""

from __future__ import annotations

from flask import Flask

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, Seeder, SupplierPanel

BUYERS = frozenset({"buyer"})


def _panel(session, user, supplier):
    from risk.views import panel

    return panel(session, user, supplier)


def _card(session, user):
    from risk.views import card

    return card(session, user)


def _init(app: Flask) -> None:
    from app.queue import daily
    from risk import receivers
    from risk.jobs import daily_recompute

    receivers.connect()
    daily(daily_recompute, app)


def _seed_reference(session, orgs) -> None:
    from risk.reference.services import ensure_shipped

    ensure_shipped(session)  # the shipped editions, before anything is scored


def _seed(session, orgs: dict) -> None:
    from risk import demo

    demo.seed(session, orgs)


def contribution() -> Package:
    from risk import views
    from risk.api import bp as api_bp
    from risk.cli import cli
    from risk.reference import views as reference_views
    from risk.schemas import SCHEMAS

    return Package(
        name="risk",
        blueprints=(views.bp, api_bp, reference_views.bp),
        nav=(NavItem("Risk", "risk.dashboard", NETWORK_EDITORS, order=35, org_kinds=BUYERS),
             NavItem("Reference data", "risk_reference.index", frozenset({"admin"}), order=90,
                     org_kinds=BUYERS)),
        cards=(DashboardCard("Suppliers by risk", NETWORK_EDITORS, _card, order=15),),
        supplier_panels=(SupplierPanel("Risk", "risk/panel.html", NETWORK_EDITORS, _panel,
                                       order=10),),
        openapi_schemas=SCHEMAS,
        cli_groups=(cli,),
        # Reference data first: every later seeder's scores read it; scores last of all.
        seeders=(Seeder(_seed_reference, order=5), Seeder(_seed, order=90)),
        init_app=_init,
    )
