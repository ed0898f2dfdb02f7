"""What the browser journeys share: the page watcher, sign-in, screenshots, committed data."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from app.db import get_db

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect
except ImportError:  # then conftest.py skips every browser test
    PlaywrightError = Exception
    expect = None
from tests.factories import PASSWORD, make_org, make_user

CHROMIUM = os.environ.get("TIERLIGHT_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium phones home, and this closed network refuses
# those connections loudly.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Where journeys leave a picture of their last page (never committed).
SCREENSHOTS = os.environ.get("TIERLIGHT_SCREENSHOTS")


class PageWatch:
    """Collects what must fail a test: console errors, CSP violations, failed requests,
    same-origin subresources answering >= 400, documents answering >= 500, uncaught errors."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Expect problems matching `pattern` (a regular expression), e.g. a provoked 500."""
        self._allowed.append(re.compile(pattern))

    def _add(self, problem: str) -> None:
        if not any(p.search(problem) for p in self._allowed):
            self.problems.append(problem)

    def _same_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def attach(self, page) -> None:
        self.page = page
        self._navigations = 0
        self._started: dict = {}
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self._add(f"uncaught error: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def flush(self) -> None:
        """Let Playwright deliver the events still queued for the page."""
        page = getattr(self, "page", None)
        if page is not None and not page.is_closed():
            page.evaluate("0")

    def _on_console(self, msg) -> None:
        text = msg.text
        if msg.type == "error" or "Content Security Policy" in text or text.startswith("CSP "):
            where = msg.location.get("url", "") if msg.location else ""
            self._add(f"console {msg.type}: {text} ({where})")

    def _on_request(self, request) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self._navigations += 1
        self._started[request] = self._navigations

    def _on_request_failed(self, request) -> None:
        started = self._started.pop(request, self._navigations)
        left = started < self._navigations  # the page was left while this request was loading
        if left and request.failure == "net::ERR_ABORTED" and request.resource_type != "document":
            return  # the browser cancels what a page it leaves was still fetching
        self._add(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response) -> None:
        self._started.pop(response.request, None)
        if not self._same_origin(response.url):
            return
        document = response.request.resource_type == "document"
        if response.status >= 500 or (response.status >= 400 and not document):
            self._add(f"HTTP {response.status}: {response.request.method} {response.url}")


# Reports Content-Security-Policy violations as console messages the watcher sees. Playwright
# injects it through the DevTools protocol, so the page's own CSP does not block it.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || "?"}:${e.lineNumber || 0}`);
});
"""


def shot(page, name: str) -> None:
    """A screenshot of the page as the journey ends, when TIERLIGHT_SCREENSHOTS names a folder."""
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


@contextmanager
def committed(app):
    """A real session on the live server's database; the caller commits."""
    session = get_db(app).new_session(write=True)
    try:
        yield session
    finally:
        session.close()


def new_account(app, role: str = "compliance"):
    """A fresh organisation and a user in it, committed: journeys that write never share data."""
    with committed(app) as session:
        org = make_org(session)
        user = make_user(session, org, role)
        session.commit()
        return org.id, user.email


def seed_network(app, rows: list[dict]) -> tuple[int, str]:
    """A fresh organisation whose network is `rows` (spreadsheet-style dicts: external_id, name,
    country, kind, supplies_to, relationship_kind), loaded by the import service; returns
    (org id, email of a compliance user in it)."""
    from suppliers.importer import SupplierRow, validate_supplier_values
    from suppliers.services import import_rows

    parsed = []
    for number, values in enumerate(rows, start=2):
        cleaned, errors = validate_supplier_values(values, row=number)
        assert not errors, errors
        parsed.append(SupplierRow(row=number, **cleaned))
    with committed(app) as session:
        org = make_org(session)
        user = make_user(session, org, "compliance")
        import_rows(session, org_id=org.id, actor=None, rows=parsed, filename="browser tests")
        session.commit()
        return org.id, user.email


def supplier_id(app, org_id: int, external_id: str) -> int:
    from sqlalchemy import select

    from suppliers.models import Supplier

    with committed(app) as session:
        return session.scalar(select(Supplier.id).where(
            Supplier.org_id == org_id, Supplier.external_id == external_id))


# Waits until the network page has drawn its diagram (or shown why it did not).
NETWORK_SETTLED = """() => {
  const N = window.TierlightNetwork;
  const status = document.getElementById("network-status");
  if (!N || !status) { return false; }
  if (!status.hidden) { return !/is-loading/.test(status.className); }
  return N.state.cy !== null;
}"""


def open_network(page, path: str | None = "/suppliers/network") -> None:
    """Open the network page (or, with path None, wait for the one just opened) until drawn."""
    if path is not None:
        page.goto(path)
    page.wait_for_function(NETWORK_SETTLED)
    page.wait_for_function("() => !window.TierlightNetwork.state.cy"
                           " || !window.TierlightNetwork.state.cy.animated()")


def node_point(page, node_id: str) -> tuple[float, float]:
    """Where a diagram node is on the screen, once the viewport has stopped moving."""
    page.wait_for_function("() => !window.TierlightNetwork.state.cy.animated()")
    return tuple(page.evaluate(
        """(id) => {
          const cy = window.TierlightNetwork.state.cy;
          const p = cy.getElementById(id).renderedPosition();
          const box = cy.container().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }""", node_id))
