"""What the suppliers package adds to the shell: blueprints, navigation, dashboard, demo."""

from __future__ import annotations

from flask import Flask

from app.auth.roles import NETWORK_EDITORS
from app.registry import NavItem, registry


def init_app(app: Flask) -> None:
    reg = registry(app)
    reg.nav.append(NavItem("Suppliers", "suppliers.index", NETWORK_EDITORS, order=10))
    reg.nav.append(NavItem("Activity", "main.activity", NETWORK_EDITORS, order=90))
