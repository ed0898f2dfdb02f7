"""What the reports package adds to the shell: the report and statement pages, the regulator
registry, their APIs, navigation, the home card and the demo seeder."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    return Package(name="reports")
