"""Every page of the shell and the supplier network opens without a console error, and
/favicon.ico (which browsers fetch on their own) answers with the icon."""

from __future__ import annotations

from app.cli import DEMO_PASSWORD
from tests.browser.support import expect, open_network, sign_in

ADMIN = "admin@northwind.example"
PAGES = [
    "/", "/suppliers", "/suppliers?kind=recruitment_agency", "/suppliers?tier=none",
    "/suppliers/new", "/suppliers/import", "/suppliers/loops", "/activity", "/settings",
    "/settings/tokens",
]


def test_favicon_answers_with_a_long_cached_icon(live_server, page):
    response = page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in response.body()
    cache = response.headers["cache-control"]
    assert "public" in cache and "max-age=2592000" in cache, cache
    again = page.request.get("/favicon.ico", headers={"If-None-Match": response.headers["etag"]})
    assert again.status == 304
    # The layout links it, and the browser loads it from there.
    page.goto("/login")
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_attribute("href", "/favicon.ico")
    assert page.evaluate("""async () => {
      const img = new Image();
      img.src = document.querySelector("link[rel=icon]").href;
      await img.decode();
      return img.naturalWidth > 0;
    }""")


def test_no_page_logs_a_console_error(live_server, page):
    # The watcher fails the test on any console error, CSP violation or failed request.
    page.goto("/healthz")
    page.goto("/login")
    sign_in(page, ADMIN, DEMO_PASSWORD)
    demo_org = page.request.get("/api/v1/network").json()
    assert demo_org["nodes"]
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("main")).to_be_visible()
    first = demo_org["nodes"][0]
    page.goto(f"/suppliers/{first['id']}")
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    page.goto(f"/suppliers/{first['id']}/delete")
    expect(page.get_by_role("button", name="Archive supplier")).to_be_visible()
    open_network(page)
    open_network(page, f"/suppliers/network?focus={first['id']}")
    open_network(page, "/suppliers/network?tiers=2")
    page.wait_for_load_state("networkidle")
