"""The risk dashboard as its users use it: drawn from the precomputed summaries only, its
empty state, who may see it (404 for everyone but the buyer's compliance and admin), the home
dashboard's card and the nav item. The supplier panel: test_views_panel.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.db import get_db, utcnow
from tests.factories import make_org, make_user
from tests.risk.page_helpers import NOT_COMPUTED, marks, signed_in, svgs, words
from tests.risk.risk_factories import bands, make_history, make_score, make_summary
from tests.suppliers.factories import make_supplier

# --- the dashboard -------------------------------------------------------------------------------


def test_before_any_recompute_the_dashboard_says_how_to_get_scores(app, db, compliance_user):
    page = signed_in(app, compliance_user).get("/risk")
    assert page.status_code == 200
    assert NOT_COMPUTED in page.text
    assert "<svg" not in page.text


def test_the_dashboard_draws_the_latest_summary(app, db, buyer, compliance_user):
    today = utcnow().date()
    make_summary(db, buyer, today - timedelta(days=3), bands=bands(1, 1, 1, 1), mean=80.0)
    latest = make_summary(db, buyer, today)
    db.commit()
    page = signed_in(app, compliance_user).get("/risk")
    assert page.status_code == 200
    text = words(page.text)
    assert "36 of 40 suppliers scored · mean score 41.2" in text
    charts = svgs(page.text)
    assert set(charts) == {"r-bands", "r-trend", "r-trend2", "r-stacked", "r-scores"}

    # Bands: the latest day's counts, not the earlier day's.
    bars = {b.get("data-band"): int(b.get("data-count")) for b in marks(charts["r-bands"],
                                                                        "r-bar")}
    assert bars == latest.data["bands"] == bands(12, 10, 9, 5)
    # Trend: one point per day, in order, with that day's mean.
    points = marks(charts["r-trend"], "r-point")
    assert [(p.get("data-day"), float(p.get("data-value"))) for p in points] == [
        ((today - timedelta(days=3)).isoformat(), 80.0), (today.isoformat(), 41.25)]
    high = marks(charts["r-trend2"], "r-point")
    assert [float(p.get("data-value")) for p in high] == [2.0, 14.0]  # high + critical
    # By tier: each tier's segments, and the tier without a path as "Not connected".
    tiers: dict[str, dict[str, int]] = {}
    for seg in marks(charts["r-stacked"], "r-seg"):
        tiers.setdefault(seg.get("data-key"), {})[seg.get("data-band")] = int(
            seg.get("data-count"))
    assert tiers["1"] == {"low": 8, "medium": 6, "high": 4, "critical": 1, "none": 1}
    assert tiers["none"] == {"critical": 1, "none": 3}
    assert "Not connected" in [t.text for t in marks(charts["r-stacked"], "r-label")]
    # By country: highest mean first, coloured by the band of the mean.
    countries = [(b.get("data-key"), b.get("data-band")) for b in marks(charts["r-scores"],
                                                                        "r-bar")]
    assert countries == [("MM", "critical"), ("CN", "high"), ("BD", "medium"), ("DE", "low")]
    # Bars link to the supplier list, filtered.
    hrefs = [a.get("href") for a in charts["r-bands"].iter("{http://www.w3.org/2000/svg}a")]
    assert hrefs == [f"/suppliers?band={b}" for b in ("low", "medium", "high", "critical")]

    # Top risks, the data editions and the method.
    assert "Fergana Ginnery" in text and "Goods on the ILAB list" in text
    assert "ILAB List of Goods 2022" in text and latest.data["method_version"] in text
    assert "These figures are from" not in text


def test_the_trend_covers_the_last_90_days_only(app, db, buyer, compliance_user):
    make_history(db, buyer, 95)
    db.commit()
    page = signed_in(app, compliance_user).get("/risk")
    points = marks(svgs(page.text)["r-trend"], "r-point")
    days = [p.get("data-day") for p in points]
    today = utcnow().date()
    assert len(days) == 90
    assert days[0] == (today - timedelta(days=89)).isoformat() and days[-1] == today.isoformat()
    assert "90 computed days in the last 90" in words(page.text)


def test_the_dashboard_reads_summaries_and_never_the_scores(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    make_score(db, supplier, 70.0)
    make_history(db, buyer, 10)
    db.commit()
    client = signed_in(app, compliance_user)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get("/risk").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    risk_reads = [s for s in statements if "risk_" in s]
    assert risk_reads and all("risk_summaries" in s for s in risk_reads), risk_reads
    assert not any("risk_scores" in s or "risk_snapshots" in s for s in statements)
    assert len(risk_reads) == 2  # the latest summary, and the trend's few members


def test_an_old_summary_is_marked_as_old(app, db, buyer, compliance_user):
    make_summary(db, buyer, utcnow().date() - timedelta(days=5))
    db.commit()
    text = words(signed_in(app, compliance_user).get("/risk").text)
    assert "These figures are from" in text and "nothing has been recomputed since" in text


def test_the_country_table_sorts_by_each_column(app, db, buyer, compliance_user):
    make_summary(db, buyer)
    db.commit()
    client = signed_in(app, compliance_user)

    def order(query: str) -> list[str]:
        html = client.get(f"/risk{query}").text
        table = html.split('class="table compact r-countries"')[1].split("</table>")[0]
        return re.findall(r'/suppliers\?country=(\w\w)"', table)

    assert order("") == ["MM", "CN", "BD", "DE"]  # mean score, highest first
    assert order("?sort=country") == ["BD", "CN", "DE", "MM"]  # Bangladesh ... Myanmar
    assert order("?sort=-count") == ["CN", "BD", "DE", "MM"]
    assert order("?sort=-high") == ["CN", "MM", "BD", "DE"]
    assert order("?sort=max") == ["DE", "BD", "MM", "CN"]
    bad = client.get("/risk?sort=bogus")
    assert bad.status_code == 200
    assert "Sort: &#34;bogus&#34; is not one of country, count, mean, max, high." in bad.text


@pytest.mark.parametrize("data", [{}, {"bands": "many", "by_country": [None, 3], "top": "x",
                                       "by_tier": [{"tier": "one"}], "editions": [],
                                       "mean": "high"}])
def test_a_summary_missing_members_renders_without_errors(app, db, buyer, compliance_user,
                                                          data):
    row = make_summary(db, buyer)
    row.data = data
    db.commit()
    client = signed_in(app, compliance_user)
    page = client.get("/risk")
    assert page.status_code == 200
    assert "No supplier has a score yet." in page.text
    home = client.get("/")
    assert home.status_code == 200 and "Suppliers by risk" in home.text
    assert "This card is unavailable" not in home.text


def test_another_tenants_summary_never_shows(app, db, buyer, compliance_user):
    other = make_org(db, "buyer")
    make_summary(db, other)
    db.commit()
    page = signed_in(app, compliance_user).get("/risk")
    assert NOT_COMPUTED in page.text and "Fergana" not in page.text


@pytest.mark.parametrize(("kind", "role"), [("supplier", "supplier"), ("supplier", "admin"),
                                            ("audit_firm", "auditor"), ("audit_firm", "admin"),
                                            ("regulator", "regulator"),
                                            ("regulator", "admin")])
def test_everyone_but_the_buyer_gets_404(app, db, buyer, kind, role):
    make_summary(db, buyer)
    user = make_user(db, make_org(db, kind), role)
    db.commit()
    client = signed_in(app, user)
    page = client.get("/risk")
    assert page.status_code == 404
    assert "Fergana" not in page.text
    assert 'href="/risk"' not in client.get("/").text  # no nav item either


def test_the_anonymous_are_sent_to_sign_in_and_admins_of_the_buyer_get_in(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    db.commit()
    anonymous = app.test_client().get("/risk")
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.headers["Location"]
    assert signed_in(app, admin).get("/risk").status_code == 200


# --- the nav item and the home dashboard's card ------------------------------------------------


def test_the_home_card_counts_suppliers_by_band_and_links_to_the_list(app, db, buyer,
                                                                     compliance_user):
    client = signed_in(app, compliance_user)
    home = words(client.get("/").text)
    assert "Suppliers by risk" in home and "Risk has not been computed yet" in home
    make_summary(db, buyer, bands=bands(12, 10, 9, 5))
    db.commit()
    html = client.get("/").text
    card = html.split("<h2>Suppliers by risk</h2>")[1].split("</section>")[0]
    items = re.findall(r'<li class="band-(\w+)"><a href="([^"]+)"><strong>(\d+)</strong>', card)
    assert items == [("critical", "/suppliers?band=critical", "5"),
                     ("high", "/suppliers?band=high", "9"),
                     ("medium", "/suppliers?band=medium", "10"),
                     ("low", "/suppliers?band=low", "12")]
    assert "not scored yet" in card  # 40 suppliers, 36 scored
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    assert '<a href="/risk"' in nav and ">Risk</a>" in nav
