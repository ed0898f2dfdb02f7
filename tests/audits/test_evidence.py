"""Evidence files of findings and corrective actions: checked by content in the shared store,
downloadable byte for byte, and only by the buyer, the assigned auditor and (on submitted
audits) the connected supplier; everything else 404."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.filestore import MAX_BYTES
from audits.models import AuditEvidence
from tests.audits.factories import make_action, make_audit, make_auditor, make_finding
from tests.audits.helpers import auth
from tests.factories import make_org, make_user
from tests.questionnaires.portal.helpers import multipart, office_file, zip_bomb

PDF = b"%PDF-1.7\n% Photo log of the HR safe, 12 passports\n%%EOF\n"


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    target = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_FOLDER", str(target))
    return target


@pytest.fixture
def setting(db, buyer, compliance_user):
    """A submitted audit of a connected supplier, its auditor, a colleague, a finding, an
    action, and the supplier organisation's person."""
    firm = make_org(db, "audit_firm")
    auditor, colleague = make_auditor(db, firm), make_auditor(db, firm)
    supplier_org = make_org(db, "supplier")
    person = make_user(db, supplier_org, "supplier")
    audit = make_audit(db, buyer, auditor=auditor, linked_org=supplier_org, status="in_progress")
    finding = make_finding(db, audit)
    action = make_action(db, finding)
    db.commit()
    return {"audit": audit, "finding": finding, "action": action, "auditor": auditor,
            "colleague": colleague, "supplier": person, "buyer": compliance_user}


def _post(client, headers, path, data: bytes, name: str):
    return client.post(path, headers=headers, **multipart(file=(data, name)))


