"""Inviting a colleague: the email arrives, the link makes the account in a second browser,
they sign in, and demoting them ends that open session at once (issue 7, done when)."""

from __future__ import annotations

import re

from tests.browser.support import PASSWORD, expect, new_account, shot, sign_in
from tests.conftest_mail import link_in


def test_invite_a_colleague_who_accepts_signs_in_and_is_demoted(live_server, page, open_page):
    _org, admin_email = new_account(live_server.app, role="admin")
    invitee = f"colleague.{admin_email.split('@')[0]}@example.org"
    sign_in(page, admin_email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_label("Email").fill(invitee)
    page.get_by_label("Role", exact=True).select_option("admin")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".flash-success")).to_contain_text(invitee)

    # The worker sends the outbox over SMTP to the suite's server.
    messages = []
    for _ in range(150):
        messages = live_server.inbox.to(invitee)
        if messages:
            break
        page.wait_for_timeout(200)
    assert messages, "the invitation email did not arrive"
    link = link_in(messages[0], "/invitations/")

    # The colleague, in a browser of their own (a fresh context: its own cookies).
    colleague = open_page()
    colleague.goto(link)
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Join")
    colleague.get_by_label("Your name").fill("Priya Raman")
    colleague.get_by_label("Password", exact=True).fill(PASSWORD)
    colleague.get_by_label("Repeat the password").fill(PASSWORD)
    colleague.get_by_role("button", name="Create my account").click()
    expect(colleague.locator(".flash-success")).to_contain_text(f"Sign in with {invitee}")
    sign_in(colleague, invitee)
    expect(colleague.get_by_role("navigation", name="Main")).to_contain_text("People")

    # The admin demotes them; their open session ends on its very next request.
    page.reload()
    row = page.get_by_role("row", name=re.compile(re.escape(invitee)))
    row.get_by_label(f"Role of {invitee}").select_option("compliance")
    row.get_by_role("button", name="Change").click()
    expect(page.locator(".flash-success")).to_contain_text("is now Compliance; their sessions")
    shot(page, "people-demoted")

    colleague.reload()
    expect(colleague).to_have_url(re.compile(r"/login"))
    expect(colleague.get_by_role("button", name="Sign in")).to_be_visible()
