"""What the suppliers package adds to the shell: blueprints, navigation, dashboard, demo."""

from __future__ import annotations

from flask import Flask, url_for

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, registry


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


def init_app(app: Flask) -> None:
    from suppliers import api, cli, demo, views
    from suppliers.schemas import OPENAPI_SCHEMAS

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.cli)
    reg = registry(app)
    reg.nav.append(NavItem("Suppliers", "suppliers.index", NETWORK_EDITORS, order=10))
    reg.nav.append(NavItem("Network", "suppliers.network_view", NETWORK_EDITORS, order=15))
    reg.nav.append(NavItem("Import", "suppliers.import_page", NETWORK_EDITORS, order=20))
    reg.nav.append(NavItem("Activity", "main.activity", NETWORK_EDITORS, order=90))
    reg.cards.append(DashboardCard("Supply network", NETWORK_EDITORS, _network_card, order=10))
    reg.demo_seeders.append(demo.seed)
    reg.openapi_schemas.update(OPENAPI_SCHEMAS)
