"""`flask risk recompute [--org NAME]`."""

from __future__ import annotations

from sqlalchemy import select

from risk.cli import cli
from risk.models import RiskScore
from tests.factories import make_org
from tests.suppliers.factories import link, make_supplier


def test_recompute_every_buyer_or_one_by_name(app, db):
    first, second = make_org(db, "buyer", "First Buyer"), make_org(db, "buyer", "Second Buyer")
    a = make_supplier(db, first, country="MM", products=["bricks"])
    b = make_supplier(db, second, country="DE", products=["machine parts"])
    link(db, first, a)
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["recompute", "--org", "First Buyer"])
    assert result.exit_code == 0, result.output
    assert "First Buyer: 1 supplier scored, 1 changed" in result.output
    assert db.scalar(select(RiskScore.band).where(RiskScore.supplier_id == a.id)) == "critical"
    assert db.scalar(select(RiskScore.id).where(RiskScore.supplier_id == b.id)) is None
    result = runner.invoke(cli, ["recompute"])
    assert result.exit_code == 0, result.output
    assert "Second Buyer: 1 supplier scored, 1 changed" in result.output
    assert "First Buyer: 1 supplier scored, 0 changed" in result.output


def test_recompute_names_a_wrong_organisation(app, db):
    make_org(db, "supplier", "A Supplier Org")
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["recompute", "--org", "Nobody Ltd"])
    assert result.exit_code != 0 and 'No organisation named "Nobody Ltd"' in result.output
    result = runner.invoke(cli, ["recompute", "--org", "A Supplier Org"])
    assert result.exit_code != 0 and "only buying companies" in result.output

