"""The risk pages as their users use them: the dashboard (from the precomputed summaries only),
its empty state, who may see it (404 for everyone but the buyer's compliance and admin), the
supplier page's risk panel with its evidence links and inherited path, the home dashboard's
card, the nav item, the supplier list's band filter and the network page's colouring."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from defusedxml.ElementTree import fromstring  # xml.etree's parser, without entities
from sqlalchemy import event

from app.db import get_db, utcnow
from questionnaires.models import Signal
from tests.audits.factories import make_audit, make_fee, make_finding
from tests.conftest import login
from tests.factories import make_org, make_user
from tests.questionnaires.factories import make_assignment
from tests.risk.risk_factories import (
    bands,
    factor,
    make_edition,
    make_history,
    make_score,
    make_summary,
)
from tests.suppliers.factories import link, make_supplier

NOT_COMPUTED = "Risk has not been computed yet: run <code>flask risk recompute</code> or wait " \
               "for the queue."


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _svgs(html: str) -> dict[str, ET.Element]:
    """The page's charts by their kind (r-bands, r-trend, ...); trends as r-trend, r-trend2."""
    found: dict[str, ET.Element] = {}
    for svg in re.findall(r"<svg class=\"r-chart.*?</svg>", html, re.S):
        root = fromstring(svg)
        kind = root.get("class").split()[1]
        key = kind if kind not in found else f"{kind}2"
        found[key] = root
    return found


def _marks(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def _text(html: str) -> str:
    """The words of `html` as read: tags dropped, spaces collapsed, none before punctuation."""
    words = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([,.:;)])", r"\1", words)


# --- the dashboard -------------------------------------------------------------------------------


def test_before_any_recompute_the_dashboard_says_how_to_get_scores(app, db, compliance_user):
    page = _as(app, compliance_user).get("/risk")
    assert page.status_code == 200
    assert NOT_COMPUTED in page.text
    assert "<svg" not in page.text


