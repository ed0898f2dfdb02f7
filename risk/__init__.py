"""Risk: reference data with editions, explainable scores, propagation through the network."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    """What this package adds to the shell (registered by create_app)."""
    from risk import shell

    return shell.contribution()
