"""Merging a duplicate: everything that pointed at it moves, redundant edges go, the duplicate
is archived, the tiers are those of the merged network, and the activity log says what moved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import signals
from app.activity.models import ActivityEntry
from app.errors import Conflict, NotFound
from audits.models import Action, Audit, FeeEntry, Finding
from questionnaires.models import Assignment, Signal
from risk.models import EntityList, ListEdition, ListEntry, ScreeningHit
from suppliers import services
from suppliers.models import DuplicateCandidate, Relationship, Supplier
from suppliers.services.duplicates import find_candidates
from tests.audits.factories import make_action, make_audit, make_fee, make_finding
from tests.factories import make_org
from tests.questionnaires.factories import make_assignment
from tests.suppliers import oracles
from tests.suppliers.factories import link, make_supplier

ADDRESS = "Lot A1, Song Than 1 Industrial Park, Di An, Binh Duong"


def _edges(db, org):
    return sorted(db.execute(select(Relationship.supplier_id, Relationship.customer_id,
                                    Relationship.kind).where(Relationship.org_id == org.id)),
                  key=lambda e: (e[0], e[1] or 0, e[2]))


def _tiers_from_scratch(db, org) -> dict[int, int | None]:
    live = list(db.scalars(select(Supplier.id).where(Supplier.org_id == org.id,
                                                     Supplier.archived_at.is_(None))))
    edges = db.execute(select(Relationship.supplier_id, Relationship.customer_id)
                       .where(Relationship.org_id == org.id)).all()
    return oracles.tiers(live, [tuple(e) for e in edges])


def _last_merge(db, org) -> ActivityEntry:
    return db.scalars(select(ActivityEntry).where(
        ActivityEntry.org_id == org.id, ActivityEntry.action == "suppliers.merged")
        .order_by(ActivityEntry.seq.desc())).first()


def _hit(db, supplier, entry, status):
    hit = ScreeningHit(org_id=supplier.org_id, supplier_id=supplier.id, entry_id=entry.id,
                       list_id=entry.edition_id and db.get(ListEdition, entry.edition_id).list_id,
                       edition_id=entry.edition_id, score=95.0, reasons=["similar"],
                       status=status, supplier_fingerprint="s" * 64, entry_fingerprint="e" * 64)
    db.add(hit)
    db.flush()
    return hit


def _entries(db, n):
    lst = EntityList(name=f"Test list {id(db)}", issuer="Test", scope_key=0)
    db.add(lst)
    db.flush()
    edition = ListEdition(list_id=lst.id, edition="2026-01")
    db.add(edition)
    db.flush()
    entries = [ListEntry(edition_id=edition.id, row=i + 2, name=f"Entry {i}", fingerprint="f" * 64)
               for i in range(n)]
    db.add_all(entries)
    db.flush()
    return entries


def test_two_records_of_one_factory_are_proposed_and_merged_keeping_everything(db, buyer):
    """The issue's done-when: one record with its OS ID, one without, names differing in case
    and suffix, same country and address."""
    keep = make_supplier(db, buyer, name="SAIGON STITCH CO., LTD.", os_id="VN2021123ABCDEF",
                         country="VN", address=ADDRESS, external_id="FAC-77")
    dup = make_supplier(db, buyer, name="Saigon Stitch Company Limited", os_id=None,
                        country="VN", address=ADDRESS.upper(), external_id=None,
                        lei="HWUPKR0MPOU8FGXBT394", latin_name=None, products=["polo shirts"])
    mill = make_supplier(db, buyer, name="Anhui Cotton Spinning", country="CN")
    farm = make_supplier(db, buyer, name="Fergana Ginnery", country="UZ")
    agency = make_supplier(db, buyer, name="Kathmandu Manpower", kind="recruitment_agency")
    brand = make_supplier(db, buyer, name="Penang Garments", country="MY")
    link(db, buyer, keep)                 # keep -> company
    link(db, buyer, dup, brand)           # dup -> brand -> company: keep gets it
    link(db, buyer, brand)
    link(db, buyer, mill, dup)            # mill -> dup becomes mill -> keep
    link(db, buyer, farm, mill)
    link(db, buyer, agency, dup, kind="labour")
    link(db, buyer, agency, keep, kind="labour")  # the same edge once merged: dropped
    link(db, buyer, dup, keep)            # would become a self-loop: dropped
    # every record that points at either supplier, through the packages' own factories
    assigned = [make_assignment(db, buyer, s, status=st)[0]
                for s, st in ((keep, "sent"), (dup, "submitted"), (dup, "in_progress"))]
    signal = Signal(org_id=buyer.id, assignment_id=assigned[1].id, supplier_id=dup.id,
                    indicator="FL09", strength="strong", weight=1.0, question="fees",
                    answer="yes")
    db.add(signal)
    audits = [make_audit(db, buyer, supplier=s, status="submitted") for s in (keep, dup, dup)]
    findings = [make_finding(db, a) for a in audits]
    actions = [make_action(db, f) for f in findings[1:]]
    fees = [make_fee(db, keep), make_fee(db, dup, finding=findings[1])]
    agency_fee = make_fee(db, agency)
    agency_fee.agency_supplier_id, agency_fee.agency_name = dup.id, dup.name
    entries = _entries(db, 2)
    hits = [_hit(db, dup, entries[0], "confirmed"), _hit(db, dup, entries[1], "open"),
            _hit(db, keep, entries[1], "dismissed")]
    hit_ids = [h.id for h in hits]
    db.commit()

    summary = find_candidates(db, buyer.id)
    assert summary.new == 1
    pair = db.scalars(select(DuplicateCandidate).where(DuplicateCandidate.org_id == buyer.id)
                      ).one()
    assert {pair.low_id, pair.high_id} == {keep.id, dup.id} and pair.status == "open"
    assert "same address (100/100)" in pair.reasons
    db.commit()

    after = []
    with signals.supplier_merged.connected_to(lambda sender, **kw: after.append(kw)):
        merged = services.merge_suppliers(db, keep, dup, actor=None)
        assert after == []  # only once committed
        db.commit()
    assert after == [{"org_id": buyer.id, "supplier_id": keep.id, "merged_ids": [dup.id]}]
    db.expire_all()

    # every relationship kept, on the kept record; the self-loop and the repeated edge gone
    assert _edges(db, buyer) == sorted([
        (keep.id, None, "goods"), (keep.id, brand.id, "goods"), (brand.id, None, "goods"),
        (mill.id, keep.id, "goods"), (farm.id, mill.id, "goods"),
        (agency.id, keep.id, "labour")], key=lambda e: (e[0], e[1] or 0, e[2]))
    # every record that pointed at either now points at the kept one
    assert {a.supplier_id for a in db.scalars(select(Assignment).where(
        Assignment.id.in_([a.id for a in assigned])))} == {keep.id}
    assert db.get(Signal, signal.id).supplier_id == keep.id
    for model, rows in ((Audit, audits), (Finding, findings), (Action, actions),
                        (FeeEntry, fees)):
        assert {r.supplier_id for r in db.scalars(select(model).where(
            model.id.in_([r.id for r in rows])))} == {keep.id}, model
    for finding in db.scalars(select(Finding).where(Finding.id.in_([f.id for f in findings]))):
        assert finding.audit.supplier_id == keep.id  # a finding follows its audit
    agency_fee = db.get(FeeEntry, agency_fee.id)
    assert (agency_fee.supplier_id, agency_fee.agency_supplier_id) == (agency.id, keep.id)
    # screening: the confirmed hit moved, the open one beat the dismissed one; listed follows
    kept_hits = {h.entry_id: h.status for h in db.scalars(
        select(ScreeningHit).where(ScreeningHit.id.in_(hit_ids)))}
    assert kept_hits == {entries[0].id: "confirmed", entries[1].id: "open"}
    assert set(db.scalars(select(ScreeningHit.supplier_id).where(
        ScreeningHit.id.in_(hit_ids)))) == {keep.id}
    kept, gone = db.get(Supplier, keep.id), db.get(Supplier, dup.id)
    assert kept.listed is True and gone.listed is False
    # the kept record took what it lacked; the duplicate is archived and freed its LEI
    assert kept.lei == "HWUPKR0MPOU8FGXBT394" and kept.os_id == "VN2021123ABCDEF"
    assert kept.external_id == "FAC-77" and "polo shirts" in kept.products
    assert gone.archived_at is not None and gone.lei is None and gone.tier is None
    # tiers: those of the merged network computed from scratch
    tiers = _tiers_from_scratch(db, buyer)
    assert {sid: db.get(Supplier, sid).tier for sid in tiers} == tiers
    assert tiers[keep.id] == 1 and tiers[mill.id] == 2 and tiers[farm.id] == 3
    # the pair is merged
    assert db.get(DuplicateCandidate, pair.id).status == "merged"
    # what moved, in the result and in the activity log
    assert merged.moved == {
        "relationships": 2, "questionnaire assignments": 2, "questionnaire signals": 1,
        "audits": 2, "audit findings": 2, "corrective actions": 2, "fee entries": 1,
        "fee entries naming the agency": 1, "screening hits": 2,
        "screening hits already on the kept record": 1}
    entry = _last_merge(db, buyer)
    assert entry.object_id == keep.id and entry.summary == (
        "Saigon Stitch Company Limited merged into SAIGON STITCH CO., LTD.")
    assert entry.details["moved"] == merged.moved
    assert entry.details["merged_id"] == dup.id
    assert sorted(e["reason"] for e in entry.details["relationships_dropped"]) == [
        "duplicate edge", "self-loop"]
    assert entry.details["relationships_dropped_count"] == 2
    assert "lei" in entry.details["fields_taken"]


def test_the_merge_refuses_the_same_supplier_another_tenants_and_archived(db, buyer):
    keep = make_supplier(db, buyer)
    stranger = make_supplier(db, make_org(db))
    archived = services.archive_supplier(db, make_supplier(db, buyer), actor=None)
    with pytest.raises(Conflict):
        services.merge_suppliers(db, keep, keep, actor=None)
    with pytest.raises(NotFound):
        services.merge_suppliers(db, keep, stranger, actor=None)
    for a, b in ((keep, archived), (archived, keep)):
        with pytest.raises(Conflict, match="archived"):
            services.merge_suppliers(db, a, b, actor=None)


def test_a_receiver_that_fails_rolls_the_whole_merge_back(db, buyer):
    keep, dup = make_supplier(db, buyer), make_supplier(db, buyer)
    mill = make_supplier(db, buyer)
    link(db, buyer, mill, dup)
    db.commit()

    def broken(sender, **kwargs):
        raise RuntimeError("cannot move")

    with signals.supplier_merging.connected_to(broken), pytest.raises(RuntimeError):
        services.merge_suppliers(db, keep, dup, actor=None)
    db.rollback()
    db.expire_all()
    assert db.get(Supplier, dup.id).archived_at is None
    assert _edges(db, buyer) == [(mill.id, dup.id, "goods")]


def test_receivers_get_the_documented_arguments_and_their_counts_are_logged(db, buyer):
    keep, dup = make_supplier(db, buyer), make_supplier(db, buyer)
    got = []

    def receiver(sender, **kwargs):
        got.append((sender, sorted(kwargs)))
        assert kwargs["session"] is db
        assert db.get(Supplier, kwargs["duplicate_id"]).archived_at is None  # still live
        return {"grievance links": 3}

    with signals.supplier_merging.connected_to(receiver):
        merged = services.merge_suppliers(db, keep, dup, actor=None)
    assert got == [("suppliers", ["duplicate_id", "keep_id", "org_id", "session"])]
    assert merged.moved["grievance links"] == 3
    assert _last_merge(db, buyer).details["moved"]["grievance links"] == 3


def test_the_kept_record_takes_the_connection_and_open_invitations_of_the_duplicate(db, buyer):
    from app.people.models import Invitation
    from suppliers.services import invite_contact
    from tests.factories import make_user

    user = make_user(db, buyer, "compliance")
    keep = make_supplier(db, buyer, workers=None, migrant_workers=None, female_workers=None)
    dup = make_supplier(db, buyer, workers=800, migrant_workers=90, female_workers=500)
    invitation = invite_contact(db, supplier=dup, actor=user, email="hr@saigon.example",
                                link_for=lambda raw: f"http://localhost/connect/{raw}")
    merged = services.merge_suppliers(db, keep, dup, actor=user)
    db.expire_all()
    assert db.get(Invitation, invitation.id).data["supplier_id"] == keep.id
    assert merged.moved["connection invitations"] == 1
    kept = db.get(Supplier, keep.id)
    assert (kept.workers, kept.migrant_workers, kept.female_workers) == (800, 90, 500)
    assert kept.contact_email == "hr@saigon.example"


def test_a_connected_duplicate_hands_its_organisation_to_the_kept_record(db, buyer):
    supplier_org = make_org(db, "supplier")
    keep, dup = make_supplier(db, buyer), make_supplier(db, buyer)
    dup.linked_org_id = supplier_org.id
    open_one, _ = make_assignment(db, buyer, keep)  # not addressed yet
    db.flush()
    services.merge_suppliers(db, keep, dup, actor=None)
    db.expire_all()
    assert db.get(Supplier, keep.id).linked_org_id == supplier_org.id
    assert db.get(Supplier, dup.id).linked_org_id is None
    assert db.get(Assignment, open_one.id).supplier_org_id == supplier_org.id


def test_other_open_pairs_of_the_duplicate_go_and_come_back_for_the_kept_one(db, buyer):
    a = make_supplier(db, buyer, name="Saigon Stitch", country="VN", address=ADDRESS)
    b = make_supplier(db, buyer, name="SAIGON STITCH CO", country="VN", address=ADDRESS)
    c = make_supplier(db, buyer, name="Saigon Stitch Ltd.", country="VN", address=ADDRESS)
    assert find_candidates(db, buyer.id).new == 3
    services.merge_suppliers(db, a, b, actor=None)
    statuses = sorted((p.low_id, p.high_id, p.status) for p in db.scalars(
        select(DuplicateCandidate).where(DuplicateCandidate.org_id == buyer.id)))
    assert statuses == sorted([(a.id, b.id, "merged"), (a.id, c.id, "open")])
    again = find_candidates(db, buyer.id)
    assert again.new == 0 and again.found == 1
