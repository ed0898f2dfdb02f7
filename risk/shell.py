"""What the risk package adds to the shell: the dashboard, its nav item and home card, the
supplier page's panel, the reference-data pages, the API, `flask risk`, the receivers that
queue recomputes, the daily recompute and the demo seeders; and screening against entity lists
(risk/screening): its pages, API, commands, receivers, nightly run and shipped lists."""

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
    from risk.screening import receivers as screening_receivers
    from risk.screening.jobs import daily_screening

    receivers.connect()
    screening_receivers.connect()
    # Nightly: screening (lists and suppliers change without a signal too), then scores.
    daily(daily_screening, app)
    daily(daily_recompute, app)


def _seed_reference(session, orgs) -> None:
    from risk.reference.services import ensure_shipped

    ensure_shipped(session)  # the shipped editions, before anything is scored


def _seed_lists(session, orgs) -> None:
    from risk.screening.shipped import ensure_shipped

    ensure_shipped(session)  # the shipped entity lists (platform lists)


def _seed(session, orgs: dict) -> None:
    from risk import demo

    demo.seed(session, orgs)


def contribution() -> Package:
    from risk import views
    from risk.api import bp as api_bp
    from risk.cli import cli
    from risk.reference import views as reference_views
    from risk.schemas import SCHEMAS
    from risk.screening import cli as _screening_cli  # noqa: F401 - adds its commands to `cli`
    from risk.screening import views as screening_views
    from risk.screening.api import bp as screening_api_bp
    from risk.screening.schemas import SCHEMAS as SCREENING_SCHEMAS

    return Package(
        name="risk",
        blueprints=(views.bp, api_bp, reference_views.bp, screening_views.bp,
                    screening_api_bp),
        nav=(NavItem("Risk", "risk.dashboard", NETWORK_EDITORS, order=35, org_kinds=BUYERS),
             NavItem("Screening", "risk_screening.index", NETWORK_EDITORS, order=36,
                     org_kinds=BUYERS),
             NavItem("Reference data", "risk_reference.index", frozenset({"admin"}), order=90,
                     org_kinds=BUYERS)),
        cards=(DashboardCard("Suppliers by risk", NETWORK_EDITORS, _card, order=15),),
        supplier_panels=(SupplierPanel("Risk", "risk/panel.html", NETWORK_EDITORS, _panel,
                                       order=10),),
        openapi_schemas=SCHEMAS | SCREENING_SCHEMAS,
        cli_groups=(cli,),
        # Reference data first: every later seeder's scores read it; scores last of all.
        seeders=(Seeder(_seed_reference, order=5), Seeder(_seed_lists, order=6),
                 Seeder(_seed, order=90)),
        init_app=_init,
    )
