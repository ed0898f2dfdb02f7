"""Public verification of a filed statement's PDF, by hash or by upload, and the statement PDF
itself read back with pypdfium2."""

from __future__ import annotations

import hashlib
import io
import time

import pypdfium2 as pdfium
import pytest

from reports import files
from tests.factories import make_org
from tests.reports.factories import make_statement, render_statement, statement_content


@pytest.fixture
def filed(db):
    statement = make_statement(db, make_org(db, "buyer", name="Harbour Retail Group plc"))
    db.commit()
    return statement


def _pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in doc:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        doc.close()


def test_verify_by_hash_api(client, filed):
    response = client.get("/api/v1/statements/verify", query_string={"sha256": filed.sha256})
    assert response.status_code == 200
    assert response.json == {
        "sha256": filed.sha256, "company": "Harbour Retail Group plc", "framework": "uk_msa",
        "framework_name": filed.content["framework_name"], "jurisdiction": "UK",
        "period_start": "2024-04-01", "period_end": "2025-03-31", "version": 1,
        "filed_at": filed.filed_at.isoformat(), "superseded": False}
    upper = client.get("/api/v1/statements/verify", query_string={"sha256": filed.sha256.upper()})
    assert upper.status_code == 200
    unknown = client.get("/api/v1/statements/verify", query_string={"sha256": "0" * 64})
    assert unknown.status_code == 404
    bad = client.get("/api/v1/statements/verify", query_string={"sha256": "<script>"})
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["field"] == "sha256"
    assert client.get("/api/v1/statements/verify").status_code == 422


def test_a_superseded_statement_says_so(client, db):
    owner = make_org(db, "buyer")
    amended = make_statement(db, owner)
    newer = make_statement(db, owner, supersedes=amended)
    assert make_statement(db, owner, status="draft").sha256 is None  # drafts have no hash
    db.commit()
    old = client.get("/api/v1/statements/verify", query_string={"sha256": amended.sha256})
    assert old.json["superseded"] is True and old.json["version"] == 1
    current = client.get("/api/v1/statements/verify", query_string={"sha256": newer.sha256})
    assert current.json["superseded"] is False and current.json["version"] == 2


def test_verify_page_by_upload_and_by_hash(app, client, filed):
    page = client.get("/verify")
    assert page.status_code == 200 and "Upload the PDF" in page.text
    from tests.conftest import csrf_from

    token = csrf_from(page.text)
    with app.app_context():
        pdf = files.read(filed.storage_key)
    answer = client.post("/verify", data={"csrf_token": token,
                                          "file": (io.BytesIO(pdf), "statement.pdf")},
                         content_type="multipart/form-data")
    assert answer.status_code == 200
    assert "This is a filed statement" in answer.text and "Harbour Retail Group plc" in answer.text
    assert "31 March 2025" in answer.text and filed.sha256 in answer.text
    # one byte changed: no longer the filed statement
    changed = client.post("/verify", data={"csrf_token": token, "file": (
        io.BytesIO(pdf[:-10] + b"%%EOF\n    "), "statement.pdf")},
        content_type="multipart/form-data")
    assert "No filed statement matches" in changed.text
    by_hash = client.get("/verify", query_string={"sha256": filed.sha256})
    assert "This is a filed statement" in by_hash.text
    assert "Amelia Hart" not in by_hash.text  # nothing beyond what the registry publishes


def test_verify_upload_refuses_non_pdfs_and_large_files(client, filed):
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/verify").text)
    png = client.post("/verify", data={"csrf_token": token,
                                       "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n"), "x.pdf")},
                      content_type="multipart/form-data")
    assert png.status_code == 415 and "not a PDF" in png.text
    # the multipart body built here: werkzeug's builder spools a big one to a file it leaves open
    big = (b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
           + token.encode() + b"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; "
           b"filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
           + b"0" * (10 * 1024 * 1024) + b"\r\n--b--\r\n")
    large = client.post("/verify", data=big, content_type="multipart/form-data; boundary=b")
    assert large.status_code == 413
    empty = client.post("/verify", data={"csrf_token": token})
    assert empty.status_code == 422
    bad = client.get("/verify", query_string={"sha256": "zz"})
    assert bad.status_code == 422 and "64 characters" in bad.text
    no_csrf = client.post("/verify", data={"file": (io.BytesIO(b"%PDF-1.7"), "a.pdf")},
                          content_type="multipart/form-data")
    assert no_csrf.status_code == 400


def test_verification_is_rate_limited(app, client, monkeypatch, filed):
    from app.security import limiter

    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        statuses = [client.get("/api/v1/statements/verify",
                               query_string={"sha256": filed.sha256}).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        pages = [client.get("/verify").status_code for _ in range(4)]
        assert pages == [200, 200, 200, 429]
    finally:
        limiter.reset()


def test_the_statement_pdf_shows_company_framework_sections_and_approval(app, db):
    content = statement_content({"id": 1, "name": "Harbour Retail Group plc"}, "uk_msa")
    with app.app_context():
        data = render_statement(content)
    text = _pdf_text(data)
    assert "Harbour Retail Group plc" in text
    assert "MODERN SLAVERY ACT 2015" in text.upper()
    assert "Reporting period 1 April 2024 to 31 March 2025" in text and "Version 1" in text
    for section in content["sections"]:
        assert section["title"] in text and section["reference"] in text
    assert "1,284" in text and "Debt bondage".lower() in text.lower()
    assert "Approved by" in text and "Board of directors" in text and "Amelia Hart" in text
    assert "12 June 2025" in text and "Page 1 of" in text
    assert "SHA-256" not in text  # the hash is of the PDF: it is published, not printed


@pytest.mark.parametrize("framework,areas", [("au_msa", 7), ("ca_s211", 7)])
def test_au_and_ca_pdfs(app, framework, areas):
    content = statement_content({"id": 2, "name": "Southern Cross Foods"}, framework)
    with app.app_context():
        text = _pdf_text(render_statement(content))
    assert len(content["sections"]) == areas
    assert all(s["reference"] in text for s in content["sections"])


def test_hostile_text_in_the_pdf_stays_text(app, tmp_path):
    marker = tmp_path / "secret.txt"
    marker.write_text("TOP-SECRET-CONTENT")
    sections = {"structure": f'<img src="file://{marker}"><link rel=attachment href="'
                             f'file://{marker}">\n\n=HYPERLINK("http://127.0.0.1:9/")\x00'
                             "\n\nनेपालमा भर्ती शुल्क। 中国供应商。",
                "policies": "x" * 200_000}  # one word: minutes to wrap without breaks
    content = statement_content({"id": 3, "name": "<b>Bold</b> & Co"}, "uk_msa",
                                sections=sections)
    started = time.perf_counter()
    with app.app_context():
        data = render_statement(content)
    assert time.perf_counter() - started < 60
    text = _pdf_text(data)
    assert "TOP-SECRET-CONTENT" not in text and b"TOP-SECRET-CONTENT" not in data
    assert '<img src="file://' in text and "<b>Bold</b> & Co" in text
    assert "=HYPERLINK" in text and "नेपालमा" in text and "中国供应商" in text
    assert hashlib.sha256(data).hexdigest()
