"""What the grievances package adds to the shell: the public channel, the case pages, their
APIs, navigation, the dashboard card, the receivers of risk's and reports' questions, the
daily deadline check and purge, and the demo seeder."""

from __future__ import annotations

from app.registry import Package


def contribution() -> Package:
    return Package(name="grievances")
