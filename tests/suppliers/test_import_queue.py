"""The supplier import as a queued job (immediate mode): the record, the page, the outcome."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.db import utcnow
from app.jobs import runner
from app.jobs.models import Job
from suppliers import jobs
from suppliers.models import ImportJob, Supplier
from tests.conftest import form_token
from tests.suppliers.files import FACILITY_HEADER, FACILITY_ROWS, facility_list, write_xlsx
from tests.suppliers.test_import import post_file


@pytest.fixture
def in_app(app):
    with app.app_context():
        yield


def _kept(app, source: Path) -> Path:
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{uuid.uuid4().hex}.xlsx.job"
    shutil.copy(source, kept)
    return kept


def test_start_import_queues_a_job_records_activity_and_the_job_ends_done(
        app, db, in_app, compliance_user, tmp_path):
    kept = _kept(app, facility_list(tmp_path))
    imp = jobs.start_import(db, org_id=compliance_user.org_id, actor=compliance_user,
                            path=str(kept), filename="northwind-facilities.xlsx", dry_run=False)
    entry = db.scalar(select(ActivityEntry).where(
        ActivityEntry.org_id == compliance_user.org_id,
        ActivityEntry.action == "suppliers.import_queued"))
    assert entry.object_id == imp.id and entry.details["job_id"] == imp.job_id
    assert db.get(Job, imp.job_id).status == "queued"  # runs only once committed
    db.commit()
    db.expire_all()
    job = db.get(Job, imp.job_id)
    assert job.status == "done" and job.kind == "suppliers.import" and job.attempts == 1
    assert job.progress == job.total == 7 and job.stage == "done"
    assert job.result["created"] == 7 and job.result["import_id"] == imp.id
    assert db.get(ImportJob, imp.id).status == "done"
    assert not kept.exists()  # the upload goes once the job has succeeded


def test_a_failing_import_ends_the_job_failed_and_removes_the_upload(
        app, db, in_app, compliance_user, tmp_path):
    rows = [list(r) for r in FACILITY_ROWS]
    rows[0][7] = "-3"
    kept = _kept(app, write_xlsx(tmp_path / "bad.xlsx", FACILITY_HEADER, rows))
    imp = jobs.start_import(db, org_id=compliance_user.org_id, actor=compliance_user,
                            path=str(kept), filename="bad.xlsx", dry_run=False)
    db.commit()
    db.expire_all()
    job = db.get(Job, imp.job_id)
    assert job.status == "failed" and job.attempts == 1  # a wrong file is not retried
    assert "nothing was imported" in job.error
    failed = db.get(ImportJob, imp.id)
    assert failed.status == "failed" and failed.error_count == 1
    assert failed.errors[0]["column"] == "workers"
    assert not kept.exists()


def test_an_import_whose_workers_keep_dying_ends_failed_with_the_reason(
        app, db, in_app, compliance_user, tmp_path):
    kept = _kept(app, facility_list(tmp_path))
    job = Job(org_id=compliance_user.org_id, kind=jobs.KIND, status="running", attempts=3,
              worker="lost-host:77", heartbeat_at=utcnow() - timedelta(hours=1))
    db.add(job)
    db.flush()
    imp = ImportJob(org_id=compliance_user.org_id, user_id=compliance_user.id,
                    filename="big.xlsx", status="writing", job_id=job.id)
    db.add(imp)
    db.flush()
    job.payload = {"import_id": imp.id, "file": kept.name}
    db.commit()
    assert runner.recover_stale()["failed"] == [job.id]
    db.expire_all()
    failed = db.get(ImportJob, imp.id)
    assert failed.status == "failed" and "stopped 3 times" in failed.message
    assert db.get(Job, job.id).status == "failed" and not kept.exists()
    assert db.scalar(select(func.count(Supplier.id)).where(
        Supplier.org_id == compliance_user.org_id)) == 0


def test_the_page_of_a_running_import_polls_the_job_api_without_inline_script(
        logged_in, db, compliance_user):
    job = Job(org_id=compliance_user.org_id, kind=jobs.KIND, status="running", progress=120,
              total=400, stage="reading")
    db.add(job)
    db.flush()
    imp = ImportJob(org_id=compliance_user.org_id, user_id=compliance_user.id,
                    filename="big.xlsx", status="reading", rows_read=120, rows_total=400,
                    job_id=job.id, created_at=utcnow() - timedelta(hours=3))
    db.add(imp)
    db.commit()
    page = logged_in.get(f"/suppliers/imports/{imp.id}").text
    assert f'data-job-progress="/api/v1/jobs/{job.id}"' in page
    assert "Reading and checking rows" in page and "restarted" not in page  # not stalled
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert any("js/job-progress.js" in tag for tag in scripts)
    script = logged_in.get("/static/js/job-progress.js")
    assert script.status_code == 200
    script.close()
    answer = logged_in.get(f"/api/v1/jobs/{job.id}")  # the poller's call, with the cookie
    assert answer.status_code == 200 and answer.json["progress"] == 120


def test_the_upload_is_removed_when_queuing_the_import_fails(
        app, logged_in, db, compliance_user, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "start_import", broken)
    path = facility_list(tmp_path)
    token = form_token(logged_in, "/suppliers/import")
    with open(path, "rb") as f:
        response = post_file(logged_in, "/suppliers/import", f, path.name, csrf_token=token)
    assert response.status_code == 500
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob("*.job")) == []


def test_an_import_that_committed_before_its_worker_died_is_not_imported_twice(
        app, db, in_app, compliance_user, tmp_path):
    kept = _kept(app, facility_list(tmp_path))
    imp = jobs.start_import(db, org_id=compliance_user.org_id, actor=compliance_user,
                            path=str(kept), filename="northwind-facilities.xlsx", dry_run=False)
    db.commit()
    db.expire_all()
    job = db.get(Job, imp.job_id)
    # As if the worker died after the import's commit, before it marked the job done.
    job.status, job.worker, job.attempts = "running", "lost-host:1", 1
    job.heartbeat_at = utcnow() - timedelta(hours=1)
    shutil.copy(facility_list(tmp_path), kept)
    db.commit()
    assert runner.recover_stale()["requeued"] == [job.id]
    db.expire_all()
    again = db.get(Job, job.id)
    assert again.status == "done" and again.attempts == 2 and again.result["created"] == 7
    entries = db.scalar(select(func.count(ActivityEntry.id)).where(
        ActivityEntry.org_id == compliance_user.org_id,
        ActivityEntry.action == "suppliers.imported"))
    assert entries == 1 and not kept.exists()


def test_an_import_whose_job_failed_before_it_began_shows_the_reason(
        logged_in, db, compliance_user):
    job = Job(org_id=compliance_user.org_id, kind=jobs.KIND, status="failed",
              error="No handler for jobs of kind 'suppliers.import'.")
    db.add(job)
    db.flush()
    imp = ImportJob(org_id=compliance_user.org_id, user_id=compliance_user.id,
                    filename="list.xlsx", status="queued", job_id=job.id)
    db.add(imp)
    db.commit()
    page = logged_in.get(f"/suppliers/imports/{imp.id}").text
    assert "No handler for jobs" in page and "data-job-progress" not in page
    status = logged_in.get(f"/suppliers/imports/{imp.id}/status").json
    assert status["finished"] is True and status["job_id"] == job.id
