"""Questionnaire campaigns at scale: send `recruitment` to 10,000 suppliers (target: its
assignments and outbox rows written in under 10 s; the emails go out later, in the
background), then list the 10,000 assignments through GET /api/v1/assignments?per_page=50
(target: under 200 ms). Each figure is reported beside a floor measured in the same run:

- campaign: a Core insert of as many plain rows of the same shape (an assignment and its
  rendered email each) into tables without indexes or constraints;
- list: GET /healthz (a request through the whole app that reads one row), and the list's own
  page query run bare on the engine.

    python bench/bench_questionnaires.py [--suppliers 10000] [--database-url ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_and_median, make_app

PASSWORD = "campaign-load-check-2026"  # noqa: S105 - a throwaway bench account


def seed(app, n: int) -> tuple[int, int, list[int], str]:
    from sqlalchemy import insert

    from app.auth.services import create_org, create_user, issue_token
    from app.db import get_db, utcnow
    from suppliers.models import Supplier

    session = get_db(app).new_session()
    org = create_org(session, name="Campaign Buyer", kind="buyer")
    user = create_user(session, org=org, email="bench-campaign@example.org", role="compliance",
                       password=PASSWORD, fast_hash=True)
    now = utcnow()
    contact = hasattr(Supplier, "contact_email")  # the connections work adds it
    rows = [{"org_id": org.id, "external_id": f"Q{i:06d}", "name": f"Supplier {i} Sdn Bhd",
             "name_key": f"supplier {i} sdn bhd", "country": "MY", "kind": "manufacturer",
             "sector": None, "products": [], "address": None, "workers": 300,
             "migrant_workers": 120, "female_workers": 150, "os_id": None, "lei": None,
             "duns": None, "tier": 1, "created_at": now, "updated_at": now, "version": 1}
            | ({"contact_email": f"hr{i}@supplier{i}.example"} if contact else {})
            for i in range(n)]
    ids = session.execute(insert(Supplier.__table__).returning(
        Supplier.__table__.c.id, sort_by_parameter_order=True), rows).scalars().all()
    _token, raw = issue_token(session, user)
    org_id, user_id = org.id, user.id
    session.commit()
    session.close()
    return org_id, user_id, list(ids), raw


class Statements:
    """Counts the SQL statements an engine runs (PITFALLS: bulk inserts split by NULLs)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def campaign(app, org_id: int, user_id: int, ids: list[int]) -> dict:
    from sqlalchemy import func, select

    from app.auth.models import Organization, User
    from app.db import get_db, utcnow
    from app.mail import OutboxMessage
    from questionnaires import services
    from questionnaires.models import Assignment
    from suppliers.models import Supplier

    db = get_db(app)
    counter = Statements(db.engine)
    with app.app_context():
        session = db.new_session()
        org, actor = session.get(Organization, org_id), session.get(User, user_id)
        email = None if hasattr(Supplier, "contact_email") else "contacts@bench.example"
        before = counter.count
        started = time.perf_counter()
        result = services.send(session, org=org, actor=actor, template_key="recruitment",
                               supplier_ids=ids, due_date=utcnow().date() + timedelta(days=30),
                               email=email)
        session.commit()
        elapsed = time.perf_counter() - started
        statements = counter.count - before
        assignments = session.scalar(select(func.count()).select_from(Assignment))
        mails = session.scalar(select(func.count()).select_from(OutboxMessage))
        session.close()
    assert len(result.created) == len(ids) == assignments == mails, (assignments, mails)
    return {"seconds": elapsed, "statements": statements, "assignments": assignments,
            "mails": mails}


def floor_insert(app, n: int) -> float:
    """The same number of assignment-shaped and email-shaped rows, by Core, in one transaction,
    into tables with no index, constraint or foreign key: the least the campaign can cost."""
    from sqlalchemy import Column, MetaData, Table, insert, select

    from app.db import get_db
    from app.mail import OutboxMessage
    from questionnaires.models import Assignment

    engine = get_db(app).engine
    meta = MetaData()
    copies = []
    for model in (Assignment, OutboxMessage):
        source = model.__table__
        columns = [Column(c.name, c.type, primary_key=c.primary_key) for c in source.columns]
        copies.append((source, Table(f"bench_floor_{source.name}", meta, *columns)))
    meta.create_all(engine)
    with engine.connect() as conn:
        samples = [[dict(r._mapping) for r in conn.execute(select(source).limit(n))]
                   for source, _copy in copies]
    for rows in samples:
        for position, row in enumerate(rows):
            row.pop("id", None)
            if "link_hash" in row:
                row["link_hash"] = f"{position:064d}"
    started = time.perf_counter()
    with engine.begin() as conn:
        for (_source, copy), rows in zip(copies, samples, strict=True):
            conn.execute(insert(copy), rows)
    elapsed = time.perf_counter() - started
    meta.drop_all(engine)
    return elapsed


