"""risk.bulk: COPY on PostgreSQL and the driver's executemany on SQLite, read back by the ORM."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select, text

from app.db import utcnow
from risk import bulk, services
from risk.models import RiskScore, RiskSnapshot
from tests.suppliers.factories import make_supplier

COLUMNS = ("org_id", "supplier_id", "score", "band", "own_score", "inherited_score",
           "inherited_from_id", "method_version", "digest", "computed_at", "changed_at",
           "inherited_path", "factors", "editions")
JSON_COLUMNS = ("inherited_path", "factors", "editions")
FACTORS = [{"code": "goods", "label": 'Goods: "cotton"\tand\\ more', "points": 30.0,
            "evidence": [{"kind": "dataset", "id": 5, "row": 51, "text": "Zoë's row\nnext"}],
            "lower": None, "lowers_by": None}]


def score_row(org_id, supplier_id, now, *, score=64.2, factors=FACTORS, path=()):
    return (org_id, supplier_id, score, "high", 60.0, 51.3, path[0] if path else None,
            "m-1", "d" * 64, now, now, json.dumps(list(path)), json.dumps(factors),
            json.dumps({"ilab_goods": 5}))


def scores(db, org_id):
    db.expire_all()
    return {r.supplier_id: r for r in db.scalars(
        select(RiskScore).where(RiskScore.org_id == org_id))}


def test_inserted_rows_read_back_as_the_orm_wrote_them(db, compliance_user):
    org = compliance_user.org
    a, b = make_supplier(db, org), make_supplier(db, org)
    db.flush()
    now = utcnow()
    rows = [score_row(org.id, a.id, now), score_row(org.id, b.id, now, score=12.5,
                                                    factors=[], path=(a.id, b.id))]
    assert bulk.insert_rows(db, RiskScore.__table__, COLUMNS, rows,
                            text_json=JSON_COLUMNS) == 2
    got = scores(db, org.id)
    assert got[a.id].factors == FACTORS and got[a.id].editions == {"ilab_goods": 5}
    assert got[a.id].computed_at == now and got[a.id].changed_at == now
    assert (got[b.id].score, got[b.id].inherited_path, got[b.id].factors) == (
        12.5, [a.id, b.id], [])
    assert got[b.id].inherited_from_id == a.id


def test_updates_touch_only_the_rows_their_keys_name(db, compliance_user):
    org = compliance_user.org
    a, b = make_supplier(db, org), make_supplier(db, org)
    db.flush()
    now = utcnow()
    bulk.insert_rows(db, RiskScore.__table__, COLUMNS,
                     [score_row(org.id, s.id, now) for s in (a, b)], text_json=JSON_COLUMNS)
    ids = {s: r.id for s, r in scores(db, org.id).items()}
    later = now + timedelta(hours=1)
    changed = [{**FACTORS[0], "points": 15.0}]
    # Two bulk updates in one transaction (PostgreSQL reuses its scratch table's name).
    for points in (20.0, 15.0):
        assert bulk.update_rows(db, RiskScore.__table__, ("id",),
                                ("score", "changed_at", "factors"),
                                [(ids[a.id], points, later,
                                  json.dumps([{**FACTORS[0], "points": points}]))],
                                text_json=("factors",)) == 1
    got = scores(db, org.id)
    assert (got[a.id].score, got[a.id].changed_at, got[a.id].factors) == (15.0, later, changed)
    assert got[a.id].computed_at == now  # not named: untouched
    assert (got[b.id].score, got[b.id].changed_at, got[b.id].factors) == (64.2, now, FACTORS)


def test_a_composite_key_and_nothing_to_write(db, compliance_user):
    org = compliance_user.org
    s = make_supplier(db, org)
    db.flush()
    day = date(2026, 12, 1)
    table = RiskSnapshot.__table__
    columns = ("org_id", "supplier_id", "day", "score", "band")
    bulk.insert_rows(db, table, columns, [(org.id, s.id, day, 10.0, "low"),
                                          (org.id, s.id, day + timedelta(days=1), 10.0, "low")])
    assert bulk.update_rows(db, table, ("supplier_id", "day"), ("score", "band"),
                            [(s.id, day + timedelta(days=1), 55.5, "high")]) == 1
    assert bulk.insert_rows(db, table, columns, []) == 0
    assert bulk.update_rows(db, table, ("supplier_id", "day"), ("score", "band"), []) == 0
    db.expire_all()
    got = db.execute(select(RiskSnapshot.day, RiskSnapshot.score, RiskSnapshot.band)
                     .where(RiskSnapshot.supplier_id == s.id)
                     .order_by(RiskSnapshot.day)).all()
    assert [tuple(r) for r in got] == [(day, 10.0, "low"),
                                       (day + timedelta(days=1), 55.5, "high")]


def test_sqlite_statistics_follow_a_large_recompute(db, compliance_user, monkeypatch):
    org = compliance_user.org
    for _ in range(3):
        make_supplier(db, org, country="CN", products=["cotton"])
    db.flush()
    monkeypatch.setattr(services, "ANALYZE_AFTER", 1)
    services.recompute(db, org.id)
    if db.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's autovacuum keeps its own statistics
    stats = db.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'risk_scores'")).all()
    assert stats
