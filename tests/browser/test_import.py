"""Uploading a facility list on the import page and watching the job to its summary."""

from __future__ import annotations

import re
import time

import openpyxl

from tests.browser.conftest import IMPORT_PROGRESS_VISIBLE
from tests.browser.support import PlaywrightError, expect, new_account, shot, sign_in

ROWS = 6000  # enough rows for several progress reports (one per 1,000 rows read)
HEADER = ["External ID", "Name", "Country", "Kind", "Workers", "Migrant workers",
          "Supplies to", "Relationship kind", "Relationship product"]
COUNTRIES = ["Bangladesh", "VN", "IND", "Türkiye", "China", "Pakistan"]

READ_STATE = """() => {
  const bar = document.querySelector("#import-progress [data-job-bar]");
  const stage = document.querySelector("#import-progress [data-job-stage]");
  return {
    done: document.querySelector("ul.stats") !== null,
    failed: document.querySelector(".flash-error") !== null,
    value: bar && bar.hasAttribute("value") ? bar.value : null,
    max: bar ? bar.max : null,
    stage: stage ? stage.textContent : null,
  };
}"""


def _facility_list(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Facilities"
    ws.append(HEADER)
    for i in range(ROWS):
        # 40 direct suppliers; every other site sells to one before it, so tiers go deep.
        customer = "" if i < 40 else f"FL-{(i * 7) % (i // 2 + 1):05d}"
        agency = i % 250 == 7
        ws.append([
            f"FL-{i:05d}", f"{'Recruiter' if agency else 'Mill'} {i:05d}", COUNTRIES[i % 6],
            "recruitment agency" if agency else ("manufacturer" if i < 40 else "processor"),
            100 + i % 900, i % 50, customer, "labour" if agency else "goods",
            "" if agency else "fabric",
        ])
    wb.save(path)
    return path


def test_upload_a_facility_list_and_watch_it_finish(live_server, page, tmp_path):
    _org, email = new_account(live_server.app)
    upload = _facility_list(tmp_path / "facility-list.xlsx")
    sign_in(page, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import suppliers")
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(upload)
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url(re.compile(r"/suppliers/imports/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of facility-list.xlsx")

    samples = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            state = page.evaluate(READ_STATE)
        except PlaywrightError:  # the page reloads itself when the job ends
            continue
        if state["done"] or state["failed"]:
            break
        samples.append(state)
        page.wait_for_timeout(100)
    assert not state["failed"], page.locator("main").inner_text()
    assert state["done"], f"the import did not finish in 90 s: {samples[-3:]}"
    if IMPORT_PROGRESS_VISIBLE:
        # The job page showed the bar and its stage while the job ran, with the file's row
        # count once the job had counted them, never going backwards, then moved on by itself.
        assert samples, "the progress bar was never shown"
        assert {s["max"] for s in samples} <= {1, ROWS}, samples  # 1: not counted yet
        stages = {s["stage"] for s in samples}
        assert stages <= {"Waiting for a worker…", "Starting…", "Reading and checking rows…",
                          "Saving to your network…"}, stages
        values = [s["value"] for s in samples if s["value"] is not None]
        assert values == sorted(values), values

    expect(page.locator("#import-progress")).to_have_count(0)
    expect(page.locator(".card.highlight h2")).to_have_text("Imported.")
    stats = {
        label: int(value.replace(",", ""))
        for value, label in zip(
            page.locator("ul.stats strong").all_inner_texts(),
            page.locator("ul.stats span").all_inner_texts(), strict=True)
    }
    assert stats == {"rows": ROWS, "created": ROWS, "updated": 0, "unchanged": 0,
                     "new relationships": ROWS}
    shot(page, "import-finished")

    page.get_by_role("link", name="See your suppliers").click()
    expect(page.locator(".pager").first).to_contain_text(f"{ROWS:,} in all")
    page.get_by_role("link", name="Import", exact=True).first.click()
    recent = page.get_by_role("row", name=re.compile("facility-list.xlsx"))
    expect(recent).to_contain_text(f"{ROWS:,} created, 0 updated, 0 unchanged")
