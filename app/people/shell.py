"""What people and mail add to the shell: blueprints, navigation, API schemas, CSRF exemption."""

from __future__ import annotations

from flask import Flask

from app.registry import NavItem, registry

ADMINS = frozenset({"admin"})


def init_app(app: Flask) -> None:
    from app.people import api, outbox, views
    from app.security import CSRF_EXEMPT_ENDPOINTS

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(outbox.bp)
    # Accepting takes no session: the secret is the token in the URL, and it answers JSON.
    CSRF_EXEMPT_ENDPOINTS.add("people_api.accept_invitation")
    reg = registry(app)
    reg.nav.append(NavItem("People", "people.index", ADMINS, order=80))
    reg.nav.append(NavItem("Outbox", "outbox.index", ADMINS, order=85))
    reg.openapi_schemas.update(api.OPENAPI_SCHEMAS)
