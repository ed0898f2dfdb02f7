"""GET /api/v1/network for 20,000 suppliers (target: under 3 s), and the supplier list page.

    python bench/bench_network_api.py [--suppliers 20000] [--database-url ...]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import make_app


def seed(app, n: int) -> tuple[str, int]:
    from sqlalchemy import insert

    from app.auth.services import create_org, create_user
    from app.db import get_db, utcnow
    from suppliers.models import Relationship, Supplier
    from suppliers.services import refresh_tiers

    rng = random.Random(3)
    session = get_db(app).new_session()
    org = create_org(session, name="Network Buyer", kind="buyer")
    user = create_user(session, org=org, email="bench@example.org", role="compliance",
                       password="network-load-check-2026", fast_hash=True)
    now = utcnow()
    table = Supplier.__table__
    ids = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [{"org_id": org.id, "external_id": f"N{i:06d}", "name": f"Supplier {i}",
          "name_key": f"supplier {i}", "country": rng.choice(["CN", "VN", "IN", "BD"]),
          "kind": rng.choice(["manufacturer", "processor", "recruitment_agency"]),
          "sector": None, "products": [], "address": None, "workers": 100,
          "migrant_workers": 10, "female_workers": 50, "os_id": None, "lei": None,
          "duns": None, "tier": None, "created_at": now, "updated_at": now, "version": 1}
         for i in range(n)],
    ).scalars().all()
    edges, keys = [], set()
    for position, sid in enumerate(ids):
        targets = [None] if position < n // 20 else rng.sample(ids[:position], k=min(position, 3))
        for target in targets:
            key = (sid, target or 0)
            if key not in keys:
                keys.add(key)
                edges.append({"org_id": org.id, "supplier_id": sid, "customer_id": target,
                              "customer_key": target or 0, "kind": "goods", "product": None,
                              "created_at": now})
    session.execute(insert(Relationship.__table__), edges)
    refresh_tiers(session, org.id)
    email = user.email
    session.commit()
    session.close()  # an expired attribute read later would reopen a write transaction
    return email, len(edges)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=20_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = make_app(args.database_url)
    with app.app_context():
        email, edges = seed(app, args.suppliers)
    client = app.test_client()
    issued = client.post("/api/v1/auth/tokens", json={
        "email": email, "password": "network-load-check-2026"})
    assert issued.status_code == 201, issued.json
    token = issued.json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/api/v1/network", headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    nodes = len(response.json["nodes"])
    size = len(response.data) / 1e6
    list_times = []
    for _ in range(3):
        started = time.perf_counter()
        assert client.get("/api/v1/suppliers?per_page=500&sort=-tier",
                          headers=headers).status_code == 200
        list_times.append(time.perf_counter() - started)
    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Network API, {args.suppliers:,} suppliers and {edges:,} edges, {db}")
    print(f"  GET /api/v1/network           best {min(timings):.2f} s  worst {max(timings):.2f} s"
          f"  ({nodes:,} nodes, {size:.1f} MB)  target < 3 s")
    print(f"  GET /api/v1/suppliers (500)   best {min(list_times):.2f} s")


if __name__ == "__main__":
    main()
