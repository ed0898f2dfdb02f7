"""Audits: audits, findings and their import, corrective actions, the recruitment-fee ledger."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    """What this package adds to the shell (registered by create_app)."""
    from audits import shell

    return shell.contribution()