def _stored(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_upload_list_download_and_delete_round_trip(client, db, setting, folder):
    headers = auth(client, setting["auditor"])
    fid = setting["finding"].id
    made = _post(client, headers, f"/api/v1/findings/{fid}/evidence", PDF, "safe photos.pdf")
    assert made.status_code == 201, made.text
    body = made.json
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf" and body["filename"] == "safe photos.pdf"
    (path,) = _stored(folder)
    assert "safe" not in path.name  # a random key, never the uploader's name
    listed = client.get(f"/api/v1/findings/{fid}/evidence", headers=headers).json
    assert [e["id"] for e in listed["items"]] == [body["id"]] and listed["total"] == 1
    got = client.get(body["url"], headers=headers)
    assert got.status_code == 200 and hashlib.sha256(got.data).hexdigest() == body["sha256"]
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert client.delete(body["url"], headers=headers).status_code == 204
    assert _stored(folder) == [] and db.get(AuditEvidence, body["id"]) is None
    logged = db.scalars(select(ActivityEntry.action).where(
        ActivityEntry.org_id == setting["audit"].org_id,
        ActivityEntry.action.like("finding.evidence_%"))).all()
    assert logged == ["finding.evidence_added", "finding.evidence_removed"]


@pytest.mark.parametrize(("data", "name", "status", "words"), [
    (b"<!doctype html><script>alert(1)</script>", "report.pdf", 415, "content"),
    (b"<html><body>fine</body></html>", "notes.txt", 415, "Web pages"),
    (zip_bomb("xl/worksheets/sheet1.xml").replace(b"word/", b"xl/w"), "wages.xlsx", 422,
     "zip bomb"),
    (b"payroll\x00\x00\x01", "payroll.txt", 415, "not a document"),
    (office_file("xlsx"), "wages.pdf", 415, "Excel workbook"),
    (b"", "empty.pdf", 422, "empty"),
])
def test_hostile_files_are_refused_and_nothing_is_kept(client, db, setting, folder, data, name,
                                                       status, words):
    headers = auth(client, setting["buyer"])
    response = _post(client, headers, f"/api/v1/actions/{setting['action'].id}/evidence",
                     data, name)
    assert response.status_code == status, response.text
    assert words in response.json["error"]["message"]
    assert response.json["error"]["details"][0]["field"] == "file"
    assert _stored(folder) == [] and db.scalar(select(AuditEvidence.id)) is None


def test_a_huge_file_is_413(client, setting, folder):
    headers = auth(client, setting["buyer"])
    response = _post(client, headers, f"/api/v1/findings/{setting['finding'].id}/evidence",
                     PDF + b"\0" * MAX_BYTES, "huge.pdf")
    assert response.status_code == 413 and _stored(folder) == []


def test_a_rolled_back_upload_leaves_no_file(app, db, setting, folder):
    from werkzeug.datastructures import FileStorage

    from audits.services.evidence import add_evidence

    with app.test_request_context():
        add_evidence(db, setting["finding"], FileStorage(io.BytesIO(PDF), "a.pdf"),
                     actor=setting["buyer"])
        assert len(_stored(folder)) == 1
        db.rollback()
    assert _stored(folder) == []


def test_who_reads_adds_and_removes(client, db, setting, folder):
    audit, finding, action = setting["audit"], setting["finding"], setting["action"]
    on_finding = f"/api/v1/findings/{finding.id}/evidence"
    on_action = f"/api/v1/actions/{action.id}/evidence"
    auditor, person = auth(client, setting["auditor"]), auth(client, setting["supplier"])
    photo = _post(client, auditor, on_finding, PDF, "photo.pdf").json
    # Before submission the supplier sees nothing of the audit.
    assert client.get(on_finding, headers=person).status_code == 404
    assert client.get(photo["url"], headers=person).status_code == 404
    audit.status = "submitted"
    db.commit()
    assert client.get(photo["url"], headers=person).data == PDF
    assert client.get(on_finding, headers=person).json["items"][0]["can_delete"] is False
    assert _post(client, person, on_finding, PDF, "x.pdf").status_code == 403
    assert client.delete(photo["url"], headers=person).status_code == 403
    proof = _post(client, person, on_action, b"worker,repaid\nA,yes\n", "receipts.csv")
    assert proof.status_code == 201 and proof.json["content_type"] == "text/csv; charset=utf-8"
    by_auditor = _post(client, auditor, on_action, PDF, "check.pdf").json
    assert client.delete(by_auditor["url"], headers=person).status_code == 403  # not theirs
    assert client.delete(proof.json["url"], headers=person).status_code == 204
    # The buyer may remove any file of its audit; the finding's are final once submitted.
    buyer = auth(client, setting["buyer"])
    assert client.delete(photo["url"], headers=buyer).status_code == 409
    assert client.delete(by_auditor["url"], headers=buyer).status_code == 204


def test_colleagues_strangers_and_other_suppliers_get_404(client, db, setting, folder):
    setting["audit"].status = "submitted"
    db.commit()
    action = setting["action"]
    made = _post(client, auth(client, setting["auditor"]),
                 f"/api/v1/actions/{action.id}/evidence", PDF, "check.pdf").json
    strangers = [setting["colleague"], make_user(db, make_org(db, "buyer"), "compliance"),
                 make_user(db, make_org(db, "supplier"), "supplier"),
                 make_auditor(db)]
    db.commit()
    for user in strangers:
        headers = auth(client, user)
        for method, path in (("get", made["url"]), ("delete", made["url"]),
                             ("get", f"/api/v1/actions/{action.id}/evidence"),
                             ("get", f"/api/v1/findings/{setting['finding'].id}/evidence")):
            assert client.open(path, method=method, headers=headers).status_code == 404, \
                (user.email, method, path)
        if user.organization.kind != "supplier":
            response = _post(client, headers, f"/api/v1/findings/{setting['finding'].id}"
                             "/evidence", PDF, "x.pdf")
            assert response.status_code == 404, user.email
    assert db.get(AuditEvidence, made["id"]) is not None


def test_final_states_are_409(client, db, setting, folder):
    buyer = auth(client, setting["buyer"])
    setting["action"].state = "verified"
    setting["audit"].status = "accepted"
    db.commit()
    for path in (f"/api/v1/actions/{setting['action'].id}/evidence",
                 f"/api/v1/findings/{setting['finding'].id}/evidence"):
        response = _post(client, buyer, path, PDF, "late.pdf")
        assert response.status_code == 409 and _stored(folder) == [], path
