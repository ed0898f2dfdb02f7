"""Risk in the browser (issue 10, the pages): a compliance user opens the risk dashboard from the
menu and reads its charts (drawn on the server, under the CSP), follows the highest risk to its
supplier page, reads the panel's factors and the path it inherits through, then opens the
upstream network coloured by band, with a legend of the bands.

Scores and summaries are written directly (tests/risk/risk_factories.py) in the shapes the
recompute writes."""

from __future__ import annotations

import re
from datetime import timedelta

from app.db import utcnow
from tests.browser.support import committed, expect, open_network, shot, sign_in

# The band colours of css/tierlight.css, as the browser computes them.
BAND_RGB = {"low": "rgb(46, 125, 79)", "medium": "rgb(224, 165, 38)",
            "high": "rgb(196, 80, 26)", "critical": "rgb(155, 28, 28)"}


def _scene(app) -> dict:
    from tests.factories import make_org, make_user
    from tests.risk.risk_factories import bands, factor, make_edition, make_history, make_score
    from tests.risk.risk_factories import make_summary as summary
    from tests.suppliers.factories import link, make_supplier

    with committed(app) as session:
        buyer = make_org(session, "buyer")
        user = make_user(session, buyer, "compliance")
        gin = make_supplier(session, buyer, name="Kashgar Cotton Gin", country="CN",
                            kind="processor")
        mill = make_supplier(session, buyer, name="Anhui Spinning Mill", country="CN")
        parts = make_supplier(session, buyer, name="Stuttgart Machine Parts", country="DE")
        link(session, buyer, gin, mill, product="raw cotton")
        link(session, buyer, mill, product="cotton yarn")
        link(session, buyer, parts)
        ilab = make_edition(session, buyer)
        goods = [{"kind": "dataset", "id": ilab.id, "row": 57,
                  "text": "Cotton, China: forced labour"}]
        make_score(session, gin, 86.0, factors=[
            factor("goods", 30.0, goods, label="Goods on the ILAB list"),
            factor("country_tip", 20.0, label="Country: trafficking (US TIP tier)")])
        make_score(session, mill, 68.8, own=41.0, inherited=68.8, inherited_from=gin,
                   path=[gin.id, mill.id], editions={"ilab_goods": ilab.id}, factors=[
                       factor("country_tip", 20.0, label="Country: trafficking (US TIP tier)"),
                       factor("goods", 15.0, goods, label="Goods on the ILAB list"),
                       factor("questionnaire_missing", 6.0, label="No questionnaire answered",
                              lower="Send the recruitment questionnaire and review the "
                                    "answers", lowers_by=6.0)])
        make_score(session, parts, 4.0, factors=[factor("country_rights", 0.0)])
        make_history(session, buyer, 20, until=utcnow().date() - timedelta(days=1))
        top = [{"supplier_id": s.id, "name": s.name, "country": s.country, "tier": t,
                "score": v, "band": b, "main_factor": f} for s, t, v, b, f in (
                    (gin, 2, 86.0, "critical", "goods"), (mill, 1, 68.8, "high", "goods"),
                    (parts, 1, 4.0, "low", "country_rights"))]
        summary(session, buyer, suppliers=3, scored=3, mean=52.9, bands=bands(1, 0, 1, 1),
                top=top, by_tier=[{"tier": 1, "count": 2, "mean": 36.4,
                                   "bands": bands(1, 0, 1, 0)},
                                  {"tier": 2, "count": 1, "mean": 86.0,
                                   "bands": bands(0, 0, 0, 1)}],
                by_country=[{"country": "CN", "count": 2, "mean": 77.4, "max": 86.0,
                             "bands": bands(0, 0, 1, 1)},
                            {"country": "DE", "count": 1, "mean": 4.0, "max": 4.0,
                             "bands": bands(1, 0, 0, 0)}])
        session.commit()
        return {"email": user.email, "gin": gin.id, "mill": mill.id}


