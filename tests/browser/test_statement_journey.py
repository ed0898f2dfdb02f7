"""A UK statement from draft to the regulator (issue 11, the browser journey): a compliance user
drafts a Modern Slavery Act statement from the evidence, reads which criteria are missing,
writes the policies section and the approval, files it and downloads the PDF, whose SHA-256
is the one the page shows. The PDF's pages are rendered to PNG and kept as artefacts. A UK
regulator then finds the statement in the registry, reads which criteria it covers and
downloads the same PDF; an Australian regulator's registry does not list it."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pypdfium2

from tests.browser.support import committed, expect, shot, sign_in

ARTEFACTS = Path(os.environ.get("TIERLIGHT_ARTEFACTS")
                 or Path(__file__).resolve().parents[2] / "build" / "artefacts")
POLICY = ("Our Supplier Code of Conduct forbids forced, bonded and child labour and any "
          "recruitment fee charged to a worker; every tier-1 supplier signs it.")


def _scene(app) -> dict:
    from tests.factories import PASSWORD, make_org, make_user
    from tests.suppliers.factories import link, make_supplier

    with committed(app) as session:
        buyer = make_org(session, "buyer", name=f"Thames Knitwear plc {os.getpid()}")
        user = make_user(session, buyer, "compliance")
        mill = make_supplier(session, buyer, name="Coimbatore Spinning Mills", country="IN")
        factory = make_supplier(session, buyer, name="Dhaka Fashion Works", country="BD")
        agency = make_supplier(session, buyer, name="Kathmandu Manpower Services",
                               country="NP", kind="recruitment_agency")
        link(session, buyer, mill, factory, product="cotton yarn")
        link(session, buyer, factory, product="knitwear")
        link(session, buyer, agency, factory, kind="labour")
        uk = make_user(session, make_org(session, "regulator", jurisdiction="UK"), "regulator")
        au = make_user(session, make_org(session, "regulator", jurisdiction="AU"), "regulator")
        session.commit()
        return {"email": user.email, "company": buyer.name, "uk": uk.email, "au": au.email,
                "password": PASSWORD}


def _pdf_pages_to_png(data: bytes, name: str) -> list[Path]:
    """Each page at 100 dpi, kept under build/artefacts (or TIERLIGHT_ARTEFACTS)."""
    folder = ARTEFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    doc = pypdfium2.PdfDocument(data)
    paths = []
    try:
        for number, pdf_page in enumerate(doc, start=1):
            image = pdf_page.render(scale=100 / 72).to_pil()
            path = folder / f"page-{number}.png"
            image.save(path)
            colours = image.convert("L").getextrema()
            assert colours[0] < 100 < colours[1], f"page {number} looks blank"
            paths.append(path)
    finally:
        doc.close()
    return paths


def test_draft_fix_file_and_read_as_a_regulator(live_server, page, open_page):
    scene = _scene(live_server.app)
    # A link that answers with an attachment becomes a download: Chromium reports the
    # navigation it abandoned as ERR_ABORTED.
    page.watch.allow(r"/pdf: net::ERR_ABORTED")
    sign_in(page, scene["email"])

    # Draft from the menu.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statements").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("statements")
    page.get_by_label("Framework").select_option("uk_msa")
    page.get_by_label("Period from").fill("2025-04-01")
    page.get_by_label("Period to").fill("2026-03-31")
    page.get_by_role("button", name="Draft from the evidence").click()
    expect(page.locator(".st-section")).to_have_count(6)
    expect(page.locator(".flash-success")).to_contain_text("6 sections")

    # The figures come from the network; the check names what is missing.
    structure = page.locator("#sec-structure")
    expect(structure.locator(".st-figures")).to_contain_text("3")
    criteria = page.locator("ul.st-criteria li")
    expect(criteria).to_have_count(8)
    missing = page.locator("ul.st-criteria li.missing")
    expect(missing.filter(has_text="Policies")).to_have_count(1)
    expect(missing.filter(has_text="Approved by the board")).to_have_count(1)
    expect(page.get_by_role("button", name="File the statement")).to_have_count(0)
    shot(page, "statement-draft")

    # Fix the policies criterion (and the other sections' prompts), and give the approval.
    for key in ("structure", "policies", "training"):
        box = page.locator(f"#section-{key}")
        text = box.input_value()
        box.fill(re.sub(r"\[To complete:[^\]]*\]", POLICY if key == "policies" else
                        "Thames Knitwear plc designs and sells knitwear in the United "
                        "Kingdom; 42 buyers were trained on forced-labour indicators.", text))
    page.get_by_label("Approved by").fill("The Board of Directors")
    page.get_by_label("Approval date").fill("2026-05-20")
    page.get_by_label("Signed by").fill("Eleanor Hughes")
    page.get_by_label("Signatory's role").fill("Director")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator(".flash-success")).to_contain_text("Every criterion is covered")
    expect(page.locator("ul.st-criteria li.missing")).to_have_count(0)
    expect(page.locator(".st-side")).to_contain_text("8 of 8")

    # File it: read-only, hashed.
    page.get_by_role("button", name="File the statement").click()
    expect(page.locator(".flash-success")).to_contain_text("Filed")
    expect(page.locator("textarea")).to_have_count(0)
    digest = page.locator("code.st-hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the filed PDF").click()
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest
    pngs = _pdf_pages_to_png(data, "uk-statement")
    assert len(pngs) >= 2
    shot(page, "statement-filed")

    # A UK regulator finds it in the registry and reads what it covers.
    regulator = open_page()
    regulator.watch.allow(r"/pdf: net::ERR_ABORTED")
    sign_in(regulator, scene["uk"])
    regulator.get_by_role("navigation", name="Main").get_by_role("link",
                                                                 name="Registry").click()
    regulator.get_by_label("Company").fill("Thames Knitwear")
    regulator.get_by_role("button", name="Search").click()
    rows = regulator.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("8 of 8")
    rows.first.get_by_role("link", name=scene["company"]).click()
    expect(regulator.locator("body")).to_contain_text(POLICY)
    expect(regulator.locator("body")).to_contain_text(digest)
    with regulator.expect_download() as download:
        regulator.get_by_role("link", name=re.compile("PDF")).first.click()
    assert hashlib.sha256(Path(download.value.path()).read_bytes()).hexdigest() == digest
    shot(regulator, "registry-statement")

    # An Australian regulator's registry does not list it.
    australian = open_page()
    sign_in(australian, scene["au"])
    australian.goto("/registry?q=Thames+Knitwear")
    expect(australian.locator("#results tbody tr")).to_have_count(1)
    expect(australian.locator("#results")).to_contain_text("No filed statement matches")
