"""`flask suppliers import` with its progress bar, and the demo network."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cli import seed_demo_command
from suppliers.cli import import_command
from suppliers.models import Relationship, Supplier
from tests.factories import make_org
from tests.suppliers.files import FACILITY_HEADER, FACILITY_ROWS, facility_list, write_xlsx


def test_cli_import_with_progress(app, db, tmp_path):
    org = make_org(db, "buyer", name="Cli Import Buyer")
    db.commit()
    runner = app.test_cli_runner()
    path = facility_list(tmp_path)
    result = runner.invoke(import_command, [str(path), "--org", "Cli Import Buyer"])
    assert result.exit_code == 0, result.output
    assert "Imported 7 rows: 7 created" in result.output
    assert "Reading northwind-facilities.xlsx" in result.output  # the progress bar
    assert db.scalar(select(func.count(Supplier.id)).where(Supplier.org_id == org.id)) == 7
    again = runner.invoke(import_command, [str(path), "--org", "Cli Import Buyer"])
    assert "0 created, 0 updated, 7 unchanged" in again.output


def test_cli_import_reports_row_errors(app, db, tmp_path):
    make_org(db, "buyer", name="Cli Bad Buyer")
    db.commit()
    rows = [list(r) for r in FACILITY_ROWS]
    rows[1][2] = "Westeros"
    path = write_xlsx(tmp_path / "bad.xlsx", FACILITY_HEADER, rows)
    result = app.test_cli_runner().invoke(import_command, [str(path), "--org", "Cli Bad Buyer"])
    assert result.exit_code == 1
    assert "row 3, country" in result.output and "Westeros" in result.output


def test_cli_import_unknown_org(app, db, tmp_path):
    result = app.test_cli_runner().invoke(
        import_command, [str(facility_list(tmp_path)), "--org", "Nobody"])
    assert result.exit_code == 1 and "no buying organisation" in result.output


def test_demo_network_has_tiers_labour_and_a_cycle(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(seed_demo_command).exit_code == 0
    from app.auth.models import Organization

    buyer = db.scalar(select(Organization).where(Organization.name == "Northwind Apparel Ltd"))
    tiers = dict(db.execute(select(Supplier.external_id, Supplier.tier)
                            .where(Supplier.org_id == buyer.id)).all())
    assert len(tiers) >= 25
    assert tiers["RA-NP-21"] == 3  # sub-agent -> agency -> factory -> company
    assert max(t for t in tiers.values() if t) >= 5
    labour = db.scalar(select(func.count(Relationship.id)).where(
        Relationship.org_id == buyer.id, Relationship.kind == "labour"))
    assert labour >= 4
    runner.invoke(seed_demo_command)  # idempotent
    assert db.scalar(select(func.count(Supplier.id)).where(
        Supplier.org_id == buyer.id)) == len(tiers)
