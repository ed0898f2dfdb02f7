"""Grievances: an anonymous channel for workers and the company's case handling, which protects
the reporter. Feeds risk and reports through signals (app/signals.py), never imports."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    """What this package adds to the shell (registered by create_app)."""
    from grievances import shell

    return shell.contribution()
