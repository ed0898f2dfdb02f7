"""Questionnaires: templates, campaigns, the supplier portal, answers and indicator signals."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    """What this package adds to the shell (registered by create_app)."""
    from questionnaires import shell

    return shell.contribution()
