"""Creating, editing, archiving and restoring a supplier through its pages in the browser."""

from __future__ import annotations

import re

from tests.browser.support import expect, new_account, shot, sign_in


def test_create_edit_archive_and_restore_a_supplier(live_server, page):
    _org, email = new_account(live_server.app)
    sign_in(page, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Suppliers").click()
    expect(page.get_by_text("No suppliers yet.")).to_be_visible()
    page.get_by_role("link", name="Add supplier").click()

    # The country is required: the form comes back with the error next to the field.
    page.get_by_label("Name", exact=True).fill("Chittagong Knit Composite Ltd")
    page.get_by_role("button", name="Add supplier").click()
    country = page.locator(".field", has=page.get_by_label("Country"))
    expect(country).to_have_class(re.compile(r"has-error"))
    expect(country.locator(".error")).not_to_be_empty()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Chittagong Knit Composite Ltd")

    page.get_by_label("Country").select_option(label="Bangladesh")
    page.get_by_label("Kind").select_option("manufacturer")
    page.get_by_label("Your reference (external ID)").fill("BD-CKC-01")
    page.get_by_label("Workers", exact=True).fill("2,400")
    page.get_by_label("Migrant workers").fill("300")
    page.get_by_role("button", name="Add supplier").click()
    expect(page.locator(".flash-success")).to_have_text("Chittagong Knit Composite Ltd added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chittagong Knit Composite Ltd")
    detail_url = page.url
    facts = page.locator("dl.facts").first  # the profile; the risk panel has its own
    expect(facts).to_contain_text("BD-CKC-01")
    expect(facts).to_contain_text("2,400")
    expect(page.locator(".page-head")).to_contain_text("not connected to your company")

    # It sells to our company: now a tier-1 supplier.
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Relationship added.")
    expect(page.locator(".page-head .badge.tier")).to_have_text("Tier 1")

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Chittagong Knit Composite Ltd")
    page.get_by_label("Name", exact=True).fill("Chittagong Knit Composite (Unit 2)")
    page.get_by_label("Workers", exact=True).fill("2600")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash-success")).to_have_text("Changes saved.")
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Chittagong Knit Composite (Unit 2)")
    expect(facts).to_contain_text("2,600")

    page.get_by_role("link", name="Suppliers", exact=True).first.click()
    row = page.get_by_role("row", name=re.compile("Chittagong Knit Composite"))
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    page.locator(".page-head").get_by_role("link", name="Archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Archive Chittagong Knit Composite (Unit 2)?")
    expect(page.locator("main")).to_contain_text("its 1 relationship are kept")
    page.get_by_role("button", name="Archive supplier").click()
    expect(page.locator(".flash-info")).to_contain_text(
        "Chittagong Knit Composite (Unit 2) was archived.")
    expect(page).to_have_url(re.compile(r"/suppliers$"))
    expect(page.get_by_text("No suppliers yet.")).to_be_visible()
    # Archived, not deleted: its page says so, with its history, and it can come back.
    page.goto(detail_url)
    expect(page.locator("main")).to_contain_text("This supplier is archived")
    page.locator(".page-head").get_by_role("link", name="Restore").click()
    page.get_by_role("button", name="Restore supplier").click()
    expect(page.locator(".flash-success")).to_contain_text("was restored, with its relationships")
    expect(page.locator(".page-head")).to_contain_text("Tier")
    shot(page, "supplier-create-edit-archive-restore")
