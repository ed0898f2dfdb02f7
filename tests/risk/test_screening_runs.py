"""Screening runs and decisions (risk/screening/runs.py, decisions.py) and what a confirmed hit
does to risk: the issue's done-when, dismissal memory, editions, the listed flag."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.errors import ValidationFailed
from risk import services as risk
from risk.models import ListEdition, RiskScore, ScreeningHit, ScreeningRun
from risk.screening import decisions, runs
from suppliers.models import Supplier
from suppliers.services import update_supplier
from tests.factories import make_org, make_user
from tests.risk.screening_factories import HOSHINE, make_list
from tests.suppliers.factories import link, make_supplier


@pytest.fixture
def org(buyer):
    return buyer


@pytest.fixture
def person(db, org):
    return make_user(db, org, "compliance")


def hits(db, org, **where):
    stmt = select(ScreeningHit).where(ScreeningHit.org_id == org.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(ScreeningHit, key) == value)
    return db.scalars(stmt.order_by(ScreeningHit.id)).all()


def score(db, supplier) -> RiskScore:
    return db.scalar(select(RiskScore).where(RiskScore.supplier_id == supplier.id))


def test_the_issues_example(db, org, person):
    edition = make_list(db, org, edition="2025-01-15")  # "Hoshine ... and Subsidiaries", China
    china = make_supplier(db, org, name="HOSHINE SILICON INDUSTRY CO LTD", country="CN")
    germany = make_supplier(db, org, name="HOSHINE SILICON INDUSTRY CO LTD", country="DE",
                            lei="5493001KJTIIGC8Y1R12")
    run = runs.screen_org(db, org.id, trigger="manual")
    [hit] = hits(db, org)
    assert (hit.supplier_id, hit.edition_id, hit.status, hit.certain) == (
        china.id, edition.id, "open", False)
    assert hit.score >= 86 and "same country (CN)" in hit.reasons
    assert not hits(db, org, supplier_id=germany.id)  # not put forward, certainly not certain
    assert (run.suppliers, run.entries, run.new_hits, run.trigger) == (2, 1, 1, "manual")
    assert run.finished_at is not None


def test_a_second_run_changes_nothing(db, org):
    make_list(db, org)
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    runs.screen_org(db, org.id)
    before = [(h.id, h.score, h.reasons, h.found_at) for h in hits(db, org)]
    again = runs.screen_org(db, org.id)
    assert again.new_hits == 0
    assert [(h.id, h.score, h.reasons, h.found_at) for h in hits(db, org)] == before
    assert db.scalar(select(ScreeningRun.id).where(ScreeningRun.org_id == org.id)
                     .order_by(ScreeningRun.id.desc())) == runs.last_run(db, org.id).id


def test_confirming_makes_the_supplier_and_its_customers_critical(db, org, person):
    make_list(db, org, edition="2025-01-15")
    listed = make_supplier(db, org, name="HOSHINE SILICON INDUSTRY CO LTD", country="CN",
                           products=["silicon metal"])
    wafer = make_supplier(db, org, name="Jiangsu Wafer Works", country="CN")
    panels = make_supplier(db, org, name="Saigon Solar Panels", country="VN")
    link(db, org, listed, wafer)
    link(db, org, wafer, panels)
    link(db, org, panels)
    risk.recompute(db, org.id)
    before = {s.id: score(db, s).score for s in (listed, wafer, panels)}
    runs.screen_org(db, org.id)
    [hit] = hits(db, org)
    decisions.decide(db, hit, decision="confirm", note="Same company: group website",
                     actor=person)
    db.refresh(listed)
    assert listed.listed is True
    risk.recompute(db, org.id)
    own = score(db, listed)
    assert own.score == 100.0 and own.band == "critical"
    [factor] = [f for f in own.factors if f["code"] == "entity_list"]
    assert factor["points"] == 100.0
    assert factor["label"] == "On a forced-labour entity list: UFLPA Entity List (2025-01-15)"
    [evidence] = factor["evidence"]
    assert evidence["kind"] == "screening" and evidence["id"] == hit.id
    assert (evidence["list_id"], evidence["edition_id"], evidence["entry_id"]) == (
        hit.list_id, hit.edition_id, hit.entry_id)
    assert evidence["text"].startswith('UFLPA Entity List (US Department of Homeland Security), '
                                       'edition 2025-01-15: "Hoshine Silicon Industry Co., Ltd. '
                                       'and Subsidiaries" (China), listed 2022-06-21')
    # downstream: inherited, naming the path from the listed supplier
    for customer, tiers in ((wafer, 1), (panels, 2)):
        sc = score(db, customer)
        assert sc.score > before[customer.id]
        assert sc.inherited_from_id == listed.id
        assert sc.inherited_path[0] == listed.id and sc.inherited_path[-1] == customer.id
        assert len(sc.inherited_path) == tiers + 1
    assert score(db, wafer).band == "critical"  # 100 x 0.8
    assert score(db, panels).score == 64.0
    assert before[listed.id] < 100.0


def test_dismissing_the_confirmed_hit_lowers_the_risk_again(db, org, person):
    make_list(db, org)
    supplier = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    runs.screen_org(db, org.id)
    [hit] = hits(db, org)
    decisions.decide(db, hit, decision="confirm", note=None, actor=person)
    risk.recompute(db, org.id)
    assert score(db, supplier).band == "critical"
    decisions.decide(db, hit, decision="dismiss", note="Namesake in Zhejiang, not Shanshan",
                     actor=person)
    db.refresh(supplier)
    assert supplier.listed is False
    risk.recompute(db, org.id)
    assert "entity_list" not in [f["code"] for f in score(db, supplier).factors]
    actions = db.scalars(select(ActivityEntry.action).where(ActivityEntry.org_id == org.id)
                         .order_by(ActivityEntry.seq)).all()
    assert actions[-2:] == ["risk.hit_confirmed", "risk.hit_dismissed"]


def test_a_dismissal_needs_a_note_and_a_decision_is_confirm_or_dismiss(db, org, person):
    make_list(db, org)
    make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    runs.screen_org(db, org.id)
    [hit] = hits(db, org)
    with pytest.raises(ValidationFailed, match="a note is required"):
        decisions.decide(db, hit, decision="dismiss", note="   ", actor=person)
    with pytest.raises(ValidationFailed, match="confirm or dismiss"):
        decisions.decide(db, hit, decision="maybe", actor=person)
    with pytest.raises(ValidationFailed, match="control characters"):
        decisions.decide(db, hit, decision="confirm", note="ok\x00", actor=person)
    assert hit.status == "open"


def test_a_dismissed_pair_comes_back_only_after_a_change(db, org, person):
    make_list(db, org)
    supplier = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    runs.screen_org(db, org.id)
    [hit] = hits(db, org)
    decisions.decide(db, hit, decision="dismiss", note="Different company", actor=person)
    assert runs.screen_org(db, org.id).new_hits == 0
    assert [h.status for h in hits(db, org)] == ["dismissed"]
    # an edit screening does not read: still dismissed
    update_supplier(db, supplier, actor=None, values={"workers": 900})
    assert runs.screen_org(db, org.id).new_hits == 0
    # the name changes (it still matches): the pair is open again, saying why
    update_supplier(db, supplier, actor=None,
                    values={"name": "Hoshine Silicon Industry (Shanshan)"})
    assert runs.screen_org(db, org.id).new_hits == 1
    [again] = hits(db, org)
    assert again.id == hit.id and again.status == "open" and again.decided_at is None
    assert again.reasons[-1] == f"dismissed before (hit {hit.id}); the supplier has changed since"


def test_a_new_edition_supersedes_and_old_hits_keep_their_edition(db, org, person):
    first = make_list(db, org, [HOSHINE, ["Xinjiang Zhongtai Chemical Co., Ltd.", "", "CN", "",
                                          "", "", ""],
                                ["Aksu Huafu Textiles Co., Ltd.", "", "CN", "", "", "", ""]],
                      edition="2024")
    confirmed = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    dismissed = make_supplier(db, org, name="Xinjiang Zhongtai Chemical", country="CN")
    waiting = make_supplier(db, org, name="Aksu Huafu Textiles", country="CN")
    runs.screen_org(db, org.id)
    by_supplier = {h.supplier_id: h for h in hits(db, org)}
    decisions.decide(db, by_supplier[confirmed.id], decision="confirm", actor=person)
    decisions.decide(db, by_supplier[dismissed.id], decision="dismiss", note="namesake",
                     actor=person)
    # the new edition: Hoshine and Zhongtai unchanged, Aksu renamed
    second = make_list(db, org, [HOSHINE, ["Xinjiang Zhongtai Chemical Co., Ltd.", "", "CN",
                                           "", "", "", ""],
                                 ["Aksu Huafu Textiles Co., Ltd.", "Huafu Aksu", "CN", "", "",
                                  "", ""]], edition="2025")
    db.refresh(first)
    assert first.superseded_at is not None
    runs.screen_org(db, org.id)
    now = {(h.supplier_id, h.edition_id): h.status for h in hits(db, org)}
    assert now == {
        (confirmed.id, first.id): "confirmed",   # decisions keep naming their edition ...
        (dismissed.id, first.id): "dismissed",   # ... and cover the unchanged entry in the new
        (waiting.id, second.id): "open",         # open hits are screened again: new edition
    }
    # the listing's evidence says which edition it was found in, and that it is superseded
    risk.recompute(db, org.id)
    [factor] = [f for f in score(db, confirmed).factors if f["code"] == "entity_list"]
    assert "edition 2024, since superseded" in factor["evidence"][0]["text"]
    assert db.get(ListEdition, factor["evidence"][0]["edition_id"]).edition == "2024"


def test_a_changed_entry_in_a_new_edition_brings_a_dismissed_pair_back(db, org, person):
    make_list(db, org, edition="2024")
    supplier = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    runs.screen_org(db, org.id)
    [hit] = hits(db, org)
    decisions.decide(db, hit, decision="dismiss", note="namesake", actor=person)
    changed = [*HOSHINE]
    changed[1] = "Hesheng Silicon Industry|合盛硅业"
    second = make_list(db, org, [changed], edition="2025")
    runs.screen_org(db, org.id)
    old, new = hits(db, org)
    assert (old.id, old.status) == (hit.id, "dismissed")
    assert (new.supplier_id, new.edition_id, new.status) == (supplier.id, second.id, "open")
    assert new.reasons[-1] == f"dismissed before (hit {hit.id}); the list entry has changed since"


def test_stale_open_hits_go_and_archived_suppliers_are_not_screened(db, org):
    from suppliers.services import archive_supplier

    make_list(db, org)
    supplier = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    runs.screen_org(db, org.id)
    assert len(hits(db, org)) == 1
    update_supplier(db, supplier, actor=None,
                    values={"name": "Bright Garments"})
    runs.screen_org(db, org.id)
    assert hits(db, org) == []
    update_supplier(db, supplier, actor=None,
                    values={"name": "Hoshine Silicon Industry"})
    archive_supplier(db, supplier, actor=None)
    assert runs.screen_org(db, org.id).suppliers == 0 and hits(db, org) == []


def test_platform_lists_screen_everyone_and_own_lists_their_owner(db, org):
    other = make_org(db, "buyer")
    make_list(db, None, name="Platform list")
    make_list(db, other, [["Zhongtai Private Co", "", "CN", "", "", "", ""]],
              name="Their own list")
    ours = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    theirs = make_supplier(db, other, name="Hoshine Silicon Industry", country="CN")
    ours_too = make_supplier(db, org, name="Zhongtai Private Co", country="CN")
    runs.screen_org(db, org.id)
    runs.screen_org(db, other.id)
    assert {h.supplier_id for h in hits(db, org)} == {ours.id}  # not their list's entity
    assert {h.supplier_id for h in hits(db, other)} == {theirs.id}
    assert ours_too.id not in {h.supplier_id for h in hits(db, org)}


def test_the_listed_flag_follows_confirmed_hits_only_in_its_organisation(db, org, person):
    from suppliers.services.risk import set_listed

    make_list(db, org)
    supplier = make_supplier(db, org, name="Hoshine Silicon Industry", country="CN")
    other = make_org(db, "buyer")
    stranger = make_supplier(db, other, name="Elsewhere Co", country="CN")
    version = supplier.version
    runs.screen_org(db, org.id)
    [hit] = hits(db, org)
    decisions.decide(db, hit, decision="confirm", actor=person)
    db.refresh(supplier)
    assert supplier.listed and supplier.version == version  # not an edit
    assert set_listed(db, org_id=org.id, listed={stranger.id: True}) == 0  # another tenant's
    db.refresh(stranger)
    assert stranger.listed is False
    with pytest.raises(ValidationFailed):
        set_listed(db, org_id=org.id, listed={supplier.id: "yes"})
    assert db.scalar(select(Supplier.listed).where(Supplier.id == supplier.id)) is True
