"""What the network page's scripts do, checked in the browser on networks built for it.

These replace the regular expressions that were matched over the JavaScript source: colours and
shapes per supplier kind and line styles per relationship kind are read from Cytoscape's own
state; tiers are drawn as columns; a supplier's upstream can be focused; a network too large to
draw says so; a failed load offers a retry; text from the data stays text; the page's scripts add
no globals but their namespace and the library, and every control works without an error.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from app.cli import DEMO_PASSWORD
from suppliers.kinds import SUPPLIER_KINDS
from tests.browser.support import expect, open_network, seed_network, shot, sign_in, supplier_id

DEMO_COMPLIANCE = "compliance@northwind.example"
JS_DIR = Path(__file__).resolve().parents[2] / "app" / "static" / "js"
LABOUR_KINDS = {"recruitment_agency", "labour_provider"}
EVIL = '<img src=x onerror="window.__xss=1">Evil & Co <b>'
COUNTRY = {"recruitment_agency": "NP", "labour_provider": "NP"}


def _row(external_id, name, kind, supplies_to="", relationship_kind="", country="IN"):
    return {"external_id": external_id, "name": name, "kind": kind, "country": country,
            "supplies_to": supplies_to, "relationship_kind": relationship_kind}


@pytest.fixture(scope="module")
def every_kind(live_server):
    """One supplier of every kind under a manufacturer, with goods, services and labour edges."""
    rows = [_row("K-manufacturer", "Kind manufacturer", "manufacturer")]
    for kind in SUPPLIER_KINDS:
        if kind == "manufacturer":
            continue
        relationship = ("labour" if kind in LABOUR_KINDS
                        else "services" if kind == "logistics" else "goods")
        rows.append(_row(f"K-{kind}", f"Kind {kind}", kind, "K-manufacturer", relationship,
                         COUNTRY.get(kind, "IN")))
    rows.append(_row("K-evil", EVIL, "other", "K-trader"))
    return seed_network(live_server.app, rows)


@pytest.fixture
def demo_page(page):
    sign_in(page, DEMO_COMPLIANCE, DEMO_PASSWORD)
    return page


def _rgb(colour: str) -> str:
    return re.sub(r"\s+", "", colour)


DIAGRAM_STATE = """() => {
  const cy = window.TierlightNetwork.state.cy;
  const legend = [...document.querySelectorAll("#network-legend-nodes li")].map((li) => ({
    text: li.childNodes[1] ? li.childNodes[1].textContent : "",
    swatch: getComputedStyle(li.querySelector(".swatch")).backgroundColor,
  }));
  return {
    nodes: cy.nodes(".supplier").map((n) => ({
      name: n.data("name"), kind: n.data("kind"), tier: n.data("tier"),
      colour: n.style("background-color"), shape: n.style("shape"), x: n.position("x"),
    })),
    edges: cy.edges().map((e) => ({
      kind: e.data("kind"), line: e.style("line-style"), colour: e.style("line-color"),
    })),
    columns: cy.nodes(".column-label").map((n) => ({ label: n.data("label"), x: n.position("x") })),
    company: cy.nodes(".company").map((n) => ({ label: n.data("label"), x: n.position("x") })),
    legend,
    legendTitle: document.getElementById("network-legend-title").textContent,
  };
}"""


def test_every_kind_has_its_colour_shape_and_legend_entry(live_server, page, every_kind):
    _org, email = every_kind
    sign_in(page, email)
    open_network(page)
    state = page.evaluate(DIAGRAM_STATE)
    by_kind = {}
    for node in state["nodes"]:
        by_kind.setdefault(node["kind"], node)
    assert set(by_kind) == set(SUPPLIER_KINDS)
    colours = {kind: _rgb(node["colour"]) for kind, node in by_kind.items()}
    assert len(set(colours.values())) == len(SUPPLIER_KINDS), colours  # one colour each
    for kind, node in by_kind.items():
        assert node["shape"] == ("diamond" if kind in LABOUR_KINDS else "ellipse"), node
    # The legend names every kind drawn, with the very colour of its nodes.
    legend = {item["text"]: _rgb(item["swatch"]) for item in state["legend"]}
    for kind, colour in colours.items():
        label = kind.replace("_", " ").capitalize()
        assert legend.get(label) == colour, (label, legend)
    lines = {}
    for edge in state["edges"]:
        lines.setdefault(edge["kind"], set()).add((edge["line"], _rgb(edge["colour"])))
    assert {k: {line for line, _ in v} for k, v in lines.items()} == {
        "goods": {"solid"}, "services": {"dotted"}, "labour": {"dashed"}}
    assert len({c for v in lines.values() for _, c in v}) == 3  # and a colour each
    # Our company's name (white) fits inside its box, or is shortened to fit.
    label, box = page.evaluate("""() => {
      const company = window.TierlightNetwork.state.cy.nodes(".company");
      return [company.boundingBox({ includeNodes: false, includeLabels: true }).w,
              company.boundingBox({ includeLabels: false }).w];
    }""")
    assert 0 < label <= box, (label, box)
    expect(page.locator("#network-summary")).to_have_text(
        f"{len(SUPPLIER_KINDS) + 1} suppliers · {len(SUPPLIER_KINDS) + 1} relationships (2 labour)")
    shot(page, "network-kinds")


def test_text_from_the_data_stays_text(live_server, page, every_kind):
    _org, email = every_kind
    sign_in(page, email)
    open_network(page)
    page.get_by_label("Find a supplier in the diagram").fill("<img")
    result = page.locator("#network-results").get_by_role("button")
    expect(result.locator(".network-result-name")).to_have_text(EVIL)
    result.click()
    expect(page.locator("#network-details-name")).to_have_text(EVIL)
    page.get_by_label("Find a supplier in the diagram").fill("recruitment")
    result = page.locator("#network-results").get_by_role("button")
    expect(result).to_have_text("Kind recruitment_agencyRecruitment agency · tier 2 · NP · "
                                "K-recruitment_agency")
    result.click()
    expect(page.locator("#network-details-facts")).to_contain_text("labour supply")
    assert page.evaluate("() => document.querySelectorAll('aside img, aside b').length") == 0
    assert page.evaluate("() => window.__xss") is None


def test_tiers_are_columns_and_can_colour_the_diagram(live_server, demo_page):
    page = demo_page
    open_network(page)
    network = page.request.get("/api/v1/network").json()
    per_tier = {}
    for node in network["nodes"]:
        per_tier[node["tier"]] = per_tier.get(node["tier"], 0) + 1
    state = page.evaluate(DIAGRAM_STATE)
    labels = [c["label"] for c in sorted(state["columns"], key=lambda c: c["x"])]
    assert labels == ["Your company"] + [
        f"Tier {t}\n{n} supplier{'' if n == 1 else 's'}" for t, n in sorted(per_tier.items())]
    assert state["company"][0]["label"] == "Northwind Apparel Ltd"
    # Each tier's suppliers stand in its column, left of the next tier's.
    spans = {}
    for node in state["nodes"]:
        low, high = spans.get(node["tier"], (node["x"], node["x"]))
        spans[node["tier"]] = (min(low, node["x"]), max(high, node["x"]))
    tiers = sorted(spans)
    assert state["company"][0]["x"] < spans[tiers[0]][0]
    for nearer, further in itertools.pairwise(tiers):
        assert spans[nearer][1] < spans[further][0], (nearer, spans)

    page.get_by_label("Colour by").select_option("tier")
    page.wait_for_function(
        "() => document.getElementById('network-legend-title').textContent === 'Suppliers by tier'")
    state = page.evaluate(DIAGRAM_STATE)
    colour_of = {}
    for node in state["nodes"]:
        colour_of.setdefault(node["tier"], set()).add(_rgb(node["colour"]))
    assert all(len(c) == 1 for c in colour_of.values()), colour_of
    assert len({c for cs in colour_of.values() for c in cs}) == len(colour_of)
    legend = {item["text"]: _rgb(item["swatch"]) for item in state["legend"]}
    for tier, colours in colour_of.items():
        assert legend[f"Tier {tier}"] in colours
    shot(page, "network-tiers")


def test_focus_on_a_suppliers_upstream(live_server, demo_page):
    page = demo_page
    open_network(page)
    page.get_by_label("Find a supplier in the diagram").fill("Jiangsu")
    page.locator("#network-results").get_by_role("button").click()
    page.get_by_role("link", name="Focus on its upstream").click()
    page.wait_for_url(re.compile(r"/suppliers/network\?focus=\d+$"))
    open_network(page, None)
    focus = int(page.url.rsplit("=", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Supplier network: upstream of Jiangsu Hengli Fabrics")
    upstream = page.request.get(f"/api/v1/suppliers/{focus}/upstream").json()
    drawn = page.evaluate("""() => window.TierlightNetwork.state.cy.nodes('.supplier')
        .map((n) => n.data('name')).sort()""")
    assert drawn == sorted(n["name"] for n in upstream["nodes"])
    assert set(drawn) == {"Jiangsu Hengli Fabrics", "Aksu Cotton Spinning Co.",
                          "Xinjiang Lint Supply Co."}
    # The focused supplier is selected, and already focused: no "focus" button for it.
    expect(page.locator("#network-details-name")).to_have_text("Jiangsu Hengli Fabrics")
    expect(page.get_by_role("link", name="Focus on its upstream")).to_be_hidden()
    shot(page, "network-focus")
    page.get_by_role("link", name="Show the whole network").click()
    open_network(page, None)
    expect(page.locator("#network-summary")).to_contain_text("26 suppliers")


def test_a_network_too_large_to_draw_says_so(live_server, page):
    rows = [_row("HUB", "Hub Garments", "manufacturer")]
    rows += [_row(f"U-{i:04d}", f"Upstream Mill {i:04d}", "processor", "HUB") for i in range(1501)]
    org_id, email = seed_network(live_server.app, rows)
    sign_in(page, email)
    # The whole network would not fit: the page draws the tiers that do, and says so.
    open_network(page)
    expect(page.locator(".network-hint")).to_have_text(
        "Showing tiers 1–1 of 1,502 suppliers. Focus on a supplier to see everything upstream "
        "of it.")
    expect(page.locator("#network-summary")).to_have_text("1 supplier of 1,502 · 1 relationship")
    # Everything upstream of the hub is more than the diagram draws: a message, not a diagram.
    open_network(page, f"/suppliers/network?focus={supplier_id(live_server.app, org_id, 'HUB')}")
    status = page.locator("#network-status")
    expect(status).to_have_class(re.compile(r"is-too-many"))
    expect(status).to_contain_text(
        "This view has 1,502 suppliers, more than the 1,500 the diagram can draw.")
    expect(status.get_by_role("link", name="Open the supplier list instead")).to_be_visible()
    expect(page.locator("#network-summary")).to_have_text("1,502 suppliers: too many to draw")
    expect(page.get_by_label("Colour by")).to_be_disabled()
    assert page.evaluate("() => window.TierlightNetwork.state.cy") is None
    shot(page, "network-too-large")


def test_a_failed_load_says_why_and_can_be_retried(live_server, demo_page):
    page = demo_page
    page.watch.allow(r"/api/v1/network")  # the failures provoked below
    page.route("**/api/v1/network", lambda route: route.fulfill(
        status=500, content_type="application/json", body=json.dumps({"error": {}})))
    open_network(page)
    status = page.locator("#network-status")
    expect(status).to_have_class(re.compile(r"is-error"))
    expect(status).to_contain_text("The network could not be loaded: the server answered 500")
    page.unroute("**/api/v1/network")
    page.route("**/api/v1/network", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<p>Sign in</p>"))
    status.get_by_role("button", name="Try again").click()
    expect(status).to_contain_text("the answer was not JSON (has your session expired?")
    page.unroute("**/api/v1/network")
    status.get_by_role("button", name="Try again").click()
    page.wait_for_function("() => window.TierlightNetwork.state.cy !== null")
    expect(status).to_be_hidden()
    expect(page.locator("#network-summary")).to_contain_text("26 suppliers")


def test_scripts_controls_and_labels(live_server, demo_page):
    page = demo_page
    baseline = set(page.evaluate("() => Object.keys(window)"))  # the dashboard, same layout
    open_network(page)
    added = set(page.evaluate("() => Object.keys(window)")) - baseline
    assert added == {"cytoscape", "TierlightNetwork"}, added
    loaded = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => e.name)")
    for path in sorted(JS_DIR.glob("network*.js")):  # a new script file must be on the page
        assert any(url.endswith(f"/static/js/{path.name}") for url in loaded), path.name
    assert all(url.startswith(live_server.url) for url in loaded), loaded

    cy_zoom = "() => window.TierlightNetwork.state.cy.zoom()"
    settled = "() => !window.TierlightNetwork.state.cy.animated()"
    start = page.evaluate(cy_zoom)
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_function(settled)
    assert page.evaluate(cy_zoom) == pytest.approx(start * 1.4)
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    page.wait_for_function(settled)
    assert page.evaluate(cy_zoom) < start
    page.get_by_role("button", name="Fit").click()
    page.wait_for_function(settled)
    assert page.evaluate(cy_zoom) == pytest.approx(start, rel=0.01)

    page.get_by_label("Find a supplier in the diagram").fill("Sylhet")
    page.locator("#network-results").get_by_role("button").click()
    expect(page.locator("#network-details-body")).to_be_visible()
    page.get_by_role("button", name="Clear selection").click()
    expect(page.locator("#network-details-body")).to_be_hidden()
    expect(page.locator("#network-details-empty")).to_be_visible()
    expect(page.get_by_label("Find a supplier in the diagram")).to_have_value("")
    assert page.evaluate("() => window.TierlightNetwork.state.cy.$('.faded').length") == 0

    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        "input:not([type=hidden]), select")].filter((e) => !e.labels.length).map((e) => e.id)""")
    assert unlabelled == []
    untyped = page.evaluate("""() => [...document.querySelectorAll("button")]
        .filter((b) => !b.getAttribute("type")).map((b) => b.textContent)""")
    assert untyped == []
