"""The report job (QUEUE_IMMEDIATE runs it at commit), its failure, and the reports page."""

from __future__ import annotations

from sqlalchemy import select

from app.jobs.models import Job
from reports import report_pdf
from reports.models import ReportFile
from reports.services import reports as services
from tests.conftest import form_token, login
from tests.reports.helpers import fetch, pdf_text


def _reports(db, org):
    db.expire_all()
    return db.scalars(select(ReportFile).where(ReportFile.org_id == org.id)
                      .order_by(ReportFile.id)).all()


def test_job_makes_the_report_with_progress_and_replaces_the_older(app, db, network, reporter):
    with app.app_context():
        _job_replaces(db, network, reporter)


def _job_replaces(db, network, reporter):
    first = services.request_report(db, org=network.org, actor=reporter, fmt="pdf",
                                    period_start=network.start, period_end=network.end)
    first_id = first.id
    db.commit()
    second = services.request_report(db, org=network.org, actor=reporter, fmt="pdf",
                                     period_start=network.start, period_end=network.end)
    db.commit()
    rows = _reports(db, network.org)
    assert [r.id for r in rows] == [second.id]  # the first was replaced
    done = rows[0]
    assert done.status == "done" and done.rows == 4 and done.size > 1000
    assert done.filename.endswith(".pdf") and len(done.sha256) == 64
    job = db.get(Job, done.job_id)
    assert job.status == "done" and job.kind == "reports.due_diligence"
    assert job.stage == "done" and job.progress == 4 and job.total == 4
    assert job.result == {"report_id": second.id, "size": done.size, "rows": 4}
    assert db.get(ReportFile, first_id) is None


def test_a_failing_render_fails_the_report_with_the_reason(app, db, network, reporter,
                                                           monkeypatch):
    with app.app_context():
        _fails(db, network, reporter, monkeypatch)


def _fails(db, network, reporter, monkeypatch):
    def broken(facts, *, made_at):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(report_pdf, "render", broken)
    report = services.request_report(db, org=network.org, actor=reporter, fmt="pdf",
                                     period_start=network.start, period_end=network.end)
    db.commit()
    failed = db.get(ReportFile, report.id, populate_existing=True)
    assert failed.status == "failed" and "the renderer broke" in failed.error
    assert failed.storage_key is None


def test_the_reports_page_makes_follows_and_downloads(client, db, network, reporter):
    assert login(client, reporter.email).status_code == 302
    page = client.get("/reports")
    assert page.status_code == 200 and "Make a report" in page.text
    assert "No report yet" in page.text
    home = client.get("/")
    assert "Due-diligence reports" in home.text and 'href="/reports"' in home.text
    token = form_token(client, "/reports")
    response = client.post("/reports", data={
        "csrf_token": token, "period_start": network.start.isoformat(),
        "period_end": network.end.isoformat(), "format": "pdf"})
    assert response.status_code == 302
    page = client.get("/reports").text
    assert "Download" in page and "Kept reports" in page
    report = _reports(db, network.org)[0]
    download = fetch(client, f"/reports/{report.id}/download")
    assert download.status_code == 200
    assert network.org.name in pdf_text(download.data).replace("\n", " ")
    assert f"/reports/{report.id}/download" in client.get("/").text  # the card's latest


def test_the_page_refuses_a_backwards_period(client, db, network, reporter):
    login(client, reporter.email)
    response = client.post("/reports", data={
        "csrf_token": form_token(client, "/reports"), "period_start": "2026-06-01",
        "period_end": "2026-05-01", "format": "csv"})
    assert response.status_code == 200 and "ends before it starts" in response.text
    assert _reports(db, network.org) == []


def test_progress_box_while_a_report_is_being_made(client, db, network, reporter):
    job = Job(org_id=network.org.id, user_id=reporter.id, kind="reports.due_diligence",
              status="running", stage="writing", progress=2, total=4, payload={})
    db.add(job)
    db.flush()
    db.add(ReportFile(org_id=network.org.id, format="xlsx", period_start=network.start,
                      period_end=network.end, status="running", job_id=job.id,
                      created_by_id=reporter.id))
    db.commit()
    login(client, reporter.email)
    page = client.get("/reports").text
    assert f'data-job-progress="/api/v1/jobs/{job.id}"' in page
    assert "job-progress.js" in page and "Refresh" in page
    assert "Writing the file" in page
