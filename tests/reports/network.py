"""A small network with known counts, for the evidence figures and the report's files.

    A  Anhui Cotton Spinning (CN, manufacturer)  -> the company     goods   tier 1, critical 82
    B  Saigon Dye House (VN, processor)          -> A               goods   tier 2, high 55
    R  Kathmandu Manpower (NP, agency)           -> A               labour  tier 2, medium 30
    U  Dhaka Loose Ends (BD, trader)             not connected               not scored
    X  archived (CN)                              never counted
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.db import utcnow
from suppliers.services import archive_supplier
from tests.audits.factories import make_action, make_audit, make_fee, make_finding
from tests.questionnaires.factories import make_assignment
from tests.risk.risk_factories import factor, make_edition, make_score
from tests.suppliers.factories import link, make_supplier


@dataclass
class Network:
    org: Any
    a: Any
    b: Any
    r: Any
    u: Any
    start: date
    end: date
    editions: list


def goods_evidence(edition_id: int, product: str, item: str, country: str) -> dict:
    return {"kind": "dataset", "id": edition_id, "row": 7, "anchor": "row-7",
            "text": f'ILAB List of Goods 2024, row 7: "{product}" matches {item} ({country}): '
                    "forced labour"}


def build(db, org, *, a_name: str = "Anhui Cotton Spinning") -> Network:
    today = utcnow().date()
    start, end = today - timedelta(days=364), today
    goods = make_edition(db, org, dataset="ilab_goods", edition="2024",
                         title="ILAB List of Goods 2024")
    tip = make_edition(db, org, dataset="tip_tiers", edition="2025", title="TIP report 2025")
    a = make_supplier(db, org, name=a_name, country="CN", kind="manufacturer", workers=400,
                      migrant_workers=120, female_workers=0, products=["Cotton"])
    b = make_supplier(db, org, name="Saigon Dye House", country="VN", kind="processor",
                      workers=150, migrant_workers=0, female_workers=0)
    r = make_supplier(db, org, name="Kathmandu Manpower", country="NP",
                      kind="recruitment_agency", workers=10, migrant_workers=0, female_workers=0)
    u = make_supplier(db, org, name="Dhaka Loose Ends", country="BD", kind="trader",
                      workers=40, migrant_workers=5, female_workers=0)
    x = make_supplier(db, org, name="Archived Mill", country="CN", workers=999,
                      migrant_workers=999, female_workers=0)
    link(db, org, a)
    link(db, org, b, a)
    link(db, org, r, a, kind="labour")
    link(db, org, x, a)
    archive_supplier(db, x, actor=None)
    editions = {"ilab_goods": goods.id, "tip_tiers": tip.id}
    make_score(db, a, 82.0, editions=editions, factors=[
        factor("goods", 30.0, [goods_evidence(goods.id, "Cotton", "Cotton", "CN")],
               label="Goods on the ILAB list for China: Cotton (forced labour)"),
        factor("country_tip", 20.0, label="China: Tier 3 in the 2025 TIP report"),
        factor("audit_findings", 25.0, label="Open audit findings: F-1 (critical)"),
        factor("profile_migrants", 6.0, label="30% migrant workers")])
    make_score(db, b, 55.0, editions=editions, factors=[
        factor("country_prevalence", 10.0, label="Viet Nam: prevalence"),
        factor("fees", 18.0, label="Unpaid recruitment fees")])
    make_score(db, r, 30.0, editions=editions, factors=[
        factor("profile_intermediary", 10.0, label="Recruitment agency")])

    audit = make_audit(db, org, supplier=a, status="accepted")
    audit.audit_date = today - timedelta(days=30)
    old = make_audit(db, org, supplier=b, status="accepted")
    old.audit_date = start - timedelta(days=10)  # before the period: not counted
    critical = make_finding(db, audit, severity="critical", indicators=["FL09", "FL07"])
    minor = make_finding(db, audit, severity="low", indicators=[])
    make_finding(db, old, severity="critical", indicators=["FL01"])
    make_action(db, critical, due_date=today - timedelta(days=2))  # open, overdue
    make_action(db, critical, state="in_progress", due_date=today + timedelta(days=20))
    make_action(db, minor, state="verified", verified_at=utcnow())
    make_fee(db, a, workers=10, owed_minor=3_500_000, currency="NPR")  # owed
    fee = make_fee(db, b, workers=4, owed_minor=100_000, currency="MYR", repaid_minor=100_000)
    fee.workers_confirmed = 3
    make_assignment(db, org, a, status="submitted")
    make_assignment(db, org, b, status="sent", due_date=today - timedelta(days=3))
    db.flush()
    return Network(org, a, b, r, u, start, end, [goods, tip])


EXPECTED = {
    "suppliers.total": 4, "suppliers.tier1": 1, "suppliers.deeper": 2,
    "suppliers.unconnected": 1, "suppliers.countries": 4, "suppliers.recruiters": 1,
    "relationships.total": 3, "relationships.labour": 1,
    "workers.total": 600, "workers.migrant": 125,
    "risk.scored": 3, "risk.critical": 1, "risk.high": 2, "risk.high_risk_countries": 2,
    "audits.in_period": 1, "audits.accepted": 1,
    "findings.total": 2, "findings.critical": 1, "findings.forced_labour": 1,
    "actions.open": 2, "actions.overdue": 1, "actions.verified": 1,
    "fees.workers_owed": 10, "fees.workers_repaid": 4, "fees.entries": 2,
    "questionnaires.sent": 2, "questionnaires.submitted": 1,
    "questionnaires.tier1_coverage": 100.0,
}
