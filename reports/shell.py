"""What the reports package adds to the shell: the report and statement pages, the regulator
registry, their APIs, navigation, the home card and the demo seeder."""

from __future__ import annotations

from app.registry import NavItem, Package

REGULATORS = frozenset({"regulator"})


def contribution() -> Package:
    from reports import api_registry, views_registry

    return Package(
        name="reports",
        blueprints=(views_registry.bp, api_registry.bp),
        nav=(NavItem("Registry", "registry.index", REGULATORS, order=20,
                     org_kinds=REGULATORS),),
        openapi_schemas=api_registry.OPENAPI_SCHEMAS,
    )
