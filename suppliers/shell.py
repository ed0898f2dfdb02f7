"""What the suppliers package adds to the shell: blueprints, navigation, dashboard, demo."""

from __future__ import annotations

from flask import url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, ReferenceCounter, Seeder


def _network_card(session, user) -> list[dict]:
    from suppliers.queries import counts

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


def contribution() -> Package:
    from suppliers import api, cli, demo, queries, views
    from suppliers.schemas import OPENAPI_SCHEMAS

    return Package(
        name="suppliers",
        blueprints=(views.bp, api.bp),
        cli_groups=(cli.cli,),
        nav=(
            NavItem("Suppliers", "suppliers.index", NETWORK_EDITORS, order=10),
            NavItem("Network", "suppliers.network_view", NETWORK_EDITORS, order=15),
            NavItem("Import", "suppliers.import_page", NETWORK_EDITORS, order=20),
            NavItem("Activity", "main.activity", NETWORK_EDITORS, order=90),
        ),
        cards=(DashboardCard("Supply network", NETWORK_EDITORS, _network_card, order=10),),
        seeders=(Seeder(demo.seed, order=10),),
        openapi_schemas=OPENAPI_SCHEMAS,
        reference_counters=(ReferenceCounter("relationships", queries.relationship_count),),
    )
