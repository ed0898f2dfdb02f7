"""An audit from the auditor's upload to a verified corrective action (issue 9, the browser
journey): the assigned auditor signs in, starts the audit and uploads a findings workbook
(written here with openpyxl), then uploads a bad one and reads its row errors (row and column
named, nothing imported); a corrective action on the fee finding is worked on by the company,
the auditor's "Verify" is refused while the workers are not repaid, the company records the
repayment in the supplier's fee ledger, and the auditor verifies it."""

from __future__ import annotations

import re

from tests.audits.helpers import write_xlsx
from tests.browser.support import committed, expect, shot, sign_in

GOOD_ROWS = [
    ["R-01", "A1.2", "Workers' passports are kept in the HR office safe.", "Priority", "FL07",
     42, "migrant", None, None, "Policy to prevent absconding", "Photos of the safe"],
    ["R-02", "A1.3", "Migrant workers paid recruitment fees to an agency in Nepal.", "Major",
     "debt bondage", 12, "migrant; agency", "35000", "NPR", "Agency contract silent on fees",
     "Payslips, 8 worker interviews"],
]
BAD_ROWS = [
    GOOD_ROWS[0],
    ["R-03", "A2.1", "Excessive overtime in peak season.", "Critical", "FL11", 80, None, None,
     None, None, None],
]


def _scene(app) -> dict:
    from tests.audits.factories import make_audit, make_auditor
    from tests.factories import make_org, make_user
    from tests.suppliers.factories import make_supplier

    with committed(app) as session:
        buyer = make_org(session, "buyer")
        compliance = make_user(session, buyer, "compliance")
        supplier = make_supplier(session, buyer, name="Penang Circuits Sdn Bhd", country="MY")
        auditor = make_auditor(session, make_org(session, "audit_firm", name="Verita Audits"))
        audit = make_audit(session, buyer, supplier=supplier, auditor=auditor, scheme="RBA")
        session.commit()
        return {"compliance": compliance.email, "auditor": auditor.email, "audit": audit.id,
                "supplier": supplier.id}


def _upload(page, path) -> None:
    page.get_by_label("Findings workbook (.xlsx or .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Upload", exact=True).click()


def test_upload_findings_then_verify_a_fee_action_after_the_repayment(live_server, page,
                                                                     open_page, new_context,
                                                                     tmp_path):
    scene = _scene(live_server.app)
    good = write_xlsx(tmp_path / "rba-findings.xlsx", GOOD_ROWS)
    bad = write_xlsx(tmp_path / "rba-findings-bad.xlsx", BAD_ROWS)

    # The assigned auditor signs in and opens the audit from their own list.
    sign_in(page, scene["auditor"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My audits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My audits")
    page.get_by_role("row", name=re.compile("Penang Circuits")).get_by_role(
        "link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penang Circuits Sdn Bhd")
    page.get_by_role("button", name="Start the audit").click()
    expect(page.locator(".flash-success")).to_contain_text("is in progress")

    # The workbook: two findings, severities from the RBA crosswalk.
    _upload(page, good)
    expect(page.locator(".flash-success")).to_contain_text(
        "Imported rba-findings.xlsx: 2 created, 0 updated, 0 unchanged")
    findings = page.locator("table.a-findings")
    expect(findings.get_by_role("row", name=re.compile("R-01"))).to_contain_text("critical")
    fee_row = findings.get_by_role("row", name=re.compile("R-02"))
    expect(fee_row).to_contain_text("high")
    expect(fee_row).to_contain_text("Debt bondage")
    expect(fee_row).to_contain_text("35,000.00 NPR")

    # A bad one: its row errors, by row and column, and nothing imported (the page is a 422).
    page.watch.allow(r"status of 422 \(UNPROCESSABLE ENTITY\).*/findings/upload")
    _upload(page, bad)
    errors = page.locator("#upload-errors")
    expect(errors).to_contain_text("nothing was imported")
    error_row = errors.get_by_role("row", name=re.compile(r"^3 scheme_severity"))
    expect(error_row).to_contain_text('Unknown severity "Critical" for an RBA audit')
    expect(page.get_by_role("heading", name="Findings (2)")).to_be_visible()
    shot(page, "audit-upload-row-errors")

    # The auditor sets a corrective action on the fee finding.
    page.get_by_role("link", name="R-02", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finding R-02")
    expect(page.locator("#fee-check")).to_contain_text("No recruitment-fee ledger entry")
    page.get_by_label("Corrective action", exact=True).fill(
        "Repay every affected worker the agency fee, in full, to their own account.")
    page.get_by_label("Owner's email").fill("hr@penang-circuits.example")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".flash-success")).to_contain_text("Corrective action added")
    finding_url = page.url.split("#")[0]

    # The company works on it from its board, and submits it for verification.
    company = open_page(new_context())
    sign_in(company, scene["compliance"])
    company.get_by_role("navigation", name="Main").get_by_role("link", name="Actions").click()
    open_column = company.locator("#column-open")
    expect(open_column).to_contain_text("Repay every affected worker")
    shot(company, "audit-action-board")
    open_column.get_by_role("link", name="Penang Circuits Sdn Bhd").click()
    company.get_by_role("button", name="Start work").click()
    expect(company.locator(".flash-success")).to_contain_text("in progress")
    company.get_by_role("button", name="Submit for verification").click()
    expect(company.locator(".flash-success")).to_contain_text("is submitted")

    # The auditor's "Verify" is refused: the workers have not been repaid.
    page.goto(finding_url)
    expect(page.locator(".a-late")).to_contain_text("Verifying will be refused")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".flash-error")).to_contain_text(
        "This action cannot be verified yet: No recruitment-fee ledger entry")

    # The company records the fees and their repayment in the supplier's ledger.
    company.get_by_role("link", name="Fee ledger").first.click()
    expect(company.get_by_role("heading", level=1)).to_have_text("Recruitment-fee ledger")
    company.get_by_label("Workers", exact=True).fill("12")
    company.get_by_label("Currency", exact=True).fill("NPR")
    company.get_by_label("Fee per worker").fill("35000")
    company.get_by_label("Workers' origin country (optional)").fill("Nepal")
    finding_select = company.get_by_label("Finding (optional)")
    finding_select.select_option(
        finding_select.locator("option", has_text="R-02").get_attribute("value"))
    company.get_by_role("button", name="Add the cohort").click()
    expect(company.locator(".flash-success")).to_contain_text(
        "Cohort of 12 workers added: 420,000.00 NPR owed")
    company.get_by_text("Record a repayment").click()
    company.get_by_label("Repaid so far (in all)").fill("420,000")
    company.get_by_label("Repaid on").fill("2026-12-20")
    company.get_by_label("Method (optional)").fill("Bank transfer to each worker")
    company.get_by_label("Workers who confirmed receipt").fill("12")
    company.get_by_role("button", name="Save the repayment").click()
    expect(company.locator(".flash-success")).to_contain_text(
        "Repayment recorded: 420,000.00 NPR of 420,000.00 NPR; 12 of 12 workers")
    expect(company.locator("#totals")).to_contain_text("420,000.00 NPR repaid")
    shot(company, "audit-fee-ledger")

    # Now the auditor verifies it.
    page.goto(finding_url)
    expect(page.locator("#fee-check")).to_contain_text(
        "All 12 affected workers have been repaid in full")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".flash-success")).to_have_text("The corrective action is verified.")
    expect(page.locator("#actions .a-state").first).to_have_text("Verified")
    expect(page.locator(".a-status-line")).to_contain_text("Closed")
    shot(page, "audit-action-verified")
