"""Storing and deciding duplicate pairs; the scan job after imports, nightly and on demand."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, ValidationFailed
from app.jobs.models import Job
from app.queue import run_daily
from suppliers import services
from suppliers.models import DuplicateCandidate
from suppliers.services.duplicates import (
    KIND,
    dismiss_candidate,
    find_candidates,
    last_scan,
    request_scan,
)
from tests.conftest import token_for
from tests.factories import make_org
from tests.suppliers.factories import make_supplier

ADDRESS = "12 Industrial Road, Di An, Binh Duong"


def _pairs(db, org):
    return {(c.low_id, c.high_id): c for c in db.scalars(
        select(DuplicateCandidate).where(DuplicateCandidate.org_id == org.id))}


def _factory_twice(db, org):
    a = make_supplier(db, org, name="SAIGON STITCH CO., LTD.", country="VN", address=ADDRESS,
                      os_id="VN2021123ABCDEF")
    b = make_supplier(db, org, name="Saigon Stitch Company Limited", country="VN",
                      address=ADDRESS)
    return a, b


def test_a_dismissed_pair_does_not_come_back_until_a_record_changes(db, buyer):
    a, b = _factory_twice(db, buyer)
    assert find_candidates(db, buyer.id).new == 1
    pair = _pairs(db, buyer)[(a.id, b.id)]
    dismiss_candidate(db, pair, actor=None, note="Two lines of one group, audited apart")
    assert pair.status == "dismissed" and pair.note == "Two lines of one group, audited apart"
    for _ in range(2):
        again = find_candidates(db, buyer.id)
        assert (again.found, again.new, again.dismissed, again.reopened) == (1, 0, 1, 0)
        assert _pairs(db, buyer)[(a.id, b.id)].status == "dismissed"
    # a change that is not about the pair (the workforce) keeps it dismissed ...
    services.update_supplier(db, b, actor=None, values={"workers": 999})
    assert find_candidates(db, buyer.id).dismissed == 1
    # ... one that is (the address) brings it back
    services.update_supplier(db, b, actor=None, values={"address": ADDRESS + ", Vietnam"})
    back = find_candidates(db, buyer.id)
    assert back.reopened == 1
    pair = _pairs(db, buyer)[(a.id, b.id)]
    assert pair.status == "open" and pair.note is None and pair.decided_at is None


def test_archived_suppliers_are_skipped_and_their_open_pairs_removed(db, buyer):
    _a, b = _factory_twice(db, buyer)
    find_candidates(db, buyer.id)
    services.archive_supplier(db, b, actor=None)
    summary = find_candidates(db, buyer.id)
    assert (summary.suppliers, summary.found, summary.removed) == (1, 0, 1)
    assert _pairs(db, buyer) == {}
    services.restore_supplier(db, b, actor=None)
    assert find_candidates(db, buyer.id).new == 1


def test_scans_see_only_their_own_company(db, buyer):
    other = make_org(db)
    _factory_twice(db, other)
    a = make_supplier(db, buyer, name="Saigon Stitch", country="VN", address=ADDRESS)
    assert find_candidates(db, buyer.id).found == 0
    assert find_candidates(db, other.id).found == 1
    assert all(c.org_id == other.id for c in db.scalars(select(DuplicateCandidate)))
    assert a.id not in {i for pair in _pairs(db, other) for i in pair}


def test_a_decided_pair_cannot_be_dismissed_again(db, buyer):
    _factory_twice(db, buyer)
    find_candidates(db, buyer.id)
    pair = next(iter(_pairs(db, buyer).values()))
    dismiss_candidate(db, pair, actor=None)
    with pytest.raises(Conflict):
        dismiss_candidate(db, pair, actor=None)


@pytest.mark.parametrize(("note", "stored"), [
    ("=HYPERLINK(\"http://x\")", "=HYPERLINK(\"http://x\")"),  # text; exports escape it
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # text; pages escape it
    ("line one\r\nline two\x00", "line one\nline two"),
    ("   ", None),
    (None, None),
])
def test_notes_are_cleaned_text(db, buyer, note, stored):
    _factory_twice(db, buyer)
    find_candidates(db, buyer.id)
    pair = next(iter(_pairs(db, buyer).values()))
    dismiss_candidate(db, pair, actor=None, note=note)
    assert pair.note == stored


@pytest.mark.parametrize("note", ["x" * 1001, 12, ["a"]])
def test_a_note_too_long_or_not_text_is_refused(db, buyer, note):
    _factory_twice(db, buyer)
    find_candidates(db, buyer.id)
    pair = next(iter(_pairs(db, buyer).values()))
    with pytest.raises(ValidationFailed):
        dismiss_candidate(db, pair, actor=None, note=note)
    assert pair.status == "open"


def test_requests_coalesce_into_one_waiting_scan(app, db, buyer):
    with app.app_context():
        first = request_scan(db, org_id=buyer.id)
        assert request_scan(db, org_id=buyer.id) is first  # one waiting: nothing added
        assert request_scan(db, org_id=make_org(db).id) is not first  # per organisation
        db.rollback()


def test_an_import_queues_a_scan_that_finds_the_pair(client, db, compliance_user):
    org = compliance_user.org
    csv = ("name,latin_name,country,address\n"
           f"SAIGON STITCH CO.; LTD.,,VN,\"{ADDRESS}\"\n"
           f"Saigon Stitch Company Limited,,Vietnam,\"{ADDRESS.upper()}\"\n"
           "新疆合盛硅业有限公司,Xinjiang Hoshine Silicon Industry Co. Ltd.,CN,Shihezi\n")
    response = client.post("/api/v1/suppliers/import", headers=token_for(client,
                                                                         compliance_user.email),
                           data={"file": (io.BytesIO(csv.encode()), "list.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    db.expire_all()
    scan = last_scan(db, org.id)
    assert scan is not None and scan.status == "done", scan and scan.error
    assert scan.result["suppliers"] == 3 and scan.result["new"] == 1
    assert len(_pairs(db, org)) == 1
    # a dry run, or an import that changes nothing, queues none
    before = db.scalar(select(func.count(Job.id)).where(Job.org_id == org.id, Job.kind == KIND))
    for query in ("?dry_run=1", ""):
        again = client.post(f"/api/v1/suppliers/import{query}",
                            headers=token_for(client, compliance_user.email),
                            data={"file": (io.BytesIO(csv.encode()), "list.csv")},
                            content_type="multipart/form-data")
        assert again.status_code == 200
    assert db.scalar(select(func.count(Job.id)).where(
        Job.org_id == org.id, Job.kind == KIND)) == before


def test_the_nightly_tick_scans_every_buying_company(app, db, buyer):
    _factory_twice(db, buyer)
    supplier_org = make_org(db, "supplier")
    db.commit()
    with app.app_context():
        outcome = run_daily(app)
    assert outcome["suppliers.jobs.daily_duplicates"] == "ok"
    db.expire_all()
    assert last_scan(db, buyer.id).status == "done"
    assert last_scan(db, supplier_org.id) is None
    assert len(_pairs(db, buyer)) == 1


def test_the_command_finds_pairs_now(app, db, buyer):
    _factory_twice(db, buyer)
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["suppliers", "find-duplicates", "--org", buyer.name])
    assert result.exit_code == 0, result.output
    assert "2 suppliers: 1 possible duplicate pairs (1 new" in result.output
    assert runner.invoke(args=["suppliers", "find-duplicates", "--org", "Nobody"]).exit_code == 1
    db.expire_all()
    assert len(_pairs(db, buyer)) == 1
