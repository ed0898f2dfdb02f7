"""The network view of the demo network: search it, then click through to a supplier."""

from __future__ import annotations

import re

from app.cli import DEMO_PASSWORD
from tests.browser.support import expect, node_point, open_network, shot, sign_in

DEMO_COMPLIANCE = "compliance@northwind.example"

SELECTED = """() => {
  const cy = window.TierlightNetwork.state.cy;
  const selected = cy.nodes(":selected");
  return selected.length === 1 ? selected.data("name") : null;
}"""


def test_search_the_network_and_open_a_supplier(live_server, page):
    sign_in(page, DEMO_COMPLIANCE, DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Network").click()
    page.wait_for_url(re.compile(r"/suppliers/network$"))
    open_network(page, None)
    expect(page.locator("#network-summary")).to_have_text(
        re.compile(r"^26 suppliers · \d+ relationships \(4 labour\)$"))

    # Typing searches as you type; a result selects and highlights the supplier.
    page.get_by_label("Find a supplier in the diagram").press_sequentially("dindi", delay=30)
    result = page.locator("#network-results").get_by_role("button")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Dindigul Spinning Mills")
    expect(result).to_contain_text("Processor · tier 3 · IN · T3-IN-31")
    result.click()
    page.wait_for_function(f"() => ({SELECTED})() === 'Dindigul Spinning Mills'")
    state = page.evaluate("""() => {
      const cy = window.TierlightNetwork.state.cy;
      const node = cy.nodes(":selected");
      const faded = cy.nodes(".supplier.faded").map((n) => n.data("name"));
      const kept = cy.nodes(".supplier").not(".faded").map((n) => n.data("name"));
      return { match: node.hasClass("match"), faded, kept };
    }""")
    assert state["match"], "the found supplier is not highlighted"
    # Its upstream (the cotton farm) and its path to our company stay; the rest fade.
    assert sorted(state["kept"]) == sorted([
        "Dindigul Spinning Mills", "Gujarat Cotton Growers Cooperative",
        "Tiruppur Knit Processors", "Al Hassan Apparel (QIZ)",
    ])
    assert len(state["faded"]) == 22
    details = page.locator("#network-details")
    expect(details.locator("#network-details-name")).to_have_text("Dindigul Spinning Mills")
    expect(details.locator("#network-details-facts")).to_contain_text("Tier 3")
    expect(details.locator("#network-details-facts")).to_contain_text("India (IN)")
    shot(page, "network-search")

    # A double-click on the node in the diagram opens the supplier's page.
    x, y = node_point(page, "s" + str(page.evaluate(
        "() => window.TierlightNetwork.state.cy.nodes(':selected').data('sid')")))
    page.mouse.dblclick(x, y)
    page.wait_for_url(re.compile(r"/suppliers/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dindigul Spinning Mills")

    # Back on the diagram: Enter finds by external ID, and "Open supplier" opens it.
    page.go_back()
    page.wait_for_function("() => window.TierlightNetwork.state.cy !== null")
    find = page.get_by_label("Find a supplier in the diagram")
    find.fill("T3-PK-32")
    find.press("Enter")
    page.wait_for_function(f"() => ({SELECTED})() === 'Faisalabad Yarn Traders'")
    expect(details.locator("#network-details-facts")).to_contain_text("Trader")
    details.get_by_role("link", name="Open supplier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faisalabad Yarn Traders")
    expect(page.locator(".page-head")).to_contain_text("Tier 3")
    shot(page, "network-open-supplier")
