"""The supplier network: suppliers, relationships, import, graph analytics, network view."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    """What this package adds to the shell (registered by create_app)."""
    from suppliers import shell

    return shell.contribution()
