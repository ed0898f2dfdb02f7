"""Template globals and filters shared by every package's pages."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Flask, request
from flask_login import current_user

from app.auth.roles import ROLE_LABELS
from app.registry import nav_for


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y %H:%M UTC") if value else "—"


def _date(value) -> str:
    return value.strftime("%d %b %Y") if value else "—"


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int | float) else "—"


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return f"{request.path}?{urlencode(args)}" if args else request.path


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["number"] = _number
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["ROLE_LABELS"] = ROLE_LABELS

    @app.context_processor
    def _shell() -> dict:
        if current_user and current_user.is_authenticated:
            return {"nav_items": nav_for(current_user.role, current_user.organization.kind)}
        return {"nav_items": nav_for(None)}
