"""Loading reference editions (all or nothing, superseding, one scope per organisation), the
shipped editions, and the lookup tables a score reads from the editions in force."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from app.activity.models import ActivityEntry
from app.errors import Conflict, ValidationFailed
from risk.models import DataEdition, ReferenceRow
from risk.reference import services
from risk.reference.shipped import (
    DATA_DIR,
    ShippedDataError,
    shipped_editions,
    shipped_files,
)
from tests.factories import make_org, make_user
from tests.risk.conftest import csv_bytes

ITUC = ["country", "rating"]


def ituc(*rows):
    return [("ituc.csv", csv_bytes(ITUC, [list(r) for r in rows]))]


def load(db, *rows, edition="2026", org=None, **kw):
    return services.load_edition(db, dataset="ituc_rights", files=ituc(*rows), edition=edition,
                                 title="ITUC Global Rights Index", source="ITUC",
                                 org_id=org.id if org else None, **kw)


@contextmanager
def statements(db):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _counts(db):
    return (db.scalar(select(func.count()).select_from(DataEdition)),
            db.scalar(select(func.count()).select_from(ReferenceRow)))


# --- the shipped editions ------------------------------------------------------------------


def test_the_shipped_files_match_the_manifest():
    for entry in shipped_editions():
        for path, sha in entry.files:
            assert hashlib.sha256((DATA_DIR / path).read_bytes()).hexdigest() == sha, path
    assert (DATA_DIR / "SOURCES.md").is_file()
    assert (DATA_DIR / "tip/LICENSE-scorecard-diplomacy.txt").is_file()


def test_a_changed_shipped_file_is_refused(monkeypatch):
    entry = shipped_editions()[0]
    changed = type(entry)(**{**entry.__dict__, "files": ((entry.files[0][0], "0" * 64),)})
    with pytest.raises(ShippedDataError, match="does not match its checksum"):
        shipped_files(changed)


def test_ensure_shipped_loads_each_edition_once_newest_current(db, shipped):
    assert set(shipped) == {(e.dataset, e.edition) for e in shipped_editions()}
    assert services.ensure_shipped(db) == []  # idempotent
    current = services.current_editions(db, None)
    assert {d: e.edition for d, e in current.items()} == {
        "ilab_goods": "2022", "tip_tiers": "2025", "gsi_prevalence": "2023",
        "gsi_vulnerability": "2018", "ituc_rights": "2025 (dashboard copy)"}
    assert shipped[("ilab_goods", "2020")].superseded_at is not None
    assert shipped[("gsi_prevalence", "2018")].superseded_at is not None
    ilab = shipped[("ilab_goods", "2022")]
    assert (ilab.row_count, ilab.files, ilab.org_id, ilab.retrieved_on) == (
        467, ["ilab_list_of_goods_2022.csv"], None, date(2026, 12, 1))
    assert ilab.sha256 == shipped_editions()[1].files[0][1]  # one file: its own checksum
    tip = shipped[("tip_tiers", "2025")]
    concatenated = b"".join(data for _n, data in shipped_files(shipped_editions()[2]))
    assert tip.sha256 == hashlib.sha256(concatenated).hexdigest()
    assert tip.files == ["tip_tiers_2001_2015_kelley.csv",
                         "tip_watchlist_tier3_by_year_factbook.csv",
                         "tip_tiers_factbook_2025.csv"]
    assert db.scalar(select(func.count()).select_from(ReferenceRow)
                     .where(ReferenceRow.edition_id == tip.id)) == 2567


def test_a_missing_older_shipped_edition_is_loaded_superseded(db):
    newer = next(e for e in shipped_editions() if (e.dataset, e.edition) == ("ilab_goods",
                                                                             "2022"))
    services._load_shipped(db, newer, actor=None, superseded=False)
    services.ensure_shipped(db)
    current = services.current_editions(db, None)
    assert current["ilab_goods"].edition == "2022"
    older = db.scalar(select(DataEdition).where(DataEdition.edition == "2020",
                                                DataEdition.dataset == "ilab_goods"))
    assert older.superseded_at is not None


# --- loading an edition ----------------------------------------------------------------------


def test_a_new_edition_supersedes_the_current_one_in_its_scope(db, shipped):
    platform = shipped[("ituc_rights", "2025 (dashboard copy)")]
    org = make_org(db, "buyer")
    other = make_org(db, "buyer")
    own = load(db, ["Norway", "1"], ["Chad", "5"], org=org, retrieved_on="2026-11-30")
    assert (own.org_id, own.scope_key, own.row_count, own.superseded_at) == (org.id, org.id, 2,
                                                                            None)
    assert own.retrieved_on == date(2026, 11, 30)
    db.refresh(platform)
    assert platform.superseded_at is None  # another scope
    assert services.current_editions(db, org.id)["ituc_rights"].id == own.id
    assert services.current_editions(db, other.id)["ituc_rights"].id == platform.id
    assert services.current_editions(db, org.id)["tip_tiers"].id == \
        shipped[("tip_tiers", "2025")].id  # the platform's for the rest
    newer = load(db, ["Norway", "2"], org=org, edition="2027")
    db.refresh(own)
    assert own.superseded_at is not None and newer.superseded_at is None
    assert services.current_editions(db, org.id)["ituc_rights"].id == newer.id


def test_rows_are_written_in_one_bulk_statement(db):
    entry = next(e for e in shipped_editions() if e.dataset == "tip_tiers")
    with statements(db) as seen:
        edition = services.load_edition(
            db, dataset="tip_tiers", files=shipped_files(entry), edition="x", title="TIP",
            source="State Department")
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO RISK_REFERENCE")]
    assert len(inserts) == 1, len(inserts)  # 2,567 rows, one executemany
    assert edition.row_count == 2567


def test_a_duplicate_label_in_a_scope_is_a_conflict(db):
    org = make_org(db, "buyer")
    load(db, ["Norway", "1"], edition="2026")
    with pytest.raises(Conflict, match='already has edition "2026"'):
        load(db, ["Norway", "1"], edition="2026")
    load(db, ["Norway", "1"], edition="2026", org=org)  # another scope: fine
    with pytest.raises(Conflict, match="This organisation already has"):
        load(db, ["Norway", "1"], edition="2026", org=org)


def test_a_label_taken_at_the_same_moment_is_a_conflict_not_a_500(db):
    """Two loads of one label racing: the second passes the check, the unique constraint
    stops it at the insert, and the session stays usable."""
    first = load(db, ["Norway", "1"], edition="race")
    checked = services.check_edition(db, dataset="ituc_rights", files=ituc(["Chad", "5"]),
                                     edition="other", title="ITUC", source="ITUC")
    meta = services._metadata("ituc_rights", "race", "ITUC", "ITUC", None, None)
    with pytest.raises(Conflict, match='already has edition "race"'):
        services._write(db, meta, checked, org_id=None, actor=None, superseded=False)
    assert db.scalar(select(func.count()).select_from(DataEdition)
                     .where(DataEdition.edition == "race")) == 1
    db.refresh(first)
    assert first.superseded_at is None


def test_ensure_shipped_skips_an_edition_loaded_by_another_process(db, monkeypatch):
    real = services._load_shipped

    def racing(session, entry, **kw):
        if (entry.dataset, entry.edition) == ("ituc_rights", "2025 (dashboard copy)"):
            raise Conflict("loaded by another process")
        return real(session, entry, **kw)

    monkeypatch.setattr(services, "_load_shipped", racing)
    loaded = services.ensure_shipped(db)
    assert len(loaded) == len(shipped_editions()) - 1


def test_row_errors_write_nothing(db):
    before = _counts(db)
    with pytest.raises(ValidationFailed) as info:
        load(db, ["Norway", "1"], ["Atlantis", "1"], ["Chad", "9"])
    assert info.value.message == "2 problems in the file: nothing was loaded."
    assert [(d["file"], d["row"], d["column"]) for d in info.value.details] == [
        ("ituc.csv", 3, "country"), ("ituc.csv", 4, "value")]
    assert _counts(db) == before


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"edition": "  "}, "edition", "edition is required"),
    ({"edition": "x" * 41}, "edition", "edition is 41 characters long; the most is 40"),
    ({"title": "T\x00"}, "title", "title contains control characters"),
    ({"source": "=HYPERLINK()"}, "source", "source may not start with =, + or @"),
    ({"retrieved_on": "yesterday"}, "retrieved_on", "retrieved_on is not a date (YYYY-MM-DD)"),
    ({"retrieved_on": date.today() + timedelta(days=30)}, "retrieved_on",
     "retrieved_on is in the future"),
    ({"dataset": "uflpa"}, "dataset", "unknown data set; one of ilab_goods, tip_tiers, "
                                      "gsi_prevalence, gsi_vulnerability, ituc_rights"),
])
def test_metadata_is_checked(db, changes, field, message):
    values = {"dataset": "ituc_rights", "files": ituc(["Norway", "1"]), "edition": "1",
              "title": "ITUC", "source": "ITUC", **changes}
    before = _counts(db)
    with pytest.raises(ValidationFailed) as info:
        services.load_edition(db, **values)
    assert {"field": field, "message": message} in info.value.details
    assert _counts(db) == before


def test_file_problems_are_validation_errors(db):
    with pytest.raises(ValidationFailed, match=r"ituc\.csv: The file is empty"):
        services.load_edition(db, dataset="ituc_rights", files=[("ituc.csv", b" \n")],
                              edition="1", title="ITUC", source="ITUC")
    with pytest.raises(ValidationFailed, match="no rows"):
        services.load_edition(db, dataset="ituc_rights", files=ituc(["World", "1"]),
                              edition="1", title="ITUC", source="ITUC")


def test_check_edition_writes_nothing(db):
    before = _counts(db)
    checked = services.check_edition(db, dataset="ituc_rights", files=ituc(["Norway", "1"]),
                                     edition="1", title="ITUC", source="ITUC")
    assert len(checked.result.rows) == 1 and len(checked.sha256) == 64
    assert _counts(db) == before


def test_an_organisation_edition_is_in_its_activity_log_and_hooks_run(db, monkeypatch):
    org = make_org(db, "buyer")
    admin = make_user(db, org, "admin")
    called = []
    monkeypatch.setattr(services, "EDITION_LOADED", [lambda s, e: called.append(e.id)])
    edition = load(db, ["Norway", "1"], org=org, actor=admin)
    entry = db.scalar(select(ActivityEntry).where(ActivityEntry.org_id == org.id,
                                                  ActivityEntry.action == "risk.edition_loaded"))
    assert entry.object_id == edition.id and entry.actor_id == admin.id
    assert entry.details["sha256"] == edition.sha256
    assert edition.loaded_by_id == admin.id
    assert called == [edition.id]


# --- the tables a score reads ---------------------------------------------------------------


def test_tables_from_the_shipped_editions(db, shipped, tables):
    assert set(tables.editions) == {"ilab_goods", "tip_tiers", "gsi_prevalence",
                                    "gsi_vulnerability", "ituc_rights"}
    ilab = tables.editions["ilab_goods"]
    assert (ilab.edition, ilab.retrieved_on, ilab.id) == ("2022", "2026-12-01",
                                                          shipped[("ilab_goods", "2022")].id)
    # TIP: the latest report year of the edition, from its last file (the 2025 list)
    assert tables.tip_year == 2025
    burma = tables.tip["MM"]
    assert (burma.value, burma.year, burma.source_country, burma.row_no) == (
        "Tier 3", 2025, "Burma", 11)
    assert tables.tip["HT"].value == "Special Case" and tables.tip["CN"].value == "Tier 3"
    assert tables.tip["DZ"].value == "Tier 2 Watch List"
    assert "DE" not in tables.tip and "GB" not in tables.tip  # absent: Tier 1 or 2
    assert {v.year for v in tables.tip.values()} == {2025}
    assert len(tables.tip) == 49
    # GSI: 2023 prevalence, 2018 vulnerability
    assert tables.prevalence["MM"].value == 12.1
    assert tables.prevalence["MM"].edition_id == shipped[("gsi_prevalence", "2023")].id
    assert "MT" not in tables.prevalence  # no estimate
    assert round(tables.vulnerability["KP"].value, 2) == 73.3
    assert tables.rights["CN"].value == "5" and tables.rights["AF"].value == "5+"
    # ILAB goods by country, derived entries marked
    china = {g.item: g for g in tables.goods["CN"]}
    assert china["Cotton"].forced_labor and china["Cotton"].forced_child_labor
    batteries = china["Lithium-Ion Batteries"]
    assert batteries.derived and batteries.derived_country == "Congo, Democratic Republic of the"
    assert not batteries.forced_labor
    assert [g.item for g in tables.goods["MM"]][:2] == ["Bamboo", "Beans (green, soy, yellow)"]
    assert all(g.edition_id == ilab.id for goods in tables.goods.values() for g in goods)
    assert "DE" not in tables.goods


def test_load_tables_reads_in_two_queries_and_is_cached(db, shipped):
    services.clear_cache()
    with statements(db) as seen:
        first = services.load_tables(db, None)
    assert len(seen) == 2  # the editions in force, then their rows
    with statements(db) as seen:
        again = services.load_tables(db, None)
    assert again is first and len(seen) == 1  # only which editions are in force


def test_an_organisation_reads_its_own_edition(db, shipped):
    org = make_org(db, "buyer")
    before = services.load_tables(db, org.id)
    assert before.rights["NO"].value == "1"
    own = load(db, ["Norway", "3"], org=org)
    after = services.load_tables(db, org.id)
    assert after.rights == {"NO": after.rights["NO"]}  # its edition has one country
    assert (after.rights["NO"].value, after.rights["NO"].edition_id) == ("3", own.id)
    assert after.editions["ituc_rights"].id == own.id
    assert after.goods == before.goods  # the goods list is still the platform's
    assert services.load_tables(db, None).rights["NO"].value == "1"  # others: unchanged


def test_build_tables_without_editions():
    empty = services.build_tables({}, [])
    assert (empty.tip_year, empty.tip, empty.goods, empty.editions) == (None, {}, {}, {})
