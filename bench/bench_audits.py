"""Audits at scale (issue 9):

- a findings workbook of 5,000 rows (written with openpyxl) validates and imports through
  services.import_findings in under 5 s. Floor, measured in the same run: reading the same
  workbook through the shared streaming reader, plus a Core insert of as many finding rows
  into a table without indexes or constraints;
- the corrective-action board (audits/board.py, what /actions builds) with 20,000 actions
  across 2,000 suppliers answers in under 200 ms. Floor: the open column's 50 rows fetched
  bare with Core (ids and due dates, no ORM, no eager loads).

    python bench/bench_audits.py [--rows 5000] [--actions 20000] [--suppliers 2000]
                                 [--database-url ...]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, best_and_median, make_app

HEADER = ["code", "clause", "description", "scheme_severity", "indicators", "workers_affected",
          "worker_groups", "recruitment_fee_amount", "fee_currency", "root_cause", "evidence"]
SEVERITIES = ["Priority", "Major", "Minor", "Risk of non-conformance"]
INDICATORS = ["FL07", "FL09; deception", "retention of identity documents", "FL11", "",
              "excessive overtime; FL08"]


def findings_workbook(n: int) -> Path:
    import openpyxl

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"findings-{n}.xlsx"
    rng = random.Random(9)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Findings")
    ws.append(HEADER)
    for i in range(n):
        fee = rng.random() < 0.1
        ws.append([f"R-{i:05d}", f"A{rng.randint(1, 9)}.{rng.randint(1, 9)}",
                   f"Finding {i}: workers on line {rng.randint(1, 40)} report the issue",
                   rng.choice(SEVERITIES), rng.choice(INDICATORS), rng.randint(1, 400),
                   "migrant; agency" if fee else "", "150000" if fee else None,
                   "NPR" if fee else None, "Agency contract silent on fees" if fee else None,
                   "Worker interviews; payroll sample"])
    wb.save(path)
    return path


def seed_buyer(app):
    from app.auth.services import create_org, create_user
    from app.db import get_db

    session = get_db(app).new_session()
    org = create_org(session, name="Audits Bench Buyer", kind="buyer")
    user = create_user(session, org=org, email="bench-audits@example.org", role="compliance",
                       password="lantern-orchard-ledger-77", fast_hash=True)
    session.commit()
    ids = org.id, user.id
    session.close()
    return ids


def insert_suppliers(session, org_id: int, n: int, prefix: str = "A") -> list[int]:
    from sqlalchemy import insert

    from app.db import utcnow
    from suppliers.models import Supplier

    now = utcnow()
    rows = [{"org_id": org_id, "external_id": f"{prefix}{i:06d}", "name": f"Factory {i} Ltd",
             "name_key": f"factory {i} ltd", "country": "BD", "kind": "manufacturer",
             "products": [], "workers": 800, "migrant_workers": 100, "female_workers": 500,
             "tier": 1, "created_at": now, "updated_at": now, "version": 1}
            for i in range(n)]
    return list(session.execute(insert(Supplier.__table__).returning(
        Supplier.__table__.c.id, sort_by_parameter_order=True), rows).scalars())


def import_run(app, org_id: int, user_id: int, rows: int) -> dict:
    from app.auth.models import User
    from app.db import get_db
    from audits import services
    from audits.models import Audit

    path = findings_workbook(rows)
    with app.app_context():
        session = get_db(app).new_session()
        (supplier_id,) = insert_suppliers(session, org_id, 1, prefix="IMPORT")
        audit = Audit(org_id=org_id, supplier_id=supplier_id, scheme="RBA",
                      audit_type="announced", audit_date=date(2026, 11, 2),
                      auditor_email="a@bench.example", status="in_progress")
        session.add(audit)
        session.commit()
        actor = session.get(User, user_id)
        started = time.perf_counter()
        dry = services.import_findings(session, audit, str(path), path.name, actor=actor,
                                       dry_run=True)
        session.rollback()
        dry_s = time.perf_counter() - started
        started = time.perf_counter()
        summary = services.import_findings(session, audit, str(path), path.name, actor=actor)
        session.commit()
        elapsed = time.perf_counter() - started
        session.close()
    assert dry.created == summary.created == rows, (dry.created, summary.created)
    return {"seconds": elapsed, "dry_seconds": dry_s, "path": path}


def import_floor(app, path: Path, rows: int) -> float:
    """Read the workbook through the shared reader, then Core-insert as many bare rows."""
    from sqlalchemy import Column, MetaData, Table, insert

    from app.db import get_db, utcnow
    from app.spreadsheets import open_table
    from audits.importer import FINDING_COLUMNS
    from audits.models import Finding

    engine = get_db(app).engine
    meta = MetaData()
    source = Finding.__table__
    copy = Table("bench_floor_findings", meta,
                 *[Column(c.name, c.type, primary_key=c.primary_key) for c in source.columns])
    meta.create_all(engine)
    now = utcnow()
    started = time.perf_counter()
    with open_table(str(path), path.name, FINDING_COLUMNS) as table:
        read = [values for _row, values in table.rows]
    with engine.begin() as conn:
        conn.execute(insert(copy), [
            {"org_id": 1, "audit_id": 1, "supplier_id": 1, "code": v["code"],
             "clause": v["clause"], "description": v["description"],
             "scheme_severity": v["scheme_severity"], "severity": "high", "indicators": [],
             "workers_affected": 1, "worker_groups": [], "fee_minor": None,
             "fee_currency": None, "root_cause": None, "evidence_note": v["evidence"],
             "status": "open", "created_at": now, "updated_at": now} for v in read])
    elapsed = time.perf_counter() - started
    meta.drop_all(engine)
    assert len(read) == rows
    return elapsed


def seed_board(app, org_id: int, suppliers: int, actions: int) -> None:
    """`suppliers` suppliers with one audit each, two actions per finding, states mixed and a
    tenth of the open work overdue."""
    from sqlalchemy import insert

    from app.db import get_db, utcnow
    from audits.models import Action, Audit, Finding

    rng = random.Random(11)
    now, today = utcnow(), utcnow().date()
    session = get_db(app).new_session()
    ids = insert_suppliers(session, org_id, suppliers)
    audits = list(session.execute(insert(Audit.__table__).returning(
        Audit.__table__.c.id, Audit.__table__.c.supplier_id, sort_by_parameter_order=True), [
        {"org_id": org_id, "supplier_id": s, "scheme": "SMETA", "audit_type": "announced",
         "audit_date": date(2026, 10, 1), "auditor_email": "a@bench.example",
         "status": "submitted", "created_at": now, "updated_at": now, "version": 1}
        for s in ids]))
    per_audit = max(1, actions // 2 // len(audits))
    findings = list(session.execute(insert(Finding.__table__).returning(
        Finding.__table__.c.id, Finding.__table__.c.supplier_id,
        sort_by_parameter_order=True), [
        {"org_id": org_id, "audit_id": a, "supplier_id": s, "code": f"F-{a}-{k}",
         "description": "Overtime above 60 hours", "scheme_severity": "Non-compliance",
         "severity": rng.choice(["critical", "high", "medium", "low"]), "indicators": ["FL11"],
         "worker_groups": [], "status": "open", "created_at": now, "updated_at": now}
        for a, s in audits for k in range(per_audit)]))
    states = ["open", "in_progress", "submitted", "verified"]
    rows = []
    for n in range(actions):
        finding_id, supplier_id = findings[n % len(findings)]
        state = rng.choice(states)
        late = state != "verified" and rng.random() < 0.1
        rows.append({"org_id": org_id, "supplier_id": supplier_id, "finding_id": finding_id,
                     "description": "Cap weekly hours at 60 and pay overtime at premium",
                     "owner_email": "hr@factory.example", "state": state,
                     "due_date": today + timedelta(days=-rng.randint(1, 30) if late
                                                   else rng.randint(0, 90)),
                     "verified_at": now if state == "verified" else None,
                     "created_at": now, "updated_at": now, "version": 1})
    session.execute(insert(Action.__table__), rows)
    session.commit()
    session.close()


def board_run(app, org_id: int, user_id: int, rounds: int = 20) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.auth.models import User
    from app.db import get_db
    from audits.board import board as board_of
    from audits.models import Action

    engine = get_db(app).engine
    shown: dict = {}

    def board():
        with Session(engine) as session:
            user = session.get(User, user_id)
            columns = board_of(session, user, {})  # what /actions builds, 50 per column
            for column in columns:
                for a in column.actions:  # what the page shows: must not lazy-load
                    _ = (a.finding.code, a.finding.audit.scheme, a.finding.audit.supplier.name)
            shown.update({column.state: column.count for column in columns})

    def filtered():
        with Session(engine) as session:
            board_of(session, session.get(User, user_id), {"severity": "critical"})

    def floor():
        with engine.connect() as conn:
            rows = conn.execute(select(Action.id, Action.due_date).where(
                Action.org_id == org_id, Action.state == "open")
                .order_by(Action.due_date, Action.id).limit(50)).all()
            assert rows

    board()
    return {"board": best_and_median(board, rounds),
            "filtered": best_and_median(filtered, rounds),
            "floor": best_and_median(floor, rounds), "totals": shown}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--suppliers", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = make_app(args.database_url)
    with app.app_context():
        org_id, user_id = seed_buyer(app)
    imported = import_run(app, org_id, user_id, args.rows)
    floor = import_floor(app, imported["path"], args.rows)
    seed_board(app, org_id, args.suppliers, args.actions)
    board = board_run(app, org_id, user_id)
    db = "PostgreSQL" if args.database_url else "SQLite (file)"
    ms = 1000
    print(f"Audits, {db}")
    print(f"  findings import, {args.rows:,} rows (.xlsx)  {imported['seconds']:.2f} s  "
          f"target < 5 s  (dry run {imported['dry_seconds']:.2f} s)")
    print(f"  floor: stream-read the workbook + Core insert  {floor:.2f} s  "
          f"ratio {imported['seconds'] / floor:.1f}x")
    b_best, b_median = board["board"]
    o_best, o_median = board["filtered"]
    f_best, f_median = board["floor"]
    totals = ", ".join(f"{k} {v:,}" for k, v in board["totals"].items())
    print(f"  board, {args.actions:,} actions / {args.suppliers:,} suppliers  best "
          f"{b_best * ms:.1f} ms  median {b_median * ms:.1f} ms  target < 200 ms  ({totals})")
    print(f"  ... critical findings only          best {o_best * ms:.1f} ms  median "
          f"{o_median * ms:.1f} ms")
    print(f"  floor: one column's 50 rows, bare  best {f_best * ms:.1f} ms  median "
          f"{f_median * ms:.1f} ms  ratio {b_median / f_median:.1f}x")


if __name__ == "__main__":
    main()
