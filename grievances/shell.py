"""What the grievances package adds to the shell: the public channel, the case pages, their
APIs, navigation, the dashboard card, the receivers of risk's and reports' questions, the
daily deadline check and purge, and the demo seeder."""

from __future__ import annotations

from flask import Flask, url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, Seeder

BUYERS = frozenset({"buyer"})


# --- case handling (helper B) ----------------------------------------------------------------

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


def _init_cases(app: Flask) -> None:
    from app.queue import daily
    from grievances import receivers
    from grievances.jobs import daily_grievances

    receivers.connect()
    daily(daily_grievances, app)


CASES = {
    "nav": (NavItem("Grievances", "grievances.inbox", NETWORK_EDITORS, order=45,
                    org_kinds=BUYERS),),
    "cards": (DashboardCard("Worker grievances", NETWORK_EDITORS, _cases_card, order=32),),
    # After the network (10), its connections (15) and audits (40); before risk's scores (90).
    "seeders": (Seeder(_seed_cases, order=60),),
}
# --- end of case handling --------------------------------------------------------------------


def contribution() -> Package:
    from grievances import access_views, api, channel_views, views  # noqa: F401 - routes
    from grievances.cli import cli
    from grievances.schemas import SCHEMAS

    return Package(
        name="grievances",
        blueprints=(views.bp, api.bp),
        openapi_schemas=SCHEMAS,
        cli_groups=(cli,),
        init_app=_init_cases,
        **CASES,
    )
