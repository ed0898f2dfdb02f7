"""Recompute on the queue: a change asks for one, bursts coalesce, a stale flag gives way."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.queue import get_queue
from risk import jobs
from risk.models import RiskScore
from tests.audits.factories import make_audit, make_finding
from tests.suppliers.factories import link, make_supplier


@pytest.fixture
def on_change(app):
    """Receivers run where the commit happens: a request or a job, in an app context."""
    app.config["RISK_RECOMPUTE_ON_CHANGE"] = True
    with app.app_context():
        yield
    app.config["RISK_RECOMPUTE_ON_CHANGE"] = False


@pytest.fixture
def org(compliance_user):
    return compliance_user.org


def score(db, supplier):
    db.expire_all()
    return db.scalar(select(RiskScore.score).where(RiskScore.supplier_id == supplier.id))


def test_a_new_supplier_and_a_new_edge_are_scored_once_committed(on_change, db, org):
    gin = make_supplier(db, org, country="CN", products=["cotton"])
    db.commit()
    assert score(db, gin) is not None
    mill = make_supplier(db, org, country="BD", products=["yarn"])
    db.commit()
    before = score(db, mill)
    link(db, org, gin, mill)
    db.commit()  # network_changed -> a recompute
    assert score(db, mill) > before


def test_audit_inputs_changed_recomputes(on_change, app, db, org):
    from audits.services.notify import inputs_changed

    site = make_supplier(db, org, country="MY", products=["gloves"])
    db.commit()
    before = score(db, site)
    audit = make_audit(db, org, supplier=site, status="submitted")
    make_finding(db, audit, severity="critical")
    inputs_changed(db, org.id, [site.id], "findings")
    db.commit()
    assert score(db, site) > before


def test_nothing_is_recomputed_when_turned_off(app, db, org):
    s = make_supplier(db, org, country="CN", products=["cotton"])
    db.commit()
    assert score(db, s) is None


def test_a_waiting_request_coalesces_and_a_stale_one_gives_way(app, db, org):
    ctx = app.app_context()
    ctx.push()
    huey = get_queue(app).huey
    key = jobs._flag(org.id)
    huey.put(key, str(time.time()))
    try:
        assert jobs.request_recompute(org.id) is False  # one is already waiting
        huey.put(key, str(time.time() - jobs.STALE - 1))
        assert jobs.request_recompute(org.id) is True  # its worker died: queue again
        # the run itself cleared the flag: the next change queues again
        assert huey.get(key, peek=True) is None
    finally:
        huey.get(key)
        ctx.pop()


def test_a_new_edition_recomputes_and_old_scores_stay_explainable(on_change, db, org):
    from risk.models import DataEdition
    from risk.reference.services import load_edition

    site = make_supplier(db, org, country="NO", products=["salmon"])
    db.commit()
    first = db.scalar(select(RiskScore).where(RiskScore.supplier_id == site.id))
    old_edition = first.editions["ituc_rights"]
    # this organisation's own ITUC edition rates Norway 5+: its scores move, once committed
    load_edition(db, dataset="ituc_rights", files=[("ituc.csv", b"country,rating\nNorway,5+\n")],
                 edition="2026 test", title="ITUC ratings (test)", source="a test",
                 org_id=org.id)
    db.commit()
    db.expire_all()
    now = db.scalar(select(RiskScore).where(RiskScore.supplier_id == site.id))
    assert now.editions["ituc_rights"] != old_edition
    assert "country_rights" in {f["code"] for f in now.factors}
    # the edition the first score used is still there to explain it
    assert db.get(DataEdition, old_edition) is not None


def test_verified_remediation_lowers_the_score_through_the_queue(on_change, db, org,
                                                                 compliance_user):
    from audits.services.actions import transition
    from audits.services.notify import inputs_changed
    from tests.audits.factories import make_action

    site = make_supplier(db, org, country="MY", products=["rubber gloves"])
    db.commit()
    before = score(db, site)
    audit = make_audit(db, org, supplier=site, status="submitted")
    finding = make_finding(db, audit, severity="critical", indicators=["FL07"])
    action = make_action(db, finding)
    inputs_changed(db, org.id, [site.id], "findings")
    db.commit()
    raised = score(db, site)
    assert raised > before
    for to in ("in_progress", "submitted", "verified"):
        transition(db, action, to, "passports returned, lockers fitted", actor=compliance_user)
    db.commit()  # the finding closes; audit_inputs_changed queues the recompute
    assert finding.status == "closed"
    assert score(db, site) == before
