"""What the reports package adds to the shell: the report and statement pages, the regulator
registry, their APIs, navigation, the home card and the demo seeder."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS
from app.registry import NavItem, Package, Seeder

BUYERS = frozenset({"buyer"})
REGULATORS = frozenset({"regulator"})


def _seed(session, orgs: dict) -> None:
    from reports import demo

    demo.seed(session, orgs)


def contribution() -> Package:
    from reports import api, api_registry, views, views_registry
    from reports.schemas import STATEMENT_SCHEMAS

    return Package(
        name="reports",
        blueprints=(views.bp, api.bp, views_registry.bp, api_registry.bp),
        nav=(NavItem("Statements", "statements.index", NETWORK_EDITORS, order=70,
                     org_kinds=BUYERS),
             NavItem("Registry", "registry.index", REGULATORS, order=20,
                     org_kinds=REGULATORS)),
        openapi_schemas={**STATEMENT_SCHEMAS, **api_registry.OPENAPI_SCHEMAS},
        # after risk (order 90): the statements draft from the scores
        seeders=(Seeder(_seed, order=95),),
    )
