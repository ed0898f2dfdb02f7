"""What the risk package adds to the shell (filled in as the package grows)."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    return Package(name="risk")
