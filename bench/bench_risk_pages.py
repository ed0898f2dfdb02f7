"""The risk pages (issue 10): the dashboard under 200 ms, whatever the size of the network.

The dashboard reads only the precomputed daily summaries, so what it costs depends on their
size, not on the number of suppliers: the summaries here are those of a 100,000-supplier
network (every country of the world, ten tiers, the top 20), one a day for a year, of which the
trend reads the last 90 days. Measured: GET /risk end to end through the app (sign-in
cookie, queries, SVG charts, template), and the supplier page with its risk panel (a score
with a dozen factors and sixty evidence items). Floor, in the same run: the one query that
fetches the latest summary row, bare with Core.

    python bench/bench_risk_pages.py [--days 365] [--database-url ...]
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_and_median, make_app

PASSWORD = "lantern-orchard-ledger-77"  # noqa: S105 - a throwaway bench account
BANDS = ("low", "medium", "high", "critical")


def summary(rng: random.Random, countries: list[str], suppliers: int) -> dict:
    def bands(n: int) -> dict:
        cuts = sorted(rng.randint(0, n) for _ in range(3))
        return dict(zip(BANDS, (cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], n - cuts[2]),
                        strict=True))

    per = suppliers // len(countries)
    return {
        "suppliers": suppliers, "scored": suppliers - 120, "mean": rng.uniform(30, 45),
        "bands": bands(suppliers - 120),
        "by_country": [{"country": c, "count": per, "mean": rng.uniform(0, 90),
                        "max": rng.uniform(50, 100), "bands": bands(per)} for c in countries],
        "by_tier": [{"tier": t, "count": suppliers // 10, "mean": rng.uniform(10, 80),
                     "bands": bands(suppliers // 10)} for t in range(1, 11)],
        "top": [{"supplier_id": i + 1, "name": f"Supplier S{i:07d} Ltd", "country": "CN",
                 "tier": 3, "score": 99.0 - i, "band": "critical", "main_factor": "goods"}
                for i in range(20)],
        "editions": {"ilab_goods": {"id": 1, "edition": "2022",
                                    "title": "ILAB List of Goods 2022"}},
        "method_version": "2026.12-1",
    }


def seed(app, days: int) -> tuple[str, int]:
    from sqlalchemy import insert

    from app.auth.services import create_org, create_user
    from app.db import get_db, utcnow
    from risk.models import RiskScore, RiskSummary
    from suppliers.countries import country_choices
    from suppliers.services import create_supplier

    rng = random.Random(10)
    session = get_db(app).new_session(write=True)
    org = create_org(session, name="Risk Bench Buyer", kind="buyer")
    user = create_user(session, org=org, email="bench-risk@example.org", role="compliance",
                       password=PASSWORD, fast_hash=True)
    countries = [code for code, _name in country_choices()]
    today = utcnow().date()
    session.execute(insert(RiskSummary), [
        {"org_id": org.id, "day": today - timedelta(days=d), "computed_at": utcnow(),
         "data": summary(rng, countries, 100_000)} for d in range(days)])
    supplier = create_supplier(session, org_id=org.id, actor=None, values={
        "name": "Kashgar Cotton Gin", "country": "CN", "kind": "processor"})
    factors = [{"code": f"factor_{i}", "label": f"Factor {i}", "points": 12.0 - i,
                "evidence": [{"kind": "dataset", "id": None, "row": 50 + j,
                              "text": f"Row {j}"} for j in range(5)],
                "lower": f"Fix {i}", "lowers_by": 12.0 - i} for i in range(12)]
    session.add(RiskScore(org_id=org.id, supplier_id=supplier.id, score=88.0, band="critical",
                          own_score=88.0, method_version="2026.12-1", factors=factors))
    session.commit()
    ids = user.email, supplier.id
    session.close()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = make_app(args.database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        email, supplier_id = seed(app, args.days)
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302

    def dashboard():
        response = client.get("/risk")
        assert response.status_code == 200 and b"r-trend" in response.data

    def supplier_page():
        response = client.get(f"/suppliers/{supplier_id}")
        assert response.status_code == 200 and b"r-factors" in response.data

    def floor():
        from sqlalchemy import select

        from app.db import get_db
        from risk.models import RiskSummary

        with get_db(app).engine.connect() as conn:
            assert conn.execute(select(RiskSummary.data).order_by(RiskSummary.day.desc())
                                .limit(1)).first()

    dashboard()
    supplier_page()
    best, median = best_and_median(dashboard, 20)
    page_best, page_median = best_and_median(supplier_page, 20)
    floor_best, _ = best_and_median(floor, 20)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"risk pages on {engine}, summaries of a 100,000-supplier network, {args.days} days")
    print(f"  GET /risk: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms "
          f"(goal: under 200 ms); floor, the latest summary fetched bare: "
          f"{floor_best * 1000:.1f} ms")
    print(f"  supplier page with the risk panel: best {page_best * 1000:.0f} ms, "
          f"median {page_median * 1000:.0f} ms")
    if median > 0.2:
        sys.exit("the dashboard is slower than 200 ms")


if __name__ == "__main__":
    main()
