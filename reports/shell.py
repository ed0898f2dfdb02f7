"""What the reports package adds to the shell: the report and statement pages, the regulator
registry, their APIs, navigation, the home card and the demo seeder."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS
from app.registry import NavItem, Package, Seeder

BUYERS = frozenset({"buyer"})


def _seed(session, orgs: dict) -> None:
    from reports import demo

    demo.seed(session, orgs)


def contribution() -> Package:
    from reports import api, views
    from reports.schemas import STATEMENT_SCHEMAS

    return Package(
        name="reports",
        blueprints=(views.bp, api.bp),
        nav=(NavItem("Statements", "statements.index", NETWORK_EDITORS, order=70,
                     org_kinds=BUYERS),),
        openapi_schemas=dict(STATEMENT_SCHEMAS),
        # after risk (order 90): the statements draft from the scores
        seeders=(Seeder(_seed, order=95),),
    )
