"""Effectiveness figures from the database (grievances/stats.py), the report's figures with
counts under 5 hidden, the purge leaving the statistics as they were, and the SVG charts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from defusedxml.ElementTree import fromstring  # xml.etree's parser, without entities

from app.db import utcnow
from grievances import charts, stats
from grievances.scorecard import FEWER
from grievances.services import cases, intake
from tests.factories import make_org, make_user
from tests.grievances.helpers import make_case
from tests.suppliers.factories import make_supplier


@pytest.fixture
def org(db):
    return make_org(db, "buyer")


@pytest.fixture
def user(db, org):
    return make_user(db, org, "compliance")


def _at(case, attribute: str, days: float) -> None:
    setattr(case, attribute, case.received_at + timedelta(days=days))


def _history(db, org, user):
    """Ten cases 40 days old with known times; one reopened, one with retaliation, six
    linked to one supplier, two in English."""
    supplier = make_supplier(db, org, name="Penang Garment Industries")
    made = []
    for i in range(10):
        case = make_case(db, org, days_ago=40, language="en" if i < 2 else "ne",
                         categories=["recruitment_fees", "wages"] if i < 6 else ["hours"],
                         supplier=supplier if i < 6 else None)
        made.append(case)
    for i, case in enumerate(made[:8]):      # eight answered: on days 1..8
        cases.send_message(db, case, actor=user, body="Received.")
        _at(case, "acknowledged_at", i + 1)
        _at(case, "answered_at", i + 1)
    for case in made[:6]:                    # six replied to by the reporter
        intake.reporter_reply(db, case, "धन्यवाद")
    for i, case in enumerate(made[:5]):      # five resolved: on days 10, 15, 20, 25, 30
        cases.transition(db, case, to="investigating", actor=user)
        cases.transition(db, case, to="resolved", actor=user)
        _at(case, "resolved_at", 10 + 5 * i)
    cases.transition(db, made[0], to="closed", actor=user)
    cases.transition(db, made[0], to="investigating", actor=user)  # reopened
    cases.transition(db, made[0], to="resolved", actor=user)
    _at(made[0], "resolved_at", 10)
    cases.set_retaliation(db, made[6], actor=user, flag=True)
    db.flush()
    return made, supplier


def test_figures_of_a_channel(db, org, user):
    _made, _supplier = _history(db, org, user)
    make_case(db, make_org(db, "buyer"))  # another company's case counts nowhere
    result = stats.gather(db, org.id)
    f = result.figures
    assert f.received == 10 and f.open == 5 and f.finished == 5
    assert f.by_status == {"received": 2, "acknowledged": 3, "investigating": 0,
                           "resolved": 5, "closed": 0}
    assert f.by_category["recruitment_fees"] == 6 and f.by_category["hours"] == 4
    assert f.by_category["child_labour"] == 0
    assert f.languages_used == 2 and f.channel_languages == 10 and f.workplaces == 1
    assert f.acknowledge_base == 10 and f.acknowledged_in_time == 7     # days 1..7 of 10
    assert f.answer_base == 10 and f.answered_in_time == 8
    assert f.resolve_base == 10 and f.resolved_in_time == 3             # 10, 15, 20 days
    assert f.answered == 8 and f.reporter_replied == 6
    assert f.reopened == 1 and f.retaliation == 1 and f.retaliation_open == 1
    assert f.overdue == 2  # the two never answered, 40 days on
    assert f.linked == 6 and result.unlinked == 4
    assert result.median_acknowledge == pytest.approx(4.5)
    assert result.median_resolve == pytest.approx(20)
    assert result.by_supplier == [("Penang Garment Industries", 6)]
    assert sum(n for _, n in result.by_month) == 10


def test_the_period_is_by_day_received(db, org, user):
    _history(db, org, user)
    make_case(db, org)  # today
    today = utcnow().date()
    assert stats.gather(db, org.id, start=today, end=today).figures.received == 1
    assert stats.gather(db, org.id, start=today - timedelta(days=41),
                        end=today - timedelta(days=39)).figures.received == 10
    assert stats.gather(db, org.id).figures.received == 11


def test_report_figures_hide_counts_under_five(db, org, user):
    _history(db, org, user)
    out = stats.report_figures(stats.gather(db, org.id))
    assert out["received"] == 10 and out["reopened"] == FEWER and out["overdue"] == FEWER
    assert out["retaliation"] == FEWER and out["open"] == 5
    assert {c["category"]: c["count"] for c in out["by_category"]} == {
        "recruitment_fees": 6, "wages": 6, "hours": FEWER}
    assert {s["status"]: s["count"] for s in out["by_status"]}["resolved"] == 5
    assert out["median_days_to_acknowledge"] == 4.5
    assert out["acknowledged_within_7_days"] == 70.0
    assert out["resolved_within_21_days"] == 30.0
    assert len(out["scorecard"]) == 8
    text = str(out)
    assert "PG-" not in text and "धन्यवाद" not in text and "Penang" not in text


def test_a_small_channel_shows_no_medians(db, org, user):
    for _ in range(3):
        case = make_case(db, org, days_ago=30)
        cases.send_message(db, case, actor=user, body="Received.")
    result = stats.gather(db, org.id)
    assert result.median_acknowledge is None
    out = stats.report_figures(result)
    assert out["received"] == FEWER and out["median_days_to_acknowledge"] is None
    assert out["acknowledged_within_7_days"] == "fewer than 5 cases"


def test_the_purge_leaves_the_statistics_unchanged(db, org, user):
    made, _supplier = _history(db, org, user)
    for case in made[1:5]:
        cases.transition(db, case, to="closed", actor=user)
        case.closed_at = utcnow() - timedelta(days=400)
    db.flush()
    before = stats.gather(db, org.id)
    assert cases.purge_closed(db, days=365) == 4
    db.expire_all()
    after = stats.gather(db, org.id)
    assert after.figures == before.figures and after.by_supplier == before.by_supplier
    assert after.purged == 4


# --- charts (pure) -------------------------------------------------------------------------

def _svg(markup: str):
    return fromstring(markup)


NS = "{http://www.w3.org/2000/svg}"


def test_bars_draw_small_counts_as_a_stub_not_to_scale():
    markup = charts.bars([("Wages", 12), ("Hours", 3), ("Child <labour>", 1),
                          ("Movement", 0)], title="Cases & categories")
    root = _svg(markup)
    bars = [r for r in root.iter(f"{NS}rect") if "g-bar" in r.get("class", "")]
    assert [b.get("data-count") for b in bars] == ["12", "few", "few"]
    assert bars[1].get("width") == bars[2].get("width") == str(charts.STUB)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Child <labour>" in texts and texts.count(FEWER) == 2 and "3" not in texts
    assert "<labour>" not in markup and "&amp;" in markup


def test_months_and_share_bars():
    root = _svg(charts.months([("2026-01", 7), ("2026-02", 2)], title="Per month"))
    cols = [r for r in root.iter(f"{NS}rect")]
    assert [c.get("data-count") for c in cols] == ["7", "few"]
    assert "<5" in [t.text for t in root.iter(f"{NS}text")]
    share = _svg(charts.share_bar(0.75, title="Acknowledged", target="within 7 days"))
    bar = next(r for r in share.iter(f"{NS}rect") if "g-bar" in r.get("class", ""))
    assert bar.get("data-value") == "0.75" and "g-fair" in bar.get("class")
    assert "Too few" in charts.share_bar(None, title="x", target="y")
    assert "No case yet" in charts.bars([], title="Empty")
