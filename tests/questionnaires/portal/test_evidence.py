"""Evidence files: checked by content, stored outside the web root, the file question's answer
kept in step, downloadable only by the supplier (link or login) and, once submitted, the buyer."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from app.errors import Conflict, PayloadTooLarge, UnsupportedMedia, ValidationFailed
from questionnaires.models import Assignment, Evidence
from questionnaires.services import evidence as ev
from tests.conftest import csrf_from, login
from tests.factories import make_org, make_user
from tests.questionnaires.factories import make_assignment, make_supplier_org
from tests.questionnaires.portal.helpers import PDF, PNG, multipart, office_file, zip_bomb

CODE = "recruitment_agreement_file"  # shown when the supplier uses agencies
SHOWN = {"uses_recruitment_agencies": True}


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def draft(db, buyer):
    a, token = make_assignment(db, buyer, status="in_progress", answers=dict(SHOWN))
    db.commit()
    return a, token


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (PDF, "licence.pdf", "application/pdf"),
    (PNG, "poster.png", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 20, "photo.JPG", "image/jpeg"),
    (b"GIF89a" + b"\0" * 10, "a.gif", "image/gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a.webp", "image/webp"),
    (office_file("docx"), "agreement.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (office_file("xlsx"), "fees.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"worker,fee\nA,0\n", "fees.csv", "text/csv; charset=utf-8"),
    ("Política de contratación".encode(), "policy.txt", "text/plain; charset=utf-8"),
])
def test_accepted_files_are_stored_by_content(app, db, draft, evidence_folder, data, name,
                                              content_type):
    a, _ = draft
    with app.test_request_context():
        found = ev.add_evidence(db, a, CODE, _upload(data, name), actor=None)
        db.commit()
        path = ev.stored_path(found)
    assert found.content_type == content_type and found.size == len(data)
    assert found.sha256 == hashlib.sha256(data).hexdigest()
    assert path.read_bytes() == data and Path(evidence_folder) in path.parents
    assert name not in str(path)  # stored under a random key, never the supplier's name
    assert a.answers[CODE] == [found.id]


def test_removing_keeps_the_answer_in_step_and_deletes_the_file(app, db, draft):
    a, _ = draft
    with app.test_request_context():
        first = ev.add_evidence(db, a, CODE, _upload(PDF, "a.pdf"), actor=None)
        second = ev.add_evidence(db, a, CODE, _upload(PNG, "b.png"), actor=None)
        db.commit()
        assert a.answers[CODE] == [first.id, second.id]
        path = ev.stored_path(first)
        ev.remove_evidence(db, a, first.id, actor=None)
        assert path.exists()  # until the removal commits
        db.commit()
        assert not path.exists() and a.answers[CODE] == [second.id]
        ev.remove_evidence(db, a, second.id, actor=None)
        db.commit()
    assert CODE not in a.answers


def test_a_rolled_back_upload_leaves_no_file(app, db, draft, evidence_folder):
    a, _ = draft
    with app.test_request_context():
        found = ev.add_evidence(db, a, CODE, _upload(PDF, "a.pdf"), actor=None)
        path = ev.stored_path(found)
        assert path.exists()
        db.rollback()
    assert not path.exists()


@pytest.mark.parametrize(("data", "name", "error", "words"), [
    (b"<!doctype html><script>alert(1)</script>", "licence.pdf", UnsupportedMedia, "content"),
    (b"<html><body>hi</body></html>", "notes.txt", UnsupportedMedia, "Web pages"),
    (b"<svg onload=alert(1)>", "notes.txt", UnsupportedMedia, "Web pages"),
    (PNG, "licence.pdf", UnsupportedMedia, "PNG image"),
    (PDF, "licence.exe", UnsupportedMedia, "PDF document"),
    (b"MZ\x90\x00" + b"\0" * 60, "tool.exe", UnsupportedMedia, "not of a type"),
    (b"text\x00with NUL", "notes.txt", UnsupportedMedia, "not a document"),
    (zip_bomb(), "agreement.docx", ValidationFailed, "zip bombs"),
    (office_file("docx").replace(b"word/document.xml", b"ppt/slides/s1.xml"), "deck.docx",
     UnsupportedMedia, "not a Word or Excel"),
    (b"", "empty.pdf", ValidationFailed, "empty"),
])
def test_hostile_files_are_refused_and_nothing_is_kept(app, db, draft, evidence_folder, data,
                                                       name, error, words):
    a, _ = draft
    with app.test_request_context(), pytest.raises(error) as refused:
        ev.add_evidence(db, a, CODE, _upload(data, name), actor=None)
    assert words in refused.value.message
    assert not [p for p in Path(evidence_folder).rglob("*") if p.is_file()]
    assert CODE not in (a.answers or {})


def test_names_are_cleaned_of_paths_nul_and_quotes(app, db, draft):
    a, _ = draft
    with app.test_request_context():
        found = ev.add_evidence(db, a, CODE, _upload(PDF, '../../etc/pa"ss\x00wd\r\n.pdf'),
                                actor=None)
    assert found.filename == "pa_ss wd.pdf"
    assert ev.clean_filename("\x00") == "evidence" and ev.clean_filename("a" * 300 + ".pdf") \
        == "a" * 116 + ".pdf"


def test_limits_size_count_question_and_state(app, db, buyer, draft, monkeypatch):
    a, _ = draft
    with app.test_request_context():
        with pytest.raises(PayloadTooLarge):
            ev.add_evidence(db, a, CODE, _upload(PDF + b"\0" * ev.MAX_BYTES, "big.pdf"),
                            actor=None)
        with pytest.raises(ValidationFailed, match="not a file"):
            ev.add_evidence(db, a, "workers_paid_fees", _upload(PDF, "a.pdf"), actor=None)
        monkeypatch.setattr(ev, "MAX_FILES", 2)
        for n in range(2):
            ev.add_evidence(db, a, CODE, _upload(PDF, f"{n}.pdf"), actor=None)
        with pytest.raises(ValidationFailed, match="at most 2 files"):
            ev.add_evidence(db, a, CODE, _upload(PDF, "3.pdf"), actor=None)
        done, _ = make_assignment(db, buyer, status="submitted", answers=dict(SHOWN))
        with pytest.raises(Conflict):
            ev.add_evidence(db, done, CODE, _upload(PDF, "late.pdf"), actor=None)


def _stored(app, db, a, data=PDF, name="licence.pdf") -> Evidence:
    with app.test_request_context():
        found = ev.add_evidence(db, a, CODE, _upload(data, name), actor=None)
        db.commit()
    return found


def test_the_supplier_downloads_by_link_as_an_attachment(app, client, db, draft):
    a, token = draft
    found = _stored(app, db, a, b"Fees,0\n", "fees list.csv")
    response = client.get(f"/portal/{token}/evidence/{found.id}")
    assert response.status_code == 200 and response.data == b"Fees,0\n"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "fees list.csv" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    _other, other_token = make_assignment(db, a.organization, answers=dict(SHOWN))
    db.commit()
    assert client.get(f"/portal/{other_token}/evidence/{found.id}").status_code == 404


def test_uploading_and_removing_through_the_page(client, db, draft):
    a, token = draft
    page = client.get(f"/portal/{token}?section=recruitment_channels")
    assert 'name="file-recruitment_agreement_file"' in page.text
    response = client.post(f"/portal/{token}?section=recruitment_channels", data={
        "csrf_token": csrf_from(page.text), "section": "recruitment_channels",
        "action": "save", "_q": ["uses_recruitment_agencies"],
        "uses_recruitment_agencies": "yes",
        f"file-{CODE}": [(io.BytesIO(PDF), "licence.pdf"), (io.BytesIO(b"<html>"), "x.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#q-{CODE}")
    shown = client.get(response.headers["Location"])
    assert "File attached: licence.pdf" in shown.text
    assert "The file x.pdf was not attached" in shown.text
    db.expire_all()
    a = db.get(Assignment, a.id)
    (kept,) = db.query(Evidence).filter_by(assignment_id=a.id).all()
    assert a.answers[CODE] == [kept.id]
    assert f"/portal/{token}/evidence/{kept.id}" in shown.text
    removed = client.post(f"/portal/{token}?section=recruitment_channels", data={
        "csrf_token": csrf_from(shown.text), "section": "recruitment_channels",
        "_q": ["uses_recruitment_agencies"], "uses_recruitment_agencies": "yes",
        "remove": str(kept.id)})
    assert removed.status_code == 303
    db.expire_all()
    assert CODE not in db.get(Assignment, a.id).answers


def test_the_api_takes_a_file_and_answers_413_415_409(client, db, buyer, draft):
    _a, token = draft
    url = f"/api/v1/portal/{token}/evidence/{CODE}"
    good = client.post(url, data={"file": (io.BytesIO(PDF), "licence.pdf")})
    assert good.status_code == 201, good.text
    assert good.json["content_type"] == "application/pdf" and good.json["question"] == CODE
    huge = client.post(url, **multipart(file=(b"%PDF-" + b"\0" * ev.MAX_BYTES, "b.pdf")))
    assert huge.status_code == 413
    html = client.post(url, data={"file": (io.BytesIO(b"<html>"), "d.pdf")})
    assert html.status_code == 415 and html.json["error"]["details"][0]["field"] == "file"
    assert client.post(f"/api/v1/portal/{token}/evidence/nope",
                       data={"file": (io.BytesIO(PDF), "a.pdf")}).status_code == 404
    _done, done_token = make_assignment(db, buyer, status="submitted", answers=dict(SHOWN))
    db.commit()
    assert client.post(f"/api/v1/portal/{done_token}/evidence/{CODE}",
                       data={"file": (io.BytesIO(PDF), "a.pdf")}).status_code == 409


def test_the_buyer_downloads_only_submitted_evidence_of_its_own(app, client, db, buyer, draft):
    a, _ = draft
    found = _stored(app, db, a)
    compliance = make_user(db, buyer, "compliance")
    other_buyer_user = make_user(db, make_org(db, "buyer"), "compliance")
    db.commit()
    login(client, compliance.email)
    url = f"/questionnaires/evidence/{found.id}"
    assert client.get(url).status_code == 404  # a draft's file: not yet the buyer's to see
    a.status, a.submitted_answers = "submitted", dict(a.answers)
    db.commit()
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    response.close()
    stranger = app.test_client()
    login(stranger, other_buyer_user.email)
    assert stranger.get(url).status_code == 404


def test_the_supplier_user_downloads_through_the_login(app, client, db, buyer):
    org, user = make_supplier_org(db)
    a, _ = make_assignment(db, buyer, status="in_progress", linked_org=org,
                           answers=dict(SHOWN))
    db.commit()
    found = _stored(app, db, a)
    login(client, user.email)
    url = f"/supplier/questionnaires/{a.id}/evidence/{found.id}"
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    response.close()
    other, _ = make_assignment(db, buyer, linked_org=org)
    db.commit()
    assert client.get(f"/supplier/questionnaires/{other.id}/evidence/{found.id}"
                      ).status_code == 404
