"""What the risk package adds to the shell (filled in as the package grows)."""

from __future__ import annotations

from app.registry import NavItem, Package, Seeder

BUYERS = frozenset({"buyer"})


def _seed_reference(session, orgs) -> None:
    from risk.reference.services import ensure_shipped

    ensure_shipped(session)  # the shipped editions, before anything is scored


def contribution() -> Package:
    from risk.reference import views as reference_views
    from risk.reference.cli import cli

    return Package(
        name="risk",
        blueprints=(reference_views.bp,),
        nav=(NavItem("Reference data", "risk_reference.index", frozenset({"admin"}), order=90,
                     org_kinds=BUYERS),),
        # Reference data first: every later seeder's scores read it.
        seeders=(Seeder(_seed_reference, order=5),),
        cli_groups=(cli,),
    )
