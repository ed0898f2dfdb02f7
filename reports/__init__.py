"""Reports: due-diligence reports (PDF, XLSX, CSV), statements drafted from one evidence base,
filing (frozen and hashed), and the regulator registry. The top layer: it reads every package
below it and nothing imports it."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    """What this package adds to the shell (registered by create_app)."""
    from reports import shell

    return shell.contribution()