def make_some_overdue(app, org_id: int, share: int = 10) -> int:
    """Every `share`-th assignment due last week, so the list's overdue-first order has work."""
    from sqlalchemy import update

    from app.db import get_db, utcnow
    from questionnaires.models import Assignment

    with get_db(app).engine.begin() as conn:
        return conn.execute(update(Assignment).where(
            Assignment.org_id == org_id, Assignment.id % share == 0)
            .values(due_date=utcnow().date() - timedelta(days=7))).rowcount


def _signed_in(app):
    import re

    client = app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    done = client.post("/login", data={"email": "bench-campaign@example.org",
                                       "password": PASSWORD, "csrf_token": token})
    assert done.status_code == 302, done.text
    return client


def listing(app, org_id: int, raw_token: str, rounds: int = 20) -> dict:
    from sqlalchemy.orm import Session

    from app.db import get_db
    from questionnaires import queries

    browser = _signed_in(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw_token}"}
    first = client.get("/api/v1/assignments?per_page=50", headers=headers)
    assert first.status_code == 200, first.text
    total, items = first.json["total"], len(first.json["items"])

    def api():
        assert client.get("/api/v1/assignments?per_page=50", headers=headers).status_code == 200

    def overdue():
        assert client.get("/api/v1/assignments?per_page=50&overdue=1",
                          headers=headers).status_code == 200

    def health():
        assert client.get("/healthz").status_code == 200

    def html():
        page = browser.get("/questionnaires")
        assert page.status_code == 200 and f"{total:,} in all" in page.text

    engine = get_db(app).engine
    stmt = queries.buyer_assignments(org_id, {})

    def bare():
        with Session(engine) as session:
            assert len(session.scalars(stmt.limit(50)).unique().all()) == 50

    return {"total": total, "items": items, "api": best_and_median(api, rounds),
            "overdue": best_and_median(overdue, rounds),
            "healthz": best_and_median(health, rounds),
            "html": best_and_median(html, rounds),
            "bare": best_and_median(bare, rounds)}


def scoring(app, org_id: int, user_id: int) -> tuple[float, int]:
    """services.submit of one recruitment questionnaire with fees: scored into signals."""
    from sqlalchemy import select

    from app.db import get_db
    from questionnaires import services
    from questionnaires.demo import complete_answers
    from questionnaires.models import Assignment

    answers = {"workers_paid_fees": True, "fee_amount": 1500, "fee_currency": "USD",
               "monthly_wage": 300, "identity_documents_retained": True}
    with app.app_context():
        session = get_db(app).new_session()
        a = session.scalar(select(Assignment).where(Assignment.org_id == org_id).limit(1))
        services.save(session, a, complete_answers("recruitment", answers), actor=None)
        started = time.perf_counter()
        raised = services.submit(session, a, actor=None, attestation_name="Bench Person")
        elapsed = time.perf_counter() - started
        session.commit()
        session.close()
    return elapsed, len(raised)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = make_app(args.database_url)
    with app.app_context():
        org_id, user_id, ids, raw = seed(app, args.suppliers)
    sent = campaign(app, org_id, user_id, ids)
    floor = floor_insert(app, args.suppliers)
    overdue = make_some_overdue(app, org_id)
    listed = listing(app, org_id, raw)
    submit_s, signals = scoring(app, org_id, user_id)
    db = "PostgreSQL" if args.database_url else "SQLite (file)"
    ms = 1000
    print(f"Questionnaire campaign, {args.suppliers:,} suppliers, {db}")
    print(f"  services.send + commit        {sent['seconds']:.2f} s  target < 10 s  "
          f"({sent['assignments']:,} assignments, {sent['mails']:,} outbox rows, "
          f"{sent['statements']:,} SQL statements)")
    print(f"  floor: Core insert of as many bare rows  {floor:.2f} s  "
          f"ratio {sent['seconds'] / floor:.1f}x")
    api_best, api_median = listed["api"]
    h_best, h_median = listed["healthz"]
    b_best, b_median = listed["bare"]
    o_best, o_median = listed["overdue"]
    print(f"  GET /api/v1/assignments?per_page=50  best {api_best * ms:.1f} ms  median "
          f"{api_median * ms:.1f} ms  target < 200 ms  ({listed['items']} of "
          f"{listed['total']:,})")
    print(f"  ... &overdue=1                       best {o_best * ms:.1f} ms  median "
          f"{o_median * ms:.1f} ms  ({overdue:,} overdue, listed first without the filter)")
    w_best, w_median = listed["html"]
    print(f"  GET /questionnaires (the page)       best {w_best * ms:.1f} ms  median "
          f"{w_median * ms:.1f} ms")
    print(f"  floor: GET /healthz                  best {h_best * ms:.1f} ms  median "
          f"{h_median * ms:.1f} ms  ratio {api_median / h_median:.1f}x")
    print(f"  floor: the page query, bare          best {b_best * ms:.1f} ms  median "
          f"{b_median * ms:.1f} ms  ratio {api_median / b_median:.1f}x")
    print(f"  services.submit (scored, {signals} signals)  {submit_s * ms:.1f} ms  "
          "target (scoring) < 50 ms")


if __name__ == "__main__":
    main()
