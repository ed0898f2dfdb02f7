"""What the risk package adds to the shell (filled in as the package grows)."""

from __future__ import annotations

from app.auth.roles import NETWORK_EDITORS
from app.registry import DashboardCard, NavItem, Package, SupplierPanel

BUYERS = frozenset({"buyer"})


# --- pages: the dashboard, its nav item, the home card, the supplier panel -------------------
def _panel(session, user, supplier):
    from risk.views import panel

    return panel(session, user, supplier)


def _card(session, user):
    from risk.views import card

    return card(session, user)


PAGES = {
    "nav": (NavItem("Risk", "risk.dashboard", NETWORK_EDITORS, order=35, org_kinds=BUYERS),),
    "cards": (DashboardCard("Suppliers by risk", NETWORK_EDITORS, _card, order=15),),
    "supplier_panels": (SupplierPanel("Risk", "risk/panel.html", NETWORK_EDITORS, _panel,
                                      order=10),),
}
# --- end of pages ----------------------------------------------------------------------------


def contribution() -> Package:
    from risk import views

    return Package(name="risk", blueprints=(views.bp,), **PAGES)
