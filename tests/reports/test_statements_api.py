"""Statements through the API: drafting from the evidence, editing, the completeness check,
filing (frozen, hashed, 409 afterwards), amendments, and the PDF read back."""

from __future__ import annotations

import hashlib
import re

import pypdfium2
import pytest
from sqlalchemy import select

from app.activity.models import ActivityEntry
from reports.models import Evidence, Statement
from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier

PERIOD = {"period_start": "2025-01-01", "period_end": "2025-12-31"}
APPROVAL = {"approved_by": "The Board of Directors", "approval_date": "2026-05-14",
            "signatory": "Jane Example", "signatory_role": "Director"}


@pytest.fixture
def api(client, db):
    org = make_org(db, "buyer", name="Lakeside Outfitters plc")
    user = make_user(db, org, "compliance")
    make_supplier(db, org, name="Hoa Binh Garments", country="VN")
    db.commit()
    return client, token_for(client, user.email), org


def pdf_text(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def draft(client, headers, framework="uk_msa", **extra):
    response = client.post("/api/v1/statements", headers=headers,
                           json={"framework": framework, **PERIOD, **extra})
    assert response.status_code == 201, response.text
    return response.json


def complete(client, headers, statement):
    """Every section given real text, and the approval: nothing left missing."""
    texts = {s["key"]: f"{s['title']}: what we did in 2025, described in enough words to "
                       "tell a reader something real about it."
             for s in statement["sections_detail"]}
    response = client.patch(f"/api/v1/statements/{statement['id']}", headers=headers,
                            json={"sections": texts, **APPROVAL})
    assert response.status_code == 200, response.text
    return response.json


def test_a_uk_statement_drafts_six_sections_from_the_evidence(api):
    client, headers, _org = api
    s = draft(client, headers)
    assert s["status"] == "draft" and s["jurisdiction"] == "UK"
    assert len(s["sections"]) == 6 and len(s["sections_detail"]) == 6
    assert all(text.strip() for text in s["sections"].values())
    refs = [d["reference"] for d in s["sections_detail"]]
    assert all("54" in r for r in refs)
    # figures beside the sections, each pointing at the records behind it
    figures = [f for d in s["sections_detail"] for f in d["figures"]]
    assert figures and any(f["href"] for f in figures)
    supplier_fig = next(f for f in figures if f["key"] == "suppliers.total")
    assert supplier_fig["value"] == 1
    # a fresh draft is not complete: the approval at least is missing
    assert s["complete"] is False
    missing = {c["key"] for c in s["completeness"] if not c["covered"]}
    assert missing


def test_australian_and_canadian_drafts_have_their_criteria(api):
    client, headers, _org = api
    au = draft(client, headers, "au_msa")
    ca = draft(client, headers, "ca_s211")
    assert len(au["sections"]) == 7 and au["jurisdiction"] == "AU"
    assert len(ca["sections"]) == 7 and ca["jurisdiction"] == "CA"
    au_sections = [c for c in au["completeness"] if c["field"].startswith("sections.")]
    assert len(au_sections) == 7


def test_a_second_framework_reuses_the_evidence_not_the_text(api, db):
    client, headers, org = api
    uk = draft(client, headers, "uk_msa")
    au = draft(client, headers, "au_msa")
    assert uk["evidence"]["id"] == au["evidence"]["id"]
    assert db.scalar(select(Evidence.id).where(Evidence.org_id == org.id)) is not None
    assert len(db.scalars(select(Evidence).where(Evidence.org_id == org.id)).all()) == 1
    # drafted for each framework, not copied: the section keys differ
    assert set(uk["sections"]) != set(au["sections"])


def test_filing_freezes_hashes_and_refuses_edits(api, db):
    client, headers, org = api
    s = complete(client, headers, draft(client, headers))
    assert s["complete"] is True, [c for c in s["completeness"] if not c["covered"]]
    filed = client.post(f"/api/v1/statements/{s['id']}/file", headers=headers)
    assert filed.status_code == 200, filed.text
    body = filed.json
    assert body["status"] == "filed" and re.fullmatch(r"[0-9a-f]{64}", body["sha256"])
    pdf = client.get(f"/api/v1/statements/{s['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == body["sha256"]
    text = pdf_text(pdf.data)
    assert "Lakeside Outfitters plc" in text and "Jane Example" in text
    # frozen: edits and a second filing are 409
    again = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                         json={"title": "Changed after filing"})
    assert again.status_code == 409
    assert client.post(f"/api/v1/statements/{s['id']}/file", headers=headers).status_code == 409
    entry = db.scalar(select(ActivityEntry).where(ActivityEntry.org_id == org.id,
                                                  ActivityEntry.action == "statements.filed"))
    assert entry is not None and entry.details["sha256"] == body["sha256"]


def test_filing_an_incomplete_statement_names_what_is_missing(api):
    client, headers, _org = api
    s = draft(client, headers)
    response = client.post(f"/api/v1/statements/{s['id']}/file", headers=headers)
    assert response.status_code == 409
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert "approved_by" in fields or any(f.startswith("approv") for f in fields)
    assert client.get(f"/api/v1/statements/{s['id']}", headers=headers).json["status"] == "draft"


def test_an_amendment_supersedes_and_keeps_the_old_version_readable(api):
    client, headers, _org = api
    s = complete(client, headers, draft(client, headers))
    first = client.post(f"/api/v1/statements/{s['id']}/file", headers=headers).json
    amended = client.post(f"/api/v1/statements/{s['id']}/amend", headers=headers)
    assert amended.status_code == 201
    v2 = amended.json
    assert v2["version"] == 2 and v2["supersedes_id"] == s["id"] and v2["status"] == "draft"
    assert v2["sections"] == first["sections"]
    assert v2["approved_by"] == ""  # approval is given again
    # one amendment at a time
    assert client.post(f"/api/v1/statements/{s['id']}/amend", headers=headers).status_code == 409
    client.patch(f"/api/v1/statements/{v2['id']}", headers=headers, json=APPROVAL)
    filed2 = client.post(f"/api/v1/statements/{v2['id']}/file", headers=headers)
    assert filed2.status_code == 200, filed2.text
    old = client.get(f"/api/v1/statements/{s['id']}", headers=headers).json
    assert old["status"] == "superseded" and old["superseded_by_id"] == v2["id"]
    assert old["sha256"] == first["sha256"]
    pdf = client.get(f"/api/v1/statements/{s['id']}/pdf", headers=headers)
    assert hashlib.sha256(pdf.data).hexdigest() == first["sha256"]


def test_one_live_statement_per_framework_and_period(api):
    client, headers, _org = api
    draft(client, headers)
    again = client.post("/api/v1/statements", headers=headers,
                        json={"framework": "uk_msa", **PERIOD})
    assert again.status_code == 409


@pytest.mark.parametrize(("body", "field"), [
    ({"framework": "fr_vigilance", **PERIOD}, "framework"),
    ({"framework": "uk_msa", "period_start": "2025-12-31", "period_end": "2025-01-01"},
     "period_end"),
    ({"framework": "uk_msa", "period_start": "31/12/2025", "period_end": "2025-12-31"},
     "period_start"),
])
def test_bad_drafts_are_422_naming_the_field(api, body, field):
    client, headers, _org = api
    response = client.post("/api/v1/statements", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert field in str(response.json["error"]["details"])


def test_hostile_text_is_refused_or_kept_as_text(api):
    client, headers, _org = api
    s = draft(client, headers)
    key = next(iter(s["sections"]))
    nul = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                       json={"sections": {key: "bad\x00text"}})
    assert nul.status_code == 422
    huge = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                        json={"sections": {key: "x" * 20001}})
    assert huge.status_code == 422
    unknown = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                           json={"sections": {"no_such_section": "text"}})
    assert unknown.status_code == 422 and "no_such_section" in unknown.text
    hostile = ('<img src="http://127.0.0.1:1/x"> =SUM(1,2) <link rel="stylesheet" '
               'href="file:///etc/hostname"> 强迫劳动 जबरजस्ती श्रम')
    ok = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                      json={"sections": {key: hostile}})
    assert ok.status_code == 200 and ok.json["sections"][key] == hostile
    pdf = client.get(f"/api/v1/statements/{s['id']}/pdf", headers=headers)
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert '<img src="http://127.0.0.1:1/x">' in text and "强迫劳动" in text


