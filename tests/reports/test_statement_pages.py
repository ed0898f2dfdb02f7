"""The statement pages: drafting from the list, the editor with its completeness check,
saving, filing and amending, and the refusals (never a 500)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from reports.models import Statement
from tests.conftest import csrf_from, login
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier


@pytest.fixture
def page(client, db):
    org = make_org(db, "buyer", name="Fjord Footwear AS")
    user = make_user(db, org, "compliance")
    make_supplier(db, org, name="Tiruppur Knits", country="IN")
    db.commit()
    assert login(client, user.email).status_code == 302
    return client, org


def _draft(client, framework="uk_msa"):
    token = csrf_from(client.get("/statements").text)
    response = client.post("/statements", data={
        "csrf_token": token, "framework": framework, "period_start": "2025-01-01",
        "period_end": "2025-12-31"})
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def _form(html: str) -> dict[str, str]:
    """The editor's fields as the browser would send them."""
    data = {"csrf_token": csrf_from(html)}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html,
                                 re.S):
        data[name] = text
    return data


def test_draft_edit_and_file_from_the_pages(page, db):
    client, org = page
    location = _draft(client)
    editor = client.get(location)
    assert editor.status_code == 200
    html = editor.text
    assert html.count('class="card st-section"') == 6
    assert "criteria covered" in html and "missing" in html
    data = _form(html)
    for key in [k for k in data if k.startswith("section-")]:
        data[key] = re.sub(r"\[To complete:[^\]]*\]", "Our policy and practice, described in "
                           "full for the reader of this statement.", data[key])
        if len(data[key]) < 60:
            data[key] += " Described at length for the reader of this statement."
    data.update({"approved_by": "Board of Directors", "approval_date": "2026-04-30",
                 "signatory": "Ingrid Dahl", "signatory_role": "Director"})
    saved = client.post(location, data=data)
    assert saved.status_code == 303, saved.text
    after = client.get(location).text
    assert "Every criterion is covered" in after or "6 of 6" in after or "7 of 7" in after
    assert "File the statement" in after
    filed = client.post(location + "/file", data={"csrf_token": csrf_from(after)})
    assert filed.status_code == 303
    page_after = client.get(location).text
    statement = db.scalar(select(Statement).where(Statement.org_id == org.id))
    db.refresh(statement)
    assert statement.status == "filed" and statement.sha256 in page_after
    assert "<textarea" not in page_after  # read-only once filed
    # a stale form posted after filing is refused, not a 500
    again = client.post(location, data=data)
    assert again.status_code == 409


def test_an_incomplete_statement_cannot_be_filed_from_the_page(page, db):
    client, org = page
    location = _draft(client)
    html = client.get(location).text
    response = client.post(location + "/file", data={"csrf_token": csrf_from(html)},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "criteria are not covered yet" in response.text
    statement = db.scalar(select(Statement).where(Statement.org_id == org.id))
    assert statement.status == "draft"


def test_a_bad_period_is_422_on_the_form(page):
    client, _org = page
    token = csrf_from(client.get("/statements").text)
    response = client.post("/statements", data={
        "csrf_token": token, "framework": "uk_msa", "period_start": "2025-12-31",
        "period_end": "2025-01-01"})
    assert response.status_code == 422
    assert "ends before it starts" in response.text


def test_a_nul_byte_in_a_section_is_422_naming_it(page):
    client, _org = page
    location = _draft(client)
    data = _form(client.get(location).text)
    key = next(k for k in data if k.startswith("section-"))
    data[key] = "text\x00more"
    response = client.post(location, data=data)
    assert response.status_code == 422
    assert "NUL" in response.text


def test_the_evidence_is_shared_and_shown(page):
    client, _org = page
    uk = _draft(client, "uk_msa")
    au = _draft(client, "au_msa")
    html = client.get(au).text
    assert "shared with" in html and "UK_MSA" in html
    assert client.get(uk).status_code == 200


def test_discarding_a_draft(page, db):
    client, org = page
    location = _draft(client)
    html = client.get(location).text
    response = client.post(location + "/discard", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 303
    assert db.scalar(select(Statement).where(Statement.org_id == org.id)) is None
    assert client.get(location).status_code == 404
