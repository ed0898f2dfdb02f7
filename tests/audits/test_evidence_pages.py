"""The evidence partial (`evidence_block`) and its HTML endpoints: upload, download, remove."""

from __future__ import annotations

import io

import pytest
from flask import render_template_string
from flask_login import login_user

from audits.models import AuditEvidence
from tests.audits.factories import make_action, make_audit, make_auditor, make_finding
from tests.conftest import form_token, login
from tests.factories import make_org, make_user

PDF = b"%PDF-1.7\n% interview notes\n%%EOF\n"


@pytest.fixture(autouse=True)
def folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_FOLDER", str(tmp_path / "evidence"))


@pytest.fixture
def audit(db, buyer):
    supplier_org = make_org(db, "supplier")
    audit = make_audit(db, buyer, auditor=make_auditor(db), linked_org=supplier_org,
                       status="in_progress")
    audit.person = make_user(db, supplier_org, "supplier")
    db.commit()
    return audit


def _block(app, user, kind, obj, path="/audits/1") -> str:
    with app.test_request_context(path):
        login_user(user)
        return render_template_string("{{ evidence_block(kind, obj) }}", kind=kind, obj=obj)


def _upload(client, path, data, name, next_url="/audits/7?tab=findings"):
    return client.post(path, data={"csrf_token": form_token(client, "/"), "next": next_url,
                                   "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_block_lists_files_and_offers_what_the_user_may_do(app, client, db, audit,
                                                                compliance_user):
    finding = make_finding(db, audit)
    db.commit()
    html = _block(app, compliance_user, "finding", finding)
    assert "No files yet." in html and 'enctype="multipart/form-data"' in html
    assert 'name="csrf_token"' in html and f"/audits/findings/{finding.id}/evidence" in html
    login(client, compliance_user.email)
    done = _upload(client, f"/audits/findings/{finding.id}/evidence", PDF, "notes.pdf")
    assert done.status_code == 303 and done.headers["Location"] == "/audits/7?tab=findings"
    (kept,) = db.query(AuditEvidence).all()
    html = _block(app, compliance_user, "finding", finding)
    assert "notes.pdf" in html and f"/audits/evidence/{kept.id}" in html
    assert f"/audits/evidence/{kept.id}/delete" in html and "bytes" in html
    audit.status = "submitted"
    db.commit()
    # The supplier reads the finding's files: a download link, no upload, no remove.
    seen = _block(app, audit.person, "finding", finding)
    assert f"/audits/evidence/{kept.id}" in seen and "/delete" not in seen
    assert 'type="file"' not in seen
    with pytest.raises(ValueError):
        _block(app, compliance_user, "audit", finding)


def test_uploads_downloads_and_removals_through_the_pages(app, client, db, audit):
    action = make_action(db, make_finding(db, audit))
    audit.status = "submitted"
    db.commit()
    login(client, audit.person.email)
    refused = _upload(client, f"/audits/actions/{action.id}/evidence", b"<html>", "x.pdf",
                      next_url="/")
    assert refused.status_code == 303 and refused.headers["Location"] == "/"
    assert "The file was not attached: The file&#39;s content is not" in client.get("/").text
    assert db.query(AuditEvidence).count() == 0
    # An outside address for `next` is never followed.
    done = _upload(client, f"/audits/actions/{action.id}/evidence", PDF, "receipt.pdf",
                   next_url="//evil.example/")
    assert done.status_code == 303 and "evil" not in done.headers["Location"]
    (kept,) = db.query(AuditEvidence).all()
    got = client.get(f"/audits/evidence/{kept.id}")
    assert got.data == PDF and got.headers["Content-Disposition"].startswith("attachment;")
    gone = client.post(f"/audits/evidence/{kept.id}/delete",
                       data={"csrf_token": form_token(client, "/"), "next": "/"})
    assert gone.status_code == 303
    db.expire_all()
    assert db.query(AuditEvidence).count() == 0
    stranger = app.test_client()
    login(stranger, make_user(db, make_org(db, "supplier"), "supplier").email)
    db.commit()
    assert stranger.post(f"/audits/actions/{action.id}/evidence",
                         data={"csrf_token": form_token(stranger, "/")}).status_code == 404


def test_a_page_form_without_csrf_is_refused(client, db, audit, compliance_user):
    finding = make_finding(db, audit)
    db.commit()
    login(client, compliance_user.email)
    response = client.post(f"/audits/findings/{finding.id}/evidence",
                           data={"file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and db.query(AuditEvidence).count() == 0