def test_a_stale_edit_is_409(api):
    client, headers, _org = api
    s = draft(client, headers)
    first = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                         json={"title": "One", "lock_version": s["lock_version"]})
    assert first.status_code == 200
    stale = client.patch(f"/api/v1/statements/{s['id']}", headers=headers,
                         json={"title": "Two", "lock_version": s["lock_version"]})
    assert stale.status_code == 409


def test_another_tenants_statement_is_404(api, client, db):
    client, headers, _org = api
    s = draft(client, headers)
    other = make_user(db, make_org(db, "buyer"), "admin")
    db.commit()
    theirs = token_for(client, other.email)
    for method, path in [("get", ""), ("patch", ""), ("post", "/file"), ("post", "/amend"),
                         ("get", "/pdf"), ("post", "/refresh")]:
        kwargs = {"json": {"title": "x"}} if method == "patch" else {}
        response = getattr(client, method)(f"/api/v1/statements/{s['id']}{path}",
                                           headers=theirs, **kwargs)
        assert response.status_code == 404, (method, path, response.status_code)
    listed = client.get("/api/v1/statements", headers=theirs).json
    assert listed["total"] == 0


def test_the_draft_pdf_is_marked_as_a_draft_and_not_hashed(api, db):
    client, headers, _org = api
    s = draft(client, headers)
    pdf = client.get(f"/api/v1/statements/{s['id']}/pdf", headers=headers)
    assert pdf.status_code == 200
    assert "DRAFT" in pdf_text(pdf.data).upper()
    assert db.get(Statement, s["id"]).sha256 is None
