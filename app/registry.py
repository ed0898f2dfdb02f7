"""What domain packages contribute to the shell (navigation, dashboard, demo data).

Packages register here from their `init_app`, so the shell never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str]
    order: int = 50


@dataclass(frozen=True)
class DashboardCard:
    """`load(session, user)` returns a list of {label, value, href?} for that user."""

    title: str
    roles: frozenset[str]
    load: Callable[[Any, Any], list[dict[str, Any]]]
    order: int = 50


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    cards: list[DashboardCard] = field(default_factory=list)
    # demo seeders take (session, orgs: dict[str, Organization]) and must be idempotent
    demo_seeders: list[Callable[[Any, dict], None]] = field(default_factory=list)
    # JSON schemas of API resources, for the OpenAPI document (app/openapi.py)
    openapi_schemas: dict[str, dict] = field(default_factory=dict)
    # daily hooks take (session) and run from the queue's daily tick (app/queue.py: daily)
    daily_hooks: list[Callable[[Any], None]] = field(default_factory=list)


def registry(app: Flask | None = None) -> Registry:
    target = app or current_app
    return target.extensions.setdefault("tierlight_registry", Registry())


def nav_for(role: str | None) -> list[NavItem]:
    endpoints = current_app.view_functions
    items = [
        item for item in registry().nav
        if role and role in item.roles and item.endpoint in endpoints
    ]
    return sorted(items, key=lambda item: item.order)
