"""`flask risk load-edition`, `flask risk editions` and `flask risk load-shipped`."""

from __future__ import annotations

from sqlalchemy import func, select

from risk.models import DataEdition
from risk.reference.cli import cli
from tests.factories import make_org
from tests.risk.conftest import csv_bytes


def _file(tmp_path, name, rows, header=("country", "rating")):
    path = tmp_path / name
    path.write_bytes(csv_bytes(list(header), rows))
    return str(path)


def _editions(db, **where):
    return db.scalar(select(func.count()).select_from(DataEdition).filter_by(**where))


def test_load_shipped_is_idempotent(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["load-shipped"])
    assert result.exit_code == 0, result.output
    assert "Loaded ilab_goods 2020: 438 rows (superseded by a later shipped edition)" in \
        result.output
    assert "Loaded tip_tiers 2025: 2,567 rows" in result.output
    again = runner.invoke(cli, ["load-shipped"])
    assert again.exit_code == 0 and "Every shipped edition is loaded already." in again.output
    assert _editions(db, scope_key=0) == 7


def test_load_edition_for_the_platform_and_list_it(app, db, tmp_path, shipped):
    path = _file(tmp_path, "ituc-2026.csv", [["Norway", "1"], ["Belarus", "5+"]])
    result = app.test_cli_runner().invoke(cli, [
        "load-edition", "ituc_rights", path, "--edition", "2026", "--title", "ITUC 2026",
        "--source", "ITUC", "--licence", "ITUC terms", "--retrieved", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert "Loaded ituc_rights edition 2026 for the platform: 2 rows" in result.output
    listing = app.test_cli_runner().invoke(cli, ["editions"])
    assert listing.exit_code == 0, listing.output
    lines = [line for line in listing.output.splitlines() if "ituc_rights" in line]
    assert len(lines) == 2
    assert lines[1].startswith("*") and " 2026 " in lines[1]
    assert not lines[0].startswith("*") and "(superseded)" in lines[0]


def test_row_errors_are_printed_and_nothing_is_loaded(app, db, tmp_path):
    path = _file(tmp_path, "bad.csv", [["Norway", "1"], ["Atlantis", "1"], ["Chad", "Tier 9"]])
    result = app.test_cli_runner().invoke(cli, [
        "load-edition", "ituc_rights", path, "--edition", "bad", "--title", "x", "--source",
        "y"])
    assert result.exit_code == 1
    assert "2 problems in the file: nothing was loaded." in result.output
    assert 'bad.csv, row 3, column country: unknown country "Atlantis"' in result.output
    assert "bad.csv, row 4, column value" in result.output
    assert _editions(db, edition="bad") == 0


def test_several_files_and_an_organisation(app, db, tmp_path):
    make_org(db, "buyer", name="Cli Risk Buyer")
    make_org(db, "supplier", name="Cli Risk Supplier")
    db.commit()
    first = _file(tmp_path, "a.csv", [["Burma", "2024", "Tier 3"]],
                  header=("country", "report_year", "tier"))
    second = _file(tmp_path, "b.csv", [["Burma", "2025", "Tier 3"]],
                   header=("country", "report_year", "tier"))
    args = ["load-edition", "tip_tiers", first, second, "--edition", "own", "--title", "TIP",
            "--source", "State"]
    result = app.test_cli_runner().invoke(cli, [*args, "--org", "Cli Risk Buyer"])
    assert result.exit_code == 0, result.output
    assert "for Cli Risk Buyer: 2 rows" in result.output
    edition = db.scalar(select(DataEdition).where(DataEdition.edition == "own"))
    assert edition.files == ["a.csv", "b.csv"] and edition.org_id is not None
    refused = app.test_cli_runner().invoke(cli, [*args, "--org", "Cli Risk Supplier"])
    assert refused.exit_code == 1 and "is not a buying company" in refused.output
    unknown = app.test_cli_runner().invoke(cli, [*args, "--org", "Nobody Ltd"])
    assert unknown.exit_code == 1 and 'no organisation is named "Nobody Ltd"' in unknown.output
    again = app.test_cli_runner().invoke(cli, [*args, "--org", "Cli Risk Buyer"])
    assert again.exit_code == 1 and 'already has edition "own"' in again.output


def test_dry_run_loads_nothing(app, db, tmp_path):
    path = _file(tmp_path, "ok.csv", [["Norway", "1"]])
    result = app.test_cli_runner().invoke(cli, [
        "load-edition", "ituc_rights", path, "--edition", "dry", "--title", "x", "--source",
        "y", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 1 row is valid (0 skipped)" in result.output
    assert _editions(db, edition="dry") == 0


def test_bad_arguments(app, db, tmp_path):
    path = _file(tmp_path, "ok.csv", [["Norway", "1"]])
    result = app.test_cli_runner().invoke(cli, [
        "load-edition", "uflpa", path, "--edition", "1", "--title", "x", "--source", "y"])
    assert result.exit_code == 2 and "uflpa" in result.output
    result = app.test_cli_runner().invoke(cli, [
        "load-edition", "ituc_rights", path, "--edition", "1", "--title", "x", "--source", "y",
        "--retrieved", "31/12/2026"])
    assert result.exit_code == 1 and "retrieved_on is not a date" in result.output
