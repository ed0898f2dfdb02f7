"""What the suppliers package adds to the shell: blueprints, navigation, dashboard, demo, the
nightly search for duplicate suppliers."""

from __future__ import annotations

from flask import Flask, url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, ReferenceCounter, Seeder

BUYERS = frozenset({"buyer"})

CONNECTORS = frozenset({"admin", "supplier"})  # of supplier organisations (services.connection)


def _network_card(session, user) -> list[dict]:
    from suppliers.queries import counts

    if user.organization.kind != "buyer":
        return []  # "admin" is a role of every kind of organisation; networks are buyers'
    c = counts(session, user.org_id)
    index = url_for("suppliers.index")
    return [
        {"label": "suppliers", "value": c["suppliers"], "href": index},
        {"label": "relationships", "value": c["relationships"],
         "href": url_for("suppliers.network_view")},
        {"label": "labour recruiters", "value": c["labour_suppliers"],
         "href": url_for("suppliers.index", kind="recruitment_agency")},
        {"label": "deepest tier", "value": c["deepest_tier"]},
        {"label": "not connected", "value": c["unmapped"],
         "href": url_for("suppliers.index", tier="none")},
    ]


def _buyers_card(session, user) -> list[dict]:
    """For a supplier organisation's people: how many buyers are connected to it."""
    from suppliers.connections import connected_buyers

    if user.organization.kind != "supplier":
        return []  # the card is for supplier organisations only (roles alone cannot say)
    return [{"label": "buyers connected", "value": len(connected_buyers(session, user)),
             "href": url_for("suppliers.connections")}]


def _init(app: Flask) -> None:
    from app.queue import daily
    from suppliers.jobs import daily_duplicates

    daily(daily_duplicates, app)


def contribution() -> Package:
    # api_duplicates and views_duplicates add their routes to api.bp and views.bp
    from suppliers import (  # noqa: F401
        api,
        api_duplicates,
        cli,
        connection_views,
        demo,
        demo_connections,
        queries,
        views_duplicates,
    )
    from suppliers.schemas import OPENAPI_SCHEMAS
    from suppliers.schemas_duplicates import OPENAPI_SCHEMAS as DUPLICATE_SCHEMAS

    return Package(
        name="suppliers",
        # The pages' blueprint (suppliers.views.bp), with the connection pages' routes added.
        blueprints=(connection_views.bp, api.bp),
        cli_groups=(cli.cli,),
        nav=(
            NavItem("Suppliers", "suppliers.index", NETWORK_EDITORS, order=10, org_kinds=BUYERS),
            NavItem("Network", "suppliers.network_view", NETWORK_EDITORS, order=15,
                    org_kinds=BUYERS),
            NavItem("Import", "suppliers.import_page", NETWORK_EDITORS, order=20, org_kinds=BUYERS),
            NavItem("Activity", "main.activity", NETWORK_EDITORS, order=90),
            # Only supplier organisations have the supplier role; their admins have the card.
            NavItem("Buyers", "suppliers.connections", frozenset({"supplier", "admin"}), order=10,
                    org_kinds=frozenset({"supplier"})),
        ),
        cards=(
            DashboardCard("Supply network", NETWORK_EDITORS, _network_card, order=10),
            DashboardCard("Buyers", CONNECTORS, _buyers_card, order=10),
        ),
        seeders=(Seeder(demo.seed, order=10), Seeder(demo_connections.seed, order=15)),
        openapi_schemas={**OPENAPI_SCHEMAS, **DUPLICATE_SCHEMAS},
        reference_counters=(ReferenceCounter("relationships", queries.relationship_count),),
        init_app=_init,
    )
