"""Jobs in immediate mode: the record, the API, retries, recovery of dead workers, daily tick.

The worker itself (kill, retry, two workers on Redis) is tested with real processes in
tests/app/test_jobs_worker.py and tests/suppliers/test_import_worker.py.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Organization
from app.db import utcnow
from app.errors import ValidationFailed
from app.jobs import runner
from app.jobs.models import Job
from app.jobs.services import submit_job
from app.queue import daily_tick, get_queue, make_huey, run_daily
from app.registry import registry
from tests.conftest import token_for
from tests.factories import make_org, make_user

seen: list[int] = []


@runner.handler("test.record")
def _record(ctx):
    seen.append(ctx.job_id)
    return {"seen": ctx.job_id}


@runner.handler("test.refuse")
def _refuse(ctx):
    raise ValidationFailed("The input is wrong; fix it and try again.")


failed_calls: list[tuple[int, str]] = []


@runner.handler("test.noted",
                on_failed=lambda ctx, message: failed_calls.append((ctx.job_id, message)))
def _noted(ctx):
    raise RuntimeError("never works")


import tests.job_kinds  # noqa: E402, F401 - test.flaky


@pytest.fixture
def in_app(app):
    with app.app_context():  # services queue on the current app's queue
        yield


def _job(db, job_id: int) -> Job:
    db.expire_all()
    return db.get(Job, job_id)


def test_job_api_answers_the_documented_fields_and_other_tenants_get_404(client, db):
    org, other = make_org(db), make_org(db)
    user, colleague = make_user(db, org), make_user(db, org)
    mine = Job(org_id=org.id, user_id=colleague.id, kind="suppliers.import", status="running",
               progress=40, total=100, stage="reading")
    theirs = Job(org_id=other.id, kind="suppliers.import", status="done", result={"x": 1})
    db.add_all([mine, theirs])
    db.commit()
    headers = token_for(client, user.email)
    answer = client.get(f"/api/v1/jobs/{mine.id}", headers=headers)
    assert answer.status_code == 200
    assert answer.json == {"id": mine.id, "kind": "suppliers.import", "status": "running",
                           "stage": "reading", "progress": 40, "total": 100, "result": None,
                           "error": None, "attempts": 0}
    refused = client.get(f"/api/v1/jobs/{theirs.id}", headers=headers)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/jobs/{theirs.id + 1000}", headers=headers).status_code == 404


def test_a_job_is_queued_when_its_transaction_commits_and_never_after_a_rollback(db, in_app):
    org = make_org(db)
    db.commit()
    seen.clear()
    submit_job(db, org_id=org.id, user_id=None, kind="test.record")
    assert seen == []  # not before the commit
    db.rollback()
    db.commit()  # a later commit must not send the rolled-back job
    assert seen == []
    kept = submit_job(db, org_id=org.id, user_id=None, kind="test.record")
    db.commit()
    assert seen == [kept.id]  # only the committed one, once
    done = _job(db, kept.id)
    assert done.status == "done" and done.result == {"seen": kept.id} and done.attempts == 1
    assert done.started_at and done.finished_at and done.worker


def test_unexpected_errors_are_retried_and_each_attempt_is_counted(db, in_app):
    org = make_org(db)
    recovers = submit_job(db, org_id=org.id, user_id=None, kind="test.flaky",
                          payload={"succeed_on": 2})
    never = submit_job(db, org_id=org.id, user_id=None, kind="test.flaky")
    db.commit()
    done = _job(db, recovers.id)
    assert done.status == "done" and done.attempts == 2 and done.result == {"attempt": 2}
    failed = _job(db, never.id)
    assert failed.status == "failed" and failed.attempts == 3  # JOB_MAX_ATTEMPTS
    assert "after 3 attempts" in failed.error and "RuntimeError" in failed.error


def test_an_app_error_fails_the_job_at_once_with_its_message(db, in_app):
    org = make_org(db)
    job = submit_job(db, org_id=org.id, user_id=None, kind="test.refuse")
    db.commit()
    failed = _job(db, job.id)
    assert failed.status == "failed" and failed.attempts == 1
    assert failed.error == "The input is wrong; fix it and try again."


def test_the_last_failure_calls_the_kinds_on_failed_once(db, in_app):
    org = make_org(db)
    failed_calls.clear()
    job = submit_job(db, org_id=org.id, user_id=None, kind="test.noted")
    db.commit()
    assert [job_id for job_id, _ in failed_calls] == [job.id]
    assert _job(db, job.id).status == "failed"


def test_an_unknown_kind_fails_with_a_reason(db, in_app):
    org = make_org(db)
    job = submit_job(db, org_id=org.id, user_id=None, kind="nobody.handles.this")
    db.commit()
    assert "No handler" in _job(db, job.id).error


def _dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()  # reaped: the pid belongs to no process now
    return finished.pid


def _running(db, org, *, worker: str, attempts: int = 1, beat_ago: float = 0,
             kind: str = "test.record") -> Job:
    job = Job(org_id=org.id, kind=kind, status="running", attempts=attempts, worker=worker,
              heartbeat_at=utcnow() - timedelta(seconds=beat_ago), started_at=utcnow())
    db.add(job)
    db.commit()
    return job


def test_a_job_whose_worker_died_on_this_machine_runs_again(app, db):
    org = make_org(db)
    job = _running(db, org, worker=f"{runner.socket.gethostname()}:{_dead_pid()}")
    with app.app_context():
        outcome = runner.recover_stale()
    assert outcome["requeued"] == [job.id]
    done = _job(db, job.id)
    assert done.status == "done" and done.attempts == 2


def test_a_job_without_heartbeat_from_another_machine_runs_again(app, db):
    org = make_org(db)
    job = _running(db, org, worker="other-host:123", beat_ago=3600)
    with app.app_context():
        assert runner.recover_stale()["requeued"] == [job.id]
    assert _job(db, job.id).status == "done"


def test_a_live_worker_is_left_alone(app, db):
    org = make_org(db)
    here = _running(db, org, worker=runner.worker_id())  # this process: alive
    there = _running(db, org, worker="other-host:123", beat_ago=10)  # recent heartbeat
    with app.app_context():
        assert runner.recover_stale() == {"requeued": [], "failed": []}
    assert _job(db, here.id).status == "running" and _job(db, there.id).status == "running"


def test_a_job_that_keeps_losing_its_worker_ends_failed_with_the_reason(app, db):
    org = make_org(db)
    failed_calls.clear()
    job = _running(db, org, worker="other-host:9", attempts=3, beat_ago=3600, kind="test.noted")
    with app.app_context():
        assert runner.recover_stale()["failed"] == [job.id]
    failed = _job(db, job.id)
    assert failed.status == "failed" and "stopped 3 times" in failed.error
    assert failed.finished_at is not None and failed_calls == [(job.id, failed.error)]


def test_a_queued_job_whose_message_was_lost_is_sent_again(app, db):
    org = make_org(db)
    job = Job(org_id=org.id, kind="test.record", status="queued",
              created_at=utcnow() - timedelta(hours=1))
    db.add(job)
    db.commit()  # added directly: no message was ever sent
    fresh = Job(org_id=org.id, kind="test.record", status="queued")
    db.add(fresh)
    db.commit()
    with app.app_context():
        assert runner.recover_stale()["requeued"] == [job.id]  # the fresh one may be on its way
    assert _job(db, job.id).status == "done" and _job(db, fresh.id).status == "queued"


# --- the daily tick ---------------------------------------------------------------------

def _hooks(monkeypatch, app, calls):
    def first(session):
        calls.append("first")
        session.add(Organization(name="Made By The Daily Hook", kind="buyer"))

    def broken(session):
        calls.append("broken")
        session.add(Organization(name="Never Saved", kind="buyer"))
        raise RuntimeError("the hook broke")

    def last(session):
        calls.append("last")

    monkeypatch.setattr(registry(app), "daily_hooks", [first, broken, last])


def test_daily_hooks_all_run_and_one_failing_hook_does_not_stop_the_others(
        app, db, monkeypatch, caplog):
    calls: list[str] = []
    _hooks(monkeypatch, app, calls)
    with caplog.at_level(logging.INFO, logger="app.queue"), app.app_context():
        outcome = run_daily(app)
    assert calls == ["first", "broken", "last"]
    assert list(outcome.values()) == ["ok", "RuntimeError: the hook broke", "ok"]
    names = set(db.scalars(select(Organization.name)))
    assert "Made By The Daily Hook" in names and "Never Saved" not in names  # own transactions
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and "broken" in failures[0].getMessage()
    assert failures[0].exc_info is not None  # the traceback is logged


def test_flask_jobs_tick_runs_the_hooks_now_and_reports_failures(app, db, monkeypatch):
    calls: list[str] = []
    _hooks(monkeypatch, app, calls)
    result = app.test_cli_runner().invoke(args=["jobs", "tick"])
    assert result.exit_code == 1 and calls == ["first", "broken", "last"]
    assert "FAILED" in result.output and "the hook broke" in result.output
    monkeypatch.setattr(registry(app), "daily_hooks", [lambda session: None])
    assert app.test_cli_runner().invoke(args=["jobs", "tick"]).exit_code == 0


def test_the_daily_tick_is_scheduled_at_two_utc_and_runs_once_a_day(app, db, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(registry(app), "daily_hooks", [lambda session: calls.append("hook")])
    queue = get_queue(app)
    def due(hour: int, minute: int) -> set[str]:  # what the scheduler enqueues then (UTC)
        return {t.name for t in queue.huey.read_periodic(datetime(2026, 12, 1, hour, minute))}

    assert due(2, 0) == {"daily_tick", "recover_stale_jobs", "deliver_due_mail"}
    assert due(3, 0) == {"recover_stale_jobs", "deliver_due_mail"}
    assert due(2, 1) == {"recover_stale_jobs"}  # the outbox sweep runs every five minutes
    with app.app_context():
        daily_tick()
        daily_tick()  # a second worker's scheduler firing at the same minute
    assert calls == ["hook"]
    queue.huey.storage.flush_all()


def test_the_queue_is_sqlite_in_the_instance_folder_or_redis_when_configured(tmp_path):
    local = make_huey({"INSTANCE_PATH": str(tmp_path), "QUEUE_URL": ""})
    assert type(local.storage).__name__ == "SqliteStorage"
    assert local.storage.filename == str(tmp_path / "queue.db")
    shared = make_huey({"INSTANCE_PATH": str(tmp_path), "QUEUE_URL": "redis://127.0.0.1:6379/6"})
    assert type(shared.storage).__name__ == "RedisStorage"
    with pytest.raises(ValueError, match="TIERLIGHT_QUEUE_URL"):
        make_huey({"INSTANCE_PATH": str(tmp_path), "QUEUE_URL": "amqp://broker"})


def test_tierlight_queue_url_comes_from_the_environment(monkeypatch, tmp_path):
    from app.config import load_config

    monkeypatch.setenv("TIERLIGHT_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TIERLIGHT_QUEUE_URL", "redis://queue.internal:6379/2")
    assert load_config()["QUEUE_URL"] == "redis://queue.internal:6379/2"


def test_the_worker_refuses_to_start_in_immediate_mode(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code == 1 and "immediate mode" in result.output


def test_a_running_job_keeps_its_heartbeat_fresh(app, db, monkeypatch):
    import time

    org = make_org(db)
    job = _running(db, org, worker=runner.worker_id(), beat_ago=3600)
    before = _job(db, job.id).heartbeat_at
    monkeypatch.setitem(app.config, "JOB_HEARTBEAT_SECONDS", 1)
    ctx = runner.JobContext(job.id, org.id, None, job.kind, {}, 1, runner.worker_id())
    with app.app_context():
        beat = runner._Heartbeat(ctx)
        time.sleep(1.6)
        beat.stop()
    assert _job(db, job.id).heartbeat_at > before + timedelta(minutes=59)
