"""Screening on the queue: after a supplier import, an edit, a list upload, nightly; one run per
organisation at a time; a decision recomputes risk. And `flask risk load-list` and `screen`."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from app.queue import get_queue, run_daily
from risk.models import EntityList, RiskScore, ScreeningHit, ScreeningRun
from risk.screening import jobs
from tests.conftest import token_for
from tests.factories import make_user
from tests.risk.screening_factories import HOSHINE, csv_bytes, make_list
from tests.suppliers.factories import make_supplier


@pytest.fixture
def on_change(app):
    app.config["RISK_RECOMPUTE_ON_CHANGE"] = True
    with app.app_context():
        yield
    app.config["RISK_RECOMPUTE_ON_CHANGE"] = False


@pytest.fixture
def org(compliance_user):
    return compliance_user.org


def hit_count(db, org) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(ScreeningHit)
                     .where(ScreeningHit.org_id == org.id))


def test_an_import_is_screened_once_committed(on_change, client, db, org, compliance_user):
    make_list(db, org)
    db.commit()
    data = b"name,country\nHOSHINE SILICON INDUSTRY CO LTD,China\nDhaka Knit Ltd,BD\n"
    answer = client.post("/api/v1/suppliers/import", headers=token_for(client,
                                                                      compliance_user.email),
                         data={"file": (io.BytesIO(data), "suppliers.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 200, answer.json
    assert hit_count(db, org) == 1
    run = db.scalar(select(ScreeningRun).where(ScreeningRun.org_id == org.id)
                    .order_by(ScreeningRun.id.desc()))
    assert run.trigger in ("import", "change") and run.suppliers == 2


def test_an_edit_of_the_name_is_screened_and_other_edits_are_not(on_change, db, org):
    from suppliers.services import update_supplier

    make_list(db, org)
    supplier = make_supplier(db, org, name="Bright Garments", country="CN")
    db.commit()
    runs_before = db.scalar(select(func.count()).select_from(ScreeningRun))
    update_supplier(db, supplier, actor=None, values={"workers": 1200})
    db.commit()
    assert db.scalar(select(func.count()).select_from(ScreeningRun)) == runs_before
    update_supplier(db, supplier, actor=None, values={"name": "Hoshine Silicon Industry"})
    db.commit()
    assert hit_count(db, org) == 1


def test_a_list_upload_screens_its_organisation(on_change, db, org):
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    db.commit()
    assert hit_count(db, org) == 0
    make_list(db, org)
    db.commit()
    assert hit_count(db, org) == 1


def test_a_decision_recomputes_risk(on_change, client, db, org, compliance_user):
    make_list(db, org)
    supplier = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    db.commit()
    [hit] = db.scalars(select(ScreeningHit).where(ScreeningHit.org_id == org.id)).all()
    answer = client.post(f"/api/v1/screening/hits/{hit.id}",
                         headers=token_for(client, compliance_user.email),
                         json={"decision": "confirm", "note": "Same company"})
    assert answer.status_code == 200
    db.expire_all()
    sc = db.scalar(select(RiskScore).where(RiskScore.supplier_id == supplier.id))
    assert sc.band == "critical" and "entity_list" in [f["code"] for f in sc.factors]


def test_nothing_is_queued_when_turned_off(db, org):
    make_list(db, org)
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    db.commit()
    assert hit_count(db, org) == 0


def test_requests_coalesce_and_a_stale_one_gives_way(app, db, org):
    with app.app_context():
        huey = get_queue(app).huey
        key = jobs._flag(org.id)
        huey.put(key, str(time.time()))
        try:
            assert jobs.request_screening(org.id) is False  # one is already waiting
            assert jobs.waiting(org.id) is True
            huey.put(key, str(time.time() - jobs.STALE - 1))
            assert jobs.waiting(org.id) is False
            assert jobs.request_screening(org.id) is True  # its worker died: queue again
            assert huey.get(key, peek=True) is None  # the run cleared the flag first
        finally:
            huey.get(key)


def test_the_nightly_tick_screens_every_buyer(app, db, org):
    make_list(db, org)
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    db.commit()
    with app.app_context():
        outcome = run_daily(app)
    assert outcome["risk.screening.jobs.daily_screening"] == "ok"
    assert hit_count(db, org) == 1
    assert db.scalar(select(ScreeningRun.trigger).where(ScreeningRun.org_id == org.id)) == \
        "nightly"


# --- the commands ----------------------------------------------------------------------------

def test_load_list_and_screen_commands(app, db, org, tmp_path):
    path = tmp_path / "uflpa.csv"
    path.write_bytes(csv_bytes([HOSHINE]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["risk", "load-list", str(path), "--name", "UFLPA Entity List",
                                 "--issuer", "US DHS", "--edition", "2025", "--platform"])
    assert result.exit_code == 0, result.output
    assert "1 entries" in result.output and "for the platform" in result.output
    listing = db.scalar(select(EntityList).where(EntityList.name == "UFLPA Entity List"))
    assert listing.org_id is None
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["X Co", "", "Atlantis", "", "", "", ""]]))
    result = runner.invoke(args=["risk", "load-list", str(bad), "--name", "L", "--issuer", "I",
                                 "--edition", "1", "--org", org.name])
    assert result.exit_code == 1
    assert 'row 2, column country: unknown country "Atlantis"' in result.output
    result = runner.invoke(args=["risk", "load-list", str(path), "--name", "L", "--issuer",
                                 "I", "--edition", "1"])
    assert result.exit_code == 1 and "--platform or --org" in result.output
    result = runner.invoke(args=["risk", "load-list", str(path), "--name", "L", "--issuer",
                                 "I", "--edition", "1", "--org", org.name, "--dry-run"])
    assert result.exit_code == 0 and "Nothing was loaded" in result.output
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    db.commit()
    result = runner.invoke(args=["risk", "screen", "--org", org.name])
    assert result.exit_code == 0, result.output
    assert f"{org.name}: 1 suppliers against 1 entries, 1 new hits." in result.output
    result = runner.invoke(args=["risk", "load-shipped-lists"])
    assert result.exit_code == 0 and "35 entries" in result.output


def test_a_buyer_admin_from_another_kind_cannot_use_them(app, db):
    from tests.factories import make_org

    supplier_org = make_org(db, "supplier")
    make_user(db, supplier_org, "admin")
    db.commit()
    result = app.test_cli_runner().invoke(args=["risk", "screen", "--org", supplier_org.name])
    assert result.exit_code != 0 and "No buying organisation" in result.output