def test_the_dashboard_draws_the_latest_summary(app, db, buyer, compliance_user):
    today = utcnow().date()
    make_summary(db, buyer, today - timedelta(days=3), bands=bands(1, 1, 1, 1), mean=80.0)
    latest = make_summary(db, buyer, today)
    db.commit()
    page = _as(app, compliance_user).get("/risk")
    assert page.status_code == 200
    text = _text(page.text)
    assert "36 of 40 suppliers scored · mean score 41.2" in text
    charts = _svgs(page.text)
    assert set(charts) == {"r-bands", "r-trend", "r-trend2", "r-stacked", "r-scores"}

    # Bands: the latest day's counts, not the earlier day's.
    bars = {b.get("data-band"): int(b.get("data-count")) for b in _marks(charts["r-bands"],
                                                                        "r-bar")}
    assert bars == latest.data["bands"] == bands(12, 10, 9, 5)
    # Trend: one point per day, in order, with that day's mean.
    points = _marks(charts["r-trend"], "r-point")
    assert [(p.get("data-day"), float(p.get("data-value"))) for p in points] == [
        ((today - timedelta(days=3)).isoformat(), 80.0), (today.isoformat(), 41.25)]
    high = _marks(charts["r-trend2"], "r-point")
    assert [float(p.get("data-value")) for p in high] == [2.0, 14.0]  # high + critical
    # By tier: each tier's segments, and the tier without a path as "Not connected".
    tiers: dict[str, dict[str, int]] = {}
    for seg in _marks(charts["r-stacked"], "r-seg"):
        tiers.setdefault(seg.get("data-key"), {})[seg.get("data-band")] = int(
            seg.get("data-count"))
    assert tiers["1"] == {"low": 8, "medium": 6, "high": 4, "critical": 1, "none": 1}
    assert tiers["none"] == {"critical": 1, "none": 3}
    assert "Not connected" in [t.text for t in _marks(charts["r-stacked"], "r-label")]
    # By country: highest mean first, coloured by the band of the mean.
    countries = [(b.get("data-key"), b.get("data-band")) for b in _marks(charts["r-scores"],
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
    page = _as(app, compliance_user).get("/risk")
    points = _marks(_svgs(page.text)["r-trend"], "r-point")
    days = [p.get("data-day") for p in points]
    today = utcnow().date()
    assert len(days) == 90
    assert days[0] == (today - timedelta(days=89)).isoformat() and days[-1] == today.isoformat()
    assert "90 computed days in the last 90" in _text(page.text)


def test_the_dashboard_reads_summaries_and_never_the_scores(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    make_score(db, supplier, 70.0)
    make_history(db, buyer, 10)
    db.commit()
    client = _as(app, compliance_user)
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
    text = _text(_as(app, compliance_user).get("/risk").text)
    assert "These figures are from" in text and "nothing has been recomputed since" in text


def test_the_country_table_sorts_by_each_column(app, db, buyer, compliance_user):
    make_summary(db, buyer)
    db.commit()
    client = _as(app, compliance_user)

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
    client = _as(app, compliance_user)
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
    page = _as(app, compliance_user).get("/risk")
    assert NOT_COMPUTED in page.text and "Fergana" not in page.text


@pytest.mark.parametrize(("kind", "role"), [("supplier", "supplier"), ("supplier", "admin"),
                                            ("audit_firm", "auditor"), ("audit_firm", "admin"),
                                            ("regulator", "regulator"),
                                            ("regulator", "admin")])
def test_everyone_but_the_buyer_gets_404(app, db, buyer, kind, role):
    make_summary(db, buyer)
    user = make_user(db, make_org(db, kind), role)
    db.commit()
    client = _as(app, user)
    page = client.get("/risk")
    assert page.status_code == 404
    assert "Fergana" not in page.text
    assert 'href="/risk"' not in client.get("/").text  # no nav item either


def test_the_anonymous_are_sent_to_sign_in_and_admins_of_the_buyer_get_in(app, db, buyer):
    admin = make_user(db, buyer, "admin")
    db.commit()
    anonymous = app.test_client().get("/risk")
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.headers["Location"]
    assert _as(app, admin).get("/risk").status_code == 200


# --- the nav item and the home dashboard's card ------------------------------------------------


def test_the_home_card_counts_suppliers_by_band_and_links_to_the_list(app, db, buyer,
                                                                     compliance_user):
    client = _as(app, compliance_user)
    home = _text(client.get("/").text)
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


# --- the supplier panel ----------------------------------------------------------------------


def _scene(db, buyer):
    """A Chinese gin supplying a mill supplying the company; the mill inherits from the gin,
    and its own factors cite every kind of evidence."""
    gin = make_supplier(db, buyer, name="Kashgar Cotton Gin", country="CN", kind="processor")
    mill = make_supplier(db, buyer, name="Anhui Spinning Mill", country="CN")
    link(db, buyer, gin, mill)
    link(db, buyer, mill)
    ilab = make_edition(db, buyer)
    tip = make_edition(db, buyer, dataset="tip_tiers", edition="2025",
                       title="US TIP report, 2001-2025", superseded=True)
    audit = make_audit(db, buyer, supplier=mill, status="accepted")
    finding = make_finding(db, audit, code="F-007", severity="critical")
    fee = make_fee(db, mill)
    assignment, _token = make_assignment(db, buyer, mill, status="submitted")
    signal = Signal(org_id=buyer.id, assignment_id=assignment.id, supplier_id=mill.id,
                    indicator="FL07", strength="strong", weight=1.0, question="R12",
                    answer="yes")
    db.add(signal)
    db.flush()
    other = make_org(db, "buyer")
    stranger = make_finding(db, make_audit(db, other))
    evidence = {
        "goods": [{"kind": "dataset", "id": ilab.id, "row": 57,
                   "text": "Cotton, China: forced labour"}],
        "audit_findings": [{"kind": "finding", "id": finding.id,
                            "text": "F-007 critical: passports held"},
                           {"kind": "audit", "id": audit.id, "text": "RBA audit, 2 Nov 2026"},
                           {"kind": "finding", "id": stranger.id, "text": "Not ours"}],
        "recruitment_fees": [{"kind": "fee", "id": fee.id, "text": "10 workers owe 3.5 months"}],
        "questionnaire_signals": [{"kind": "assignment", "id": assignment.id,
                                   "text": "FL09 strong: workers paid fees"},
                                  {"kind": "signal", "id": signal.id,
                                   "text": "FL07 strong: passports kept by the employer"}],
        "profile_intermediary": [{"kind": "supplier", "id": gin.id, "text": "Supplied by"}],
        "grievances": [{"kind": "grievance", "id": 4, "text": "Case 4: wages withheld"}],
    }
    factors = [
        factor("goods", 30.0, evidence["goods"], label="Goods on the ILAB list"),
        factor("audit_findings", 25.0, evidence["audit_findings"], label="Open audit findings",
               lower="Verify the remediation of finding F-007", lowers_by=25.0),
        factor("recruitment_fees", 12.0, evidence["recruitment_fees"],
               label="Unpaid recruitment fees", lower="Repay the workers' fees", lowers_by=12.0),
        factor("questionnaire_signals", 8.0, evidence["questionnaire_signals"],
               label="Questionnaire signals"),
        factor("profile_intermediary", 2.0, evidence["profile_intermediary"],
               label="Labour intermediary"),
        factor("grievances", 1.0, evidence["grievances"], label="Grievances"),
        factor("country_rights", 0.0, label="Country: workers' rights"),
    ]
    make_score(db, gin, 88.0, factors=[factor("goods", 88.0, label="Goods on the ILAB list")])
    score = make_score(db, mill, 70.4, own=64.0, inherited=70.4, inherited_from=gin,
                       path=[gin.id, mill.id], factors=factors,
                       editions={"ilab_goods": ilab.id, "tip_tiers": tip.id})
    return {"gin": gin, "mill": mill, "finding": finding, "audit": audit, "fee": fee,
            "assignment": assignment, "stranger": stranger, "score": score}


def _panel(html: str) -> str:
    return html.split("<h2>Risk</h2>")[1].split("</section>")[0]


def test_the_panel_explains_the_score_with_linked_evidence(app, db, buyer, compliance_user):
    s = _scene(db, buyer)
    db.commit()
    html = _as(app, compliance_user).get(f"/suppliers/{s['mill'].id}").text
    panel = _panel(html)
    text = _text(panel)
    assert "70.4" in text and "High" in text
    assert "Own score 64.0" in text and "Inherited 70.4 from Kashgar Cotton Gin, 1 tier " \
                                         "upstream sets the score" in text
    # Factors, highest first, with their points.
    rows = re.findall(r'<tr data-factor="(\w+)">\s*<td>[^<]+</td>\s*<td class="num"><strong>'
                      r"\+([\d.]+)</strong>", panel)
    assert rows == [("goods", "30.0"), ("audit_findings", "25.0"), ("recruitment_fees", "12.0"),
                    ("questionnaire_signals", "8.0"), ("profile_intermediary", "2.0"),
                    ("grievances", "1.0")]
    assert "1 factor checked without points" in text and "Country: workers' rights" in text
    # Evidence links, each to its page.
    assert f'<a href="/findings/{s["finding"].id}">F-007 critical: passports held</a>' in panel
    assert f'<a href="/audits/{s["audit"].id}">RBA audit, 2 Nov 2026</a>' in panel
    assert f'<a href="/suppliers/{s["mill"].id}/fees">10 workers owe 3.5 months</a>' in panel
    assert (f'<a href="/questionnaires/assignments/{s["assignment"].id}">FL09 strong: workers '
            "paid fees</a>") in panel
    assert (f'<a href="/questionnaires/assignments/{s["assignment"].id}">FL07 strong: '
            "passports kept by the employer</a>") in panel  # a signal opens its assignment
    assert f'<a href="/suppliers/{s["gin"].id}">Supplied by</a>' in panel
    assert "ILAB List of Goods 2022, row 57</span>: Cotton, China: forced labour" in panel
    # Evidence without a page of ours stays text: a grievance, another tenant's finding.
    assert "Case 4: wages withheld" in panel and "/grievances" not in panel
    assert "Not ours" in panel and f"/findings/{s['stranger'].id}" not in panel
    # The inherited path, as named suppliers.
    path = panel.split('class="r-path"')[1].split("</ol>")[0]
    assert re.findall(r"<li>(.*?)</li>", path) == [
        f'<a href="/suppliers/{s["gin"].id}">Kashgar Cotton Gin</a>',
        "<strong>Anhui Spinning Mill</strong>"]
    # What would lower it, the largest drop first.
    lower = panel.split('<ul class="r-lower">')[1].split("</ul>")[0]
    assert [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", lower)] == [
        "Verify the remediation of finding F-007 (Open audit findings: −25.0 points)",
        "Repay the workers' fees (Unpaid recruitment fees: −12.0 points)"]
    # Method and editions, the superseded one marked.
    assert s["score"].method_version in text
    assert "ILAB List of Goods 2022 retrieved 03 Nov 2026" in text
    assert "US TIP report, 2001-2025 retrieved" in text  # the title names its edition
    assert "a newer edition has been loaded since" in text
    assert 'href="/suppliers/network?focus=' in panel and "colour=risk" in panel


def test_the_panel_before_any_recompute(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    db.commit()
    page = _as(app, compliance_user).get(f"/suppliers/{supplier.id}")
    assert page.status_code == 200
    assert NOT_COMPUTED in _panel(page.text)


def test_a_supplier_without_an_inheritance_or_a_remedy(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer, name="Stuttgart Machine Parts", country="DE")
    make_score(db, supplier, 4.0, factors=[factor("country_rights", 0.0)])
    db.commit()
    panel = _panel(_as(app, compliance_user).get(f"/suppliers/{supplier.id}").text)
    text = _text(panel)
    assert "4.0" in text and "Low" in text
    assert "nothing: no upstream supplier raises it" in text
    assert "Own score 4.0 from this supplier's own factors sets the score" in text
    assert "No factor adds points" in text and "Nothing this supplier can change" in text
    assert "r-path" not in panel


def test_the_panel_loader_refuses_another_org_and_other_roles(app, db, buyer, compliance_user):
    from risk.views import panel

    s = _scene(db, buyer)
    stranger = make_user(db, make_org(db, "buyer"), "compliance")
    supplier_person = make_user(db, make_org(db, "supplier"), "admin")
    with app.test_request_context():
        assert panel(db, stranger, s["mill"]) is None
        assert panel(db, supplier_person, s["mill"]) is None
        assert panel(db, compliance_user, s["mill"])["score"].id == s["score"].id


# --- the supplier list's band filter and the network's colouring -----------------------------


def test_the_supplier_list_filters_and_sorts_by_band(app, db, buyer, compliance_user):
    names = {"Low Ltd": 10.0, "Mid Ltd": 30.0, "High Ltd": 60.0, "Top Ltd": 90.0}
    for name, score in names.items():
        make_score(db, make_supplier(db, buyer, name=name), score)
    make_supplier(db, buyer, name="Unscored Ltd")
    db.commit()
    client = _as(app, compliance_user)
    page = client.get("/suppliers")
    select = page.text.split('<select id="band" name="band">')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w*)"', select) == ["", "low", "medium", "high",
                                                            "critical"]
    high = client.get("/suppliers?band=high").text
    assert "High Ltd" in high and not any(n in high for n in ("Low Ltd", "Mid Ltd", "Top Ltd"))
    assert '<option value="high" selected>' in high
    assert '<span class="badge band-high" title="High risk">High · 60.0</span>' in high
    ranked = client.get("/suppliers?sort=-risk").text
    order = [n for n in re.findall(r">(\w+ Ltd)</a>", ranked)]
    assert order == ["Top Ltd", "High Ltd", "Mid Ltd", "Low Ltd", "Unscored Ltd"]
    bad = client.get("/suppliers?band=purple")
    assert bad.status_code == 200 and "band is one of low, medium, high, critical." in bad.text


def test_the_network_page_starts_in_the_colouring_asked_for(app, db, compliance_user):
    client = _as(app, compliance_user)
    risk = client.get("/suppliers/network?colour=risk").text
    assert '<option value="risk" disabled selected>' in risk
    assert 'id="network-colour-kept" value="risk"' in risk
    odd = client.get("/suppliers/network?colour=%3Cx%3E").text
    assert '<option value="kind" selected>' in odd and 'value="kind"' in odd
