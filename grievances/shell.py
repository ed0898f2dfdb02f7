"""What the grievances package adds to the shell: the public channel, the case pages, their
APIs, navigation, the dashboard card, the receivers of risk's and reports' questions, the
daily deadline check and purge, and the demo seeder."""

from __future__ import annotations

from flask import Flask

from app.registry import Package


def _init_public(app: Flask) -> None:
    """The worker's channel: its languages, its privacy in the logs, CSRF-free JSON routes."""
    from app.security import CSRF_EXEMPT_ENDPOINTS
    from grievances import i18n, privacy, public_api

    i18n.init_app(app)
    privacy.init_app(app)
    CSRF_EXEMPT_ENDPOINTS.update(public_api.CSRF_EXEMPT)


def _init_app(app: Flask) -> None:
    _init_public(app)


def contribution() -> Package:
    from grievances import poster_views, public_api, public_views

    return Package(
        name="grievances",
        # the public channel (helper A)
        blueprints=(public_views.bp, public_api.bp, poster_views.bp),
        openapi_schemas=public_api.OPENAPI_SCHEMAS,
        init_app=_init_app,
    )