def test_dashboard_panel_and_network_by_risk(live_server, page):
    scene = _scene(live_server.app)
    sign_in(page, scene["email"])

    # The home dashboard's card: suppliers by band, each a link to the filtered list.
    card = page.locator(".card", has=page.get_by_role("heading", name="Suppliers by risk"))
    critical = card.get_by_role("link", name=re.compile("critical risk"))
    expect(critical).to_contain_text("1")
    shot(page, "risk-home")
    critical.click()
    expect(page.locator("#band")).to_have_value("critical")
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kashgar Cotton Gin")
    expect(rows.first.locator(".badge.band-critical")).to_have_text("Critical · 86.0")
    page.locator("#band").select_option("")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    shot(page, "risk-suppliers")

    # The dashboard, from the menu: band cards, the charts, the top risks.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk")
    expect(page.locator(".page-head")).to_contain_text("3 of 3 suppliers scored")
    bars = page.locator("svg.r-bands rect.r-bar")
    expect(bars).to_have_count(4)
    drawn = bars.evaluate_all("""(rects) => rects.map((r) => ({
        band: r.dataset.band, count: Number(r.dataset.count),
        width: r.getBoundingClientRect().width, fill: getComputedStyle(r).fill }))""")
    assert [(d["band"], d["count"]) for d in drawn] == [
        ("low", 1), ("medium", 0), ("high", 1), ("critical", 1)]
    assert drawn[1]["width"] == 0 and drawn[0]["width"] > 100
    assert abs(drawn[0]["width"] - drawn[3]["width"]) < 0.5  # equal counts, equal bars
    assert {d["band"]: d["fill"] for d in drawn} == BAND_RGB  # the bands' colours
    expect(page.locator("svg.r-trend").first.locator("circle.r-point")).to_have_count(21)
    expect(page.locator("svg.r-stacked rect.r-seg")).to_have_count(3)
    expect(page.locator("svg.r-scores rect.r-bar")).to_have_count(2)
    top = page.locator("table.r-top")
    expect(top.get_by_role("row").nth(1)).to_contain_text("Kashgar Cotton Gin")
    expect(top.get_by_role("row").nth(1)).to_contain_text("Critical")
    shot(page, "risk-dashboard")

    # The mill, from the top risks: its panel explains the score.
    top.get_by_role("link", name="Anhui Spinning Mill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anhui Spinning Mill")
    panel = page.locator("section.panel", has=page.get_by_role("heading", name="Risk",
                                                                exact=True))
    expect(panel.locator(".r-bignumber")).to_have_text("68.8")
    expect(panel.locator(".r-bigscore .badge")).to_have_text("High")
    factors = panel.locator("table.r-factors tbody tr")
    expect(factors).to_have_count(3)
    expect(factors.first).to_contain_text("Country: trafficking (US TIP tier)")
    expect(factors.nth(1)).to_contain_text("ILAB List of Goods 2022, row 57")
    path = panel.locator("ol.r-path li")
    expect(path).to_have_text(["Kashgar Cotton Gin", "Anhui Spinning Mill"])
    expect(panel.locator("ul.r-lower")).to_contain_text("Send the recruitment questionnaire")
    shot(page, "risk-panel")

    # The inherited path names the gin: its page opens from there.
    path.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kashgar Cotton Gin")
    page.go_back()

    # The upstream network, coloured by band, with a legend of the bands.
    panel.get_by_role("link", name="Upstream network by risk").click()
    open_network(page, None)
    expect(page.locator("#network-colour")).to_have_value("risk")
    expect(page.locator("#network-legend-title")).to_have_text("Suppliers by risk")
    nodes = page.evaluate("""() => window.TierlightNetwork.state.cy.nodes(".supplier").map(
        (n) => ({ name: n.data("name"), colour: n.style("background-color") }))""")
    colours = {n["name"]: re.sub(r"\s+", "", n["colour"]) for n in nodes}
    assert colours == {"Kashgar Cotton Gin": BAND_RGB["critical"].replace(" ", ""),
                       "Anhui Spinning Mill": BAND_RGB["high"].replace(" ", "")}
    legend = page.locator("#network-legend-nodes li")
    expect(legend.filter(has_text="Critical (75 and above)")).to_contain_text("1")
    expect(legend.filter(has_text="High (50 to 75)")).to_contain_text("1")
    swatch = legend.filter(has_text="Critical").locator(".swatch").evaluate(
        "(s) => getComputedStyle(s).backgroundColor")
    assert swatch == BAND_RGB["critical"]
    shot(page, "risk-network")


def test_an_organisation_without_scores_sees_how_to_get_them(live_server, page):
    from tests.browser.support import seed_network

    _org, email = seed_network(live_server.app, [
        {"external_id": "M-1", "name": "Dhaka Denim Works", "country": "BD",
         "kind": "manufacturer", "supplies_to": "", "relationship_kind": "goods"}])
    sign_in(page, email)
    expect(page.locator(".card", has_text="Suppliers by risk")).to_contain_text(
        "Risk has not been computed yet")
    page.goto("/risk")
    expect(page.locator(".r-empty")).to_contain_text(
        "Risk has not been computed yet: run flask risk recompute or wait for the queue.")
    # The network page still works: asked for risk, it colours by kind while nothing is scored.
    open_network(page, "/suppliers/network?colour=risk")
    expect(page.locator("#network-colour")).to_have_value("kind")
    expect(page.locator("#network-legend-title")).to_have_text("Suppliers by kind")
    expect(page.locator('#network-colour option[value="risk"]')).to_be_disabled()
