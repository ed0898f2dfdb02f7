"""Demo risk: the buyer's scores, computed once the other packages' demo data (suppliers,
questionnaires, audits, fees) is in place (the shipped editions are seeded first, by shell.py,
and recompute loads any still missing)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from risk import services


def seed(session: Session, orgs: dict) -> None:
    buyer = orgs.get("buyer")
    if buyer is not None:
        services.recompute(session, buyer.id)
