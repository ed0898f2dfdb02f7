"""What domain packages contribute to the shell, one `Package` object per package.

Each package exposes `contribution() -> Package`; `create_app` (the composition root) passes
each to `register_package` in a loop, so the shell never imports a package anywhere else.
The shell then reads the registry: navigation, dashboard cards, demo seeders, OpenAPI schemas,
panels on the supplier page and the reference counters that keep a supplier from being purged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Blueprint, Flask, current_app, g

# Component schemas the shell itself defines in the OpenAPI document (app/openapi.py).
SHELL_SCHEMAS = frozenset({"Error"})


@dataclass(frozen=True)
class NavItem:
    """A menu entry for these roles; `org_kinds` narrows it to organisations of those kinds
    (an admin of a supplier organisation is not an admin of a buyer)."""

    label: str
    endpoint: str
    roles: frozenset[str]
    order: int = 50
    org_kinds: frozenset[str] | None = None


@dataclass(frozen=True)
class DashboardCard:
    """`load(session, user)` returns a list of {label, value, href?, meter?, band?} for that
    user (`band` colours the figure as that risk band); an empty list hides the card (roles
    say little alone: an admin of which kind?)."""

    title: str
    roles: frozenset[str]
    load: Callable[[Any, Any], list[dict[str, Any]]]
    order: int = 50


@dataclass(frozen=True)
class Seeder:
    """`seed(session, orgs: dict[str, Organization])` adds demo data; idempotent. Lower
    `order` runs first (a package's seeder runs after the packages it builds on)."""

    seed: Callable[[Any, dict], None]
    order: int = 50


@dataclass(frozen=True)
class SupplierPanel:
    """A section of the supplier page: `template` is rendered with `supplier` and `data`,
    where `data = load(session, user, supplier)` (None when there is no loader)."""

    title: str
    template: str
    roles: frozenset[str]
    load: Callable[[Any, Any, Any], Any] | None = None
    order: int = 50


@dataclass(frozen=True)
class ReferenceCounter:
    """How many of a package's records point at a supplier: `count(session, org_id,
    supplier_id)`. While any counter is above zero the supplier can be archived, never
    purged, so evidence cannot vanish in a cascade. `label` is plural ("audits")."""

    label: str
    count: Callable[[Any, int, int], int]


@dataclass(frozen=True)
class Package:
    """Everything one domain package adds to the shell."""

    name: str
    blueprints: Sequence[Blueprint] = ()
    nav: Sequence[NavItem] = ()
    cards: Sequence[DashboardCard] = ()
    seeders: Sequence[Seeder] = ()
    openapi_schemas: Mapping[str, dict] = field(default_factory=dict)
    supplier_panels: Sequence[SupplierPanel] = ()
    reference_counters: Sequence[ReferenceCounter] = ()
    cli_groups: Sequence[click.Command] = ()
    # Anything else the package sets up on the app (template filters, signal receivers).
    init_app: Callable[[Flask], None] | None = None


class RegistrationError(RuntimeError):
    """Two packages claim the same name (package, or OpenAPI schema)."""


class SchemaNames(dict):
    """OpenAPI component schemas by name; adding a name twice raises, however it is added."""

    def __setitem__(self, name: str, schema: dict) -> None:
        if name in self or name in SHELL_SCHEMAS:
            raise RegistrationError(f'The OpenAPI schema "{name}" is defined twice.')
        super().__setitem__(name, schema)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for name, schema in dict(*args, **kwargs).items():
            self[name] = schema


@dataclass
class Registry:
    packages: list[Package] = field(default_factory=list)
    nav: list[NavItem] = field(default_factory=list)
    cards: list[DashboardCard] = field(default_factory=list)
    # seeders in run order, as plain callables (session, orgs)
    demo_seeders: list[Callable[[Any, dict], None]] = field(default_factory=list)
    # JSON schemas of API resources, for the OpenAPI document (app/openapi.py)
    openapi_schemas: dict[str, dict] = field(default_factory=SchemaNames)
    supplier_panels: list[SupplierPanel] = field(default_factory=list)
    reference_counters: list[ReferenceCounter] = field(default_factory=list)
    _seeders: list[tuple[int, int, Seeder]] = field(default_factory=list, repr=False)
    # daily hooks take (session) and run from the queue's daily tick (app/queue.py: daily)
    daily_hooks: list[Callable[[Any], None]] = field(default_factory=list)


def registry(app: Flask | None = None) -> Registry:
    target = app or current_app
    return target.extensions.setdefault("tierlight_registry", Registry())


def register_package(app: Flask, package: Package) -> None:
    """Add one package's contribution; raise RegistrationError on a name clash."""
    reg = registry(app)
    if any(p.name == package.name for p in reg.packages):
        raise RegistrationError(f'Package "{package.name}" is registered twice.')
    owners = {name: p.name for p in reg.packages for name in p.openapi_schemas}
    owners.update(dict.fromkeys(SHELL_SCHEMAS, "the shell"))
    clashes = sorted(set(package.openapi_schemas) & set(owners))
    if clashes:
        named = ", ".join(f"{n} (already from {owners[n]})" for n in clashes)
        raise RegistrationError(f'Package "{package.name}" redefines OpenAPI schemas: {named}.')
    for blueprint in package.blueprints:
        app.register_blueprint(blueprint)
    for group in package.cli_groups:
        app.cli.add_command(group)
    if package.init_app is not None:
        package.init_app(app)
    reg.packages.append(package)
    reg.nav.extend(package.nav)
    reg.cards.extend(package.cards)
    reg.openapi_schemas.update(package.openapi_schemas)
    reg.supplier_panels.extend(package.supplier_panels)
    reg.supplier_panels.sort(key=lambda p: p.order)
    reg.reference_counters.extend(package.reference_counters)
    for seeder in package.seeders:
        reg._seeders.append((seeder.order, len(reg._seeders), seeder))
    reg._seeders.sort(key=lambda item: item[:2])
    reg.demo_seeders[:] = [item[2].seed for item in reg._seeders]


def nav_for(role: str | None, org_kind: str | None = None) -> list[NavItem]:
    endpoints = current_app.view_functions
    items = [
        item for item in registry().nav
        if role and role in item.roles and item.endpoint in endpoints
        and (item.org_kinds is None or org_kind in item.org_kinds)
    ]
    return sorted(items, key=lambda item: item.order)


UNAVAILABLE = "unavailable"


def load_safely(what: str, loader: Callable[..., Any], *args: Any) -> Any:
    """Run a card's or panel's loader; on failure log it (with the request id) and return
    UNAVAILABLE, so one broken package shows a placeholder instead of breaking the page."""
    try:
        return loader(*args)
    except Exception:  # any failure of another package's loader; logged in full below
        current_app.logger.exception(
            "%s failed to load (request %s)", what, g.get("request_id", "-")
        )
        return UNAVAILABLE



def panels_for(session: Any, user: Any, supplier: Any) -> list[dict[str, Any]]:
    """The registered panels this user may see on the supplier page, with their data."""
    shown = []
    for panel in registry().supplier_panels:
        if user.role not in panel.roles:
            continue
        data = None
        if panel.load is not None:
            data = load_safely(f'Panel "{panel.title}"', panel.load, session, user, supplier)
        shown.append({"title": panel.title, "template": panel.template, "data": data,
                      "unavailable": data is UNAVAILABLE})
    return shown


def cards_for(session: Any, user: Any) -> list[dict[str, Any]]:
    """The dashboard cards this user may see, each loaded (or marked unavailable)."""
    shown = []
    for card in sorted(registry().cards, key=lambda c: c.order):
        if user.role not in card.roles:
            continue
        items = load_safely(f'Dashboard card "{card.title}"', card.load, session, user)
        unavailable = items is UNAVAILABLE
        if not unavailable and not items:
            continue  # nothing for this user: no empty box
        shown.append({"title": card.title, "items": [] if unavailable else items,
                      "unavailable": unavailable})
    return shown
