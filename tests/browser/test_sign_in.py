"""Signing in and out in the browser; after sign-out the old session is gone for good."""

from __future__ import annotations

import re

from tests.browser.support import expect, new_account, shot, sign_in
from tests.factories import PASSWORD


def test_sign_in_and_out_ends_the_session(live_server, page, open_page):
    _org, email = new_account(live_server.app)
    page.goto("/suppliers")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # not signed in yet
    page.get_by_label("Email").fill(email)
    # A wrong password is answered 401 on purpose, and Chromium logs that document's status.
    page.watch.allow(r"status of 401 .*/login\?next=/suppliers")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect.")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/suppliers$"))  # back where we were sent from
    expect(page.locator(".flash-success")).to_contain_text("Welcome")
    expect(page.locator(".who")).to_contain_text(email)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    stolen = page.context.cookies()  # the session cookie as it was before signing out
    assert any(c["name"] == "tierlight_session" for c in stolen)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash-info")).to_have_text("You are signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Back and reload show the sign-in page, never the signed-in pages from before.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Sign in to Tierlight")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to Tierlight")).to_be_visible()

    # A copy of the cookie taken before sign-out does not work in another browser either.
    other = open_page()
    other.context.add_cookies(stolen)
    other.goto("/suppliers")
    expect(other).to_have_url(re.compile(r"/login\?next="))
    expect(other.locator(".who")).to_have_count(0)
    shot(page, "sign-in-out")


def test_sign_in_helper_lands_on_the_dashboard(live_server, page):
    _org, email = new_account(live_server.app)
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".who")).to_contain_text(email)
