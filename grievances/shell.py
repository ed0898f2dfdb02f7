"""What the grievances package adds to the shell: the public channel, the case pages, their
APIs, navigation, the dashboard card, the receivers of risk's and reports' questions (and of
a supplier merge), the daily deadline check and purge, and the demo seeder."""

from __future__ import annotations

from flask import Flask, url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, Seeder

BUYERS = frozenset({"buyer"})


def _cases_card(session, user) -> list[dict]:
    """Open, overdue and this month's cases, for those who may read grievances."""
    from grievances import queries
    from grievances.services import cases

    if not cases.may_read(session, user):
        return []
    counts = queries.card_counts(session, user.org_id)
    inbox = url_for("grievances.inbox")
    return [
        {"label": "open cases", "value": counts["open"], "href": url_for(
            "grievances.inbox", status="open")},
        {"label": "overdue", "value": counts["overdue"],
         "href": url_for("grievances.inbox", overdue="1")},
        {"label": "received this month", "value": counts["this_month"], "href": inbox},
    ]


def _seed_cases(session, orgs: dict) -> None:
    from grievances import demo

    demo.seed(session, orgs)


def _init_app(app: Flask) -> None:
    from app.queue import daily
    from app.security import CSRF_EXEMPT_ENDPOINTS
    from grievances import i18n, merging, privacy, public_api, receivers
    from grievances.jobs import daily_grievances

    # the worker's channel: its languages, its privacy in the logs, CSRF-free JSON routes
    i18n.init_app(app)
    privacy.init_app(app)
    CSRF_EXEMPT_ENDPOINTS.update(public_api.CSRF_EXEMPT)
    # the company's side: risk's and reports' questions, merges, the daily check and purge
    receivers.connect()
    merging.connect()
    daily(daily_grievances, app)


def contribution() -> Package:
    from grievances import (  # noqa: F401 - the channel and access pages register routes
        access_views,
        api,
        channel_views,
        poster_views,
        public_api,
        public_views,
        views,
    )
    from grievances.cli import cli
    from grievances.schemas import SCHEMAS

    return Package(
        name="grievances",
        blueprints=(public_views.bp, public_api.bp, poster_views.bp, views.bp, api.bp),
        nav=(NavItem("Grievances", "grievances.inbox", NETWORK_EDITORS, order=45,
                     org_kinds=BUYERS),),
        cards=(DashboardCard("Worker grievances", NETWORK_EDITORS, _cases_card, order=32),),
        openapi_schemas={**public_api.OPENAPI_SCHEMAS, **SCHEMAS},
        cli_groups=(cli,),
        # after the network (10), its connections (15) and audits (40); before risk (90)
        seeders=(Seeder(_seed_cases, order=60),),
        init_app=_init_app,
    )
