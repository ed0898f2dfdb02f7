"""Demo risk: the shipped reference editions, and every buyer's scores computed once the other
packages' demo data (suppliers, questionnaires, audits, fees) is in place."""

from __future__ import annotations

from sqlalchemy.orm import Session

from risk import services
from risk.reference.services import ensure_shipped


def seed(session: Session, orgs: dict) -> None:
    ensure_shipped(session)
    buyer = orgs.get("buyer")
    if buyer is not None:
        services.recompute(session, buyer.id)
