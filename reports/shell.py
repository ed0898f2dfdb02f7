"""What the reports package adds to the shell: the report and statement pages, the regulator
registry, their APIs, navigation, the home card and the demo seeder."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package

BUYERS = frozenset({"buyer"})


def _report_card(session, user):
    from reports.views_reports import card

    return card(session, user)


def contribution() -> Package:
    from reports import api_reports, views_reports
    from reports.schemas_reports import SCHEMAS as REPORT_SCHEMAS

    return Package(
        name="reports",
        blueprints=(views_reports.bp, api_reports.bp),
        nav=(NavItem("Reports", "reports.index", NETWORK_EDITORS, order=60, org_kinds=BUYERS),),
        cards=(DashboardCard("Due-diligence reports", NETWORK_EDITORS, _report_card,
                             order=60),),
        openapi_schemas={**REPORT_SCHEMAS},
    )
