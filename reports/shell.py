"""What the reports package adds to the shell: the report and statement pages, the regulator
registry, their APIs, navigation, the home card and the demo seeder."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, Seeder

BUYERS = frozenset({"buyer"})
REGULATORS = frozenset({"regulator"})


def _report_card(session, user):
    from reports.views_reports import card

    return card(session, user)


def _seed(session, orgs: dict) -> None:
    from reports import demo

    demo.seed(session, orgs)


def contribution() -> Package:
    from reports import api, api_registry, api_reports, views, views_registry, views_reports
    from reports.schemas import STATEMENT_SCHEMAS
    from reports.schemas_reports import SCHEMAS as REPORT_SCHEMAS

    return Package(
        name="reports",
        blueprints=(views_reports.bp, api_reports.bp, views.bp, api.bp, views_registry.bp,
                    api_registry.bp),
        nav=(NavItem("Reports", "reports.index", NETWORK_EDITORS, order=60, org_kinds=BUYERS),
             NavItem("Statements", "statements.index", NETWORK_EDITORS, order=70,
                     org_kinds=BUYERS),
             NavItem("Registry", "registry.index", REGULATORS, order=20,
                     org_kinds=REGULATORS)),
        cards=(DashboardCard("Due-diligence reports", NETWORK_EDITORS, _report_card,
                             order=60),),
        openapi_schemas={**REPORT_SCHEMAS, **STATEMENT_SCHEMAS, **api_registry.OPENAPI_SCHEMAS},
        # after risk (order 90): the statements draft from the scores
        seeders=(Seeder(_seed, order=95),),
    )
