"""Generated data for bench_risk.py: a buyer's network of 100,000 suppliers, inserted with Core.

The network is layered like a real one (a few thousand tier-1 factories, wider tiers of mills,
processors and farms behind them), with edges mostly one tier up, some skipping a tier, a
small share pointing back down (cycles), and recruitment agencies supplying labour to
factories anywhere. Countries and products follow sourcing patterns: many suppliers in CN,
IN, BD, VN; products mix goods on the ILAB list ("Cotton", "raw cotton", "bricks",
"Garments", "electronics") with many that are not (machine parts, packaging, numbered
components), so the per-(country, products) factor cache gets no easy wins.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.risk_tables import COUNTRY_WEIGHTS

LISTED = ["Cotton", "raw cotton", "cotton", "Bricks", "bricks", "Garments", "garment",
          "Electronics", "electronics", "Rubber Gloves", "Shrimp", "Fish", "Polysilicon",
          "Solar Modules", "Textiles", "Thread/Yarn", "Footwear", "Tea", "Rice", "Sugarcane",
          "Palm Fruit", "Toys", "Carpets", "Leather", "Coal", "Tomatoes", "Gold", "Rubber"]
UNLISTED = ["machine parts", "packaging", "cotton yarn", "buttons", "zippers", "dyes",
            "steel coils", "plastic pellets", "cardboard", "labels", "sewing thread",
            "denim fabric", "printed circuit boards", "logistics", "hangers", "polyester",
            "adhesives", "copper wire", "glass", "aluminium profiles"]
KINDS_BY_DEPTH = ["manufacturer", "manufacturer", "processor", "raw_material", "farm"]
TIER_SHARES = [0.05, 0.10, 0.20, 0.25, 0.40]


def _products(rng: random.Random) -> list[str]:
    count = rng.choice((0, 1, 1, 2, 2, 3))
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.35:
            out.append(rng.choice(LISTED))
        elif roll < 0.75:
            out.append(rng.choice(UNLISTED))
        else:  # the long tail of a real catalogue: many distinct part names
            out.append(f"component {rng.randint(1, 3000):04d}")
    return out


def generate(n: int, edges: int, seed: int = 10) -> dict:
    """Plain rows (no ids yet): suppliers by position, edges as (supplier, customer) positions
    (customer None: the buying company), plus audits, findings, fees and questionnaires."""
    rng = random.Random(seed)
    countries, weights = zip(*COUNTRY_WEIGHTS, strict=True)
    layers, start = [], 0
    for share in TIER_SHARES:
        size = round(n * share) if share is not TIER_SHARES[-1] else n - start
        layers.append(range(start, start + size))
        start += size
    depth_of = [d for d, layer in enumerate(layers) for _ in layer]
    suppliers = []
    for i in range(n):
        depth = depth_of[i]
        agency = depth > 0 and rng.random() < 0.04
        country = "NP" if agency and rng.random() < 0.4 else rng.choices(countries, weights)[0]
        workers = rng.randint(20, 5000)
        suppliers.append({
            "name": f"Supplier {i:06d} {rng.choice(['Ltd', 'Co.', 'JSC', 'Pvt', 'GmbH'])}",
            "country": country,
            "kind": "recruitment_agency" if agency else KINDS_BY_DEPTH[depth],
            "products": [] if agency else _products(rng),
            "workers": workers,
            "migrant_workers": rng.choice((0, 0, rng.randint(0, workers))),
            "agency": agency})
    pairs: dict[tuple[int, int | None], str] = {}
    for i in layers[0]:
        pairs[(i, None)] = "goods"
    agencies = [i for i, s in enumerate(suppliers) if s["agency"]]
    factories = [i for i in range(layers[2].stop) if not suppliers[i]["agency"]]
    while len(pairs) - len(layers[0]) < edges:
        i = rng.randrange(layers[1].start, n)
        depth = depth_of[i]
        if suppliers[i]["agency"]:
            pairs.setdefault((i, rng.choice(factories)), "labour")
            continue
        roll = rng.random()
        if roll < 0.02 and depth < len(layers) - 1:  # back down a tier: a cycle
            target = rng.choice(layers[depth + 1])
        elif roll < 0.12 and depth >= 2:  # skipping a tier
            target = rng.choice(layers[depth - 2])
        else:
            target = rng.choice(layers[depth - 1])
        if target != i:
            pairs.setdefault((i, target), "goods")
    return {"suppliers": suppliers, "edges": pairs, "agencies": agencies,
            **_evidence(rng, n, agencies)}


def _evidence(rng: random.Random, n: int, agencies: list[int]) -> dict:
    today = date.today()
    audited = rng.sample(range(n // 2), k=min(n // 2, 1500))  # audits go to the upper tiers
    audits = [{"supplier": s, "status": rng.choice(("submitted", "accepted", "in_progress")),
               "date": today - timedelta(days=rng.randint(10, 1000))} for s in audited]
    findings = []
    for a, audit in enumerate(audits):
        for k in range(rng.randint(1, 4)):
            findings.append({"audit": a, "supplier": audit["supplier"], "code": f"F{k}",
                             "severity": rng.choice(("critical", "high", "medium", "medium",
                                                     "low", "low")),
                             "indicators": rng.choice(([], [], ["FL09"], ["FL07", "FL11"])),
                             "status": "open" if rng.random() < 0.75 else "closed"})
    fees = []
    for s in rng.sample(range(n // 2), k=min(n // 2, 2000)):
        workers = rng.randint(5, 300)
        per = rng.choice((50_000_00, 120_000_00, 300_000_00))
        owed = workers * per
        repaid = rng.choice((0, 0, owed // 2, owed))
        fees.append({"supplier": s, "agency": rng.choice(agencies) if agencies and
                     rng.random() < 0.5 else None, "workers": workers, "per": per,
                     "owed": owed, "repaid": repaid,
                     "confirmed": rng.randint(0, workers) if repaid else 0,
                     "wage": rng.choice((None, 1_700_00, 2_500_00))})
    assignments, signals = [], []
    for s in rng.sample(range(n), k=min(n, 20_000)):
        status = rng.choice(("sent", "opened", "in_progress", "submitted", "submitted",
                             "accepted"))
        a = len(assignments)
        assignments.append({"supplier": s, "status": status,
                            "due": today + timedelta(days=rng.randint(-60, 60))})
        if status in ("submitted", "accepted"):
            for _ in range(rng.randint(0, 3)):
                signals.append({"assignment": a, "supplier": s,
                                "indicator": f"FL{rng.randint(1, 11):02d}",
                                "strength": rng.choice(("weak", "moderate", "strong"))})
    return {"audits": audits, "findings": findings, "fees": fees, "assignments": assignments,
            "signals": signals}


def insert(session, org_id: int, data: dict, batch: int = 10_000) -> list[int]:
    """Core bulk inserts (every row of a table with the same keys). Returns supplier ids."""
    from sqlalchemy import insert as core_insert

    from app.db import utcnow
    from audits.models import Audit, FeeEntry, Finding
    from questionnaires.models import Assignment, Signal
    from suppliers.models import Relationship, Supplier

    now = utcnow()

    def put(table, rows, returning=False):
        ids = []
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            if returning:
                ids += session.execute(core_insert(table).returning(
                    table.c.id, sort_by_parameter_order=True), chunk).scalars().all()
            else:
                session.execute(core_insert(table), chunk)
        return ids

    sup = put(Supplier.__table__, [
        {"org_id": org_id, "external_id": f"R{i:06d}", "name": s["name"],
         "name_key": s["name"].lower(), "country": s["country"], "kind": s["kind"],
         "products": s["products"], "workers": s["workers"],
         "migrant_workers": s["migrant_workers"], "female_workers": s["workers"] // 2,
         "tier": None, "created_at": now, "updated_at": now, "version": 1}
        for i, s in enumerate(data["suppliers"])], returning=True)
    put(Relationship.__table__, [
        {"org_id": org_id, "supplier_id": sup[a], "customer_id": None if b is None else sup[b],
         "customer_key": 0 if b is None else sup[b], "kind": kind, "product": None,
         "created_at": now} for (a, b), kind in data["edges"].items()])
    audits = put(Audit.__table__, [
        {"org_id": org_id, "supplier_id": sup[a["supplier"]], "scheme": "SMETA",
         "audit_type": "announced", "audit_date": a["date"], "auditor_email": "a@bench.example",
         "status": a["status"], "created_at": now, "updated_at": now, "version": 1}
        for a in data["audits"]], returning=True)
    put(Finding.__table__, [
        {"org_id": org_id, "audit_id": audits[f["audit"]], "supplier_id": sup[f["supplier"]],
         "code": f["code"], "description": "Passports held by the employer",
         "scheme_severity": "Non-compliance", "severity": f["severity"],
         "indicators": f["indicators"], "worker_groups": [], "status": f["status"],
         "created_at": now, "updated_at": now} for f in data["findings"]])
    put(FeeEntry.__table__, [
        {"org_id": org_id, "supplier_id": sup[f["supplier"]],
         "agency_supplier_id": None if f["agency"] is None else sup[f["agency"]],
         "workers": f["workers"], "category": "recruitment_fee",
         "fee_per_worker_minor": f["per"], "currency": "NPR", "owed_minor": f["owed"],
         "repaid_minor": f["repaid"], "workers_confirmed": f["confirmed"],
         "monthly_wage_minor": f["wage"], "created_at": now, "updated_at": now, "version": 1}
        for f in data["fees"]])
    assignments = put(Assignment.__table__, [
        {"org_id": org_id, "supplier_id": sup[a["supplier"]], "template_key": "recruitment",
         "template_version": 1, "status": a["status"], "due_date": a["due"],
         "link_nonce": f"n{k}", "link_hash": f"bench-{org_id}-{k}",
         "link_expires_at": now + timedelta(days=90), "answers": {},
         "created_at": now, "updated_at": now, "version": 1}
        for k, a in enumerate(data["assignments"])], returning=True)
    put(Signal.__table__, [
        {"org_id": org_id, "assignment_id": assignments[s["assignment"]],
         "supplier_id": sup[s["supplier"]], "indicator": s["indicator"],
         "strength": s["strength"], "weight": 1.0, "question": "fee_paid", "answer": True,
         "note": "", "created_at": now} for s in data["signals"]])
    return sup
