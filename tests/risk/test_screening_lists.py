"""Loading entity lists (risk/screening/services.py, shipped.py): all or nothing, editions that
supersede, whose list is whose, the shipped UFLPA list with its provenance."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, NotFound, UnsupportedMedia, ValidationFailed
from risk.models import EntityList, ListEdition, ListEntry
from risk.reference.shipped import DATA_DIR
from risk.screening import services, shipped
from tests.factories import make_org
from tests.risk.screening_factories import HOSHINE, csv_bytes, make_list, xlsx_bytes


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_a_list_is_loaded_with_its_entries(db, buyer):
    edition = make_list(db, buyer, [HOSHINE, ["Xinjiang Zhongtai Chemical", "", "CN", "",
                                              "", "", ""]], edition="2025-01-15")
    listing = db.get(EntityList, edition.list_id)
    assert (listing.org_id, listing.name, edition.edition, edition.entries) == (
        buyer.id, "UFLPA Entity List", "2025-01-15", 2)
    assert edition.sha256 == hashlib.sha256(csv_bytes([HOSHINE, ["Xinjiang Zhongtai Chemical",
                                                                 "", "CN", "", "", "", ""]]
                                                      )).hexdigest()
    entries = db.scalars(select(ListEntry).where(ListEntry.edition_id == edition.id)
                         .order_by(ListEntry.row)).all()
    assert [(e.row, e.name, e.aliases, e.country) for e in entries] == [
        (2, HOSHINE[0], ["Hesheng Silicon Industry"], "CN"),
        (3, "Xinjiang Zhongtai Chemical", [], "CN")]
    assert all(len(e.fingerprint) == 64 for e in entries)


def test_all_or_nothing(db, buyer):
    bad = csv_bytes([HOSHINE, ["Good Co", "", "CN", "", "", "", ""],
                     ["Bad Co", "", "Atlantis", "", "", "", ""]])
    with pytest.raises(ValidationFailed) as caught:
        services.load_list(db, filename="l.csv", data=bad, name="L", issuer="I", edition="1",
                           org_id=buyer.id)
    assert caught.value.details == [{"row": 4, "column": "country", "message":
                                     'unknown country "Atlantis": use an ISO code such as "CN" '
                                     "or an English name"}]
    assert count(db, EntityList) == count(db, ListEdition) == count(db, ListEntry) == 0


def test_file_problems_and_metadata_are_refused(db, buyer):
    with pytest.raises(UnsupportedMedia):
        services.load_list(db, filename="l.xlsx", data=b"\x89PNG\r\n\x1a\n....", name="L",
                           issuer="I", edition="1", org_id=buyer.id)
    with pytest.raises(ValidationFailed) as caught:
        services.load_list(db, filename="l.csv", data=csv_bytes([HOSHINE]), name=" ",
                           issuer="I\x00", edition="e" * 101, source_url="ftp://x",
                           org_id=buyer.id)
    assert [d["field"] for d in caught.value.details] == ["name", "issuer", "edition",
                                                          "source_url"]
    with pytest.raises(ValidationFailed, match="no entries"):
        services.load_list(db, filename="l.csv", data=csv_bytes([]), name="L", issuer="I",
                           edition="1", org_id=buyer.id)


def test_a_new_edition_supersedes_the_old_one(db, buyer):
    first = make_list(db, buyer, edition="2024")
    second = make_list(db, buyer, [HOSHINE, ["Another Entity", "", "CN", "", "", "", ""]],
                       edition="2025")
    db.refresh(first)
    assert first.list_id == second.list_id
    assert first.superseded_at is not None and second.superseded_at is None
    assert [e.id for _l, e in services.current_editions(db, buyer.id)] == [second.id]
    # the same label again, or the same name under another issuer: 409
    with pytest.raises(Conflict, match="already has an edition"):
        make_list(db, buyer, edition="2025")
    with pytest.raises(Conflict, match="issued by"):
        make_list(db, buyer, edition="2026", issuer="Someone else")


def test_lists_are_their_organisations_and_the_platforms_are_everyones(db, buyer):
    other = make_org(db, "buyer")
    own = make_list(db, buyer, name="Our watch list")
    theirs = make_list(db, other, name="Their watch list")
    platform = make_list(db, None, name="UFLPA Entity List")
    assert services.get_list(db, own.list_id, buyer.id).id == own.list_id
    assert services.get_list(db, platform.list_id, buyer.id).org_id is None
    with pytest.raises(NotFound):
        services.get_list(db, theirs.list_id, buyer.id)
    assert {lst.name for lst, _e in services.current_editions(db, buyer.id)} == {
        "Our watch list", "UFLPA Entity List"}
    # the same name in two organisations is two lists
    again = make_list(db, other, name="Our watch list")
    assert again.list_id != own.list_id


def test_a_workbook_loads_like_a_csv(db, buyer):
    edition = services.load_list(db, filename="list.xlsx", data=xlsx_bytes([HOSHINE]),
                                 name="From Excel", issuer="I", edition="1", org_id=buyer.id)
    assert edition.entries == 1 and edition.filename == "list.xlsx"


def test_hostile_text_is_stored_as_written_on_every_database(db, buyer):
    rows = [["=HYPERLINK(\"http://evil.example\",\"x\")", "<img src=x onerror=alert(1)>", "CN",
             "", "", "+cmd|' /C calc'!A0", ""],
            ["合盛硅业股份有限公司", "", "CN", "", "", "", ""],
            ["٣٤٥ شركة", "", "EG", "", "", "", ""]]
    edition = make_list(db, buyer, rows)
    stored = db.scalars(select(ListEntry).where(ListEntry.edition_id == edition.id)
                        .order_by(ListEntry.row)).all()
    assert [e.name for e in stored] == [r[0] for r in rows]
    assert stored[0].aliases == ["<img src=x onerror=alert(1)>"]
    assert stored[0].reason == "+cmd|' /C calc'!A0"


def test_the_shipped_uflpa_list_loads_as_a_platform_list_once(db):
    [loaded] = shipped.ensure_shipped(db)
    listing = db.get(EntityList, loaded.list_id)
    assert listing.org_id is None and listing.name == "UFLPA Entity List (partial transcription)"
    assert listing.source_url == "https://www.dhs.gov/uflpa-entity-list"
    assert shipped.ensure_shipped(db) == []  # idempotent
    data = (DATA_DIR / "screening" / "uflpa_entity_list.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert loaded.entries == len(rows) == 35
    # every row says where it was read, and the provenance is written down
    assert all(r["source_url"].startswith("https://") for r in rows)
    sources = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "uflpa_entity_list.csv" in sources and "public domain" in sources
    assert "35 of the 144 entities" in sources and "incomplete" in sources


def test_a_changed_shipped_file_fails_loudly(db, monkeypatch):
    from risk.reference.shipped import ShippedDataError

    [entry] = shipped.shipped_lists()
    fake = shipped.ShippedList(entry.name, entry.issuer, entry.edition, entry.source_url,
                               entry.path, "0" * 64)
    monkeypatch.setattr(shipped, "shipped_lists", lambda: (fake,))
    with pytest.raises(ShippedDataError, match="does not match its checksum"):
        shipped.ensure_shipped(db)
