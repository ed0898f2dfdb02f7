"""Two real `flask jobs worker` processes sharing one Redis queue (TIERLIGHT_QUEUE_URL)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from app.db import get_db
from app.jobs.models import Job
from app.jobs.services import submit_job
from app.queue import get_queue
from tests.factories import make_org
from tests.processes import fresh_site, site_app, wait_for, worker

REDIS = os.environ.get("TEST_QUEUE_REDIS_URL", "redis://127.0.0.1:6379/6")
JOBS = 20


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS}")
def test_two_workers_share_one_redis_queue_and_run_each_job_once(tmp_path):
    env = fresh_site(tmp_path, queue_url=REDIS)
    app = site_app(env)
    huey = get_queue(app).huey
    assert type(huey.storage).__name__ == "RedisStorage"
    huey.flush()  # whatever an earlier run left on this Redis database
    logs = (tmp_path / "worker-a.log", tmp_path / "worker-b.log")
    ran = tmp_path / "ran.txt"
    with worker(env, logs[0], "--threads", "1", wrapped=True) as a, \
            worker(env, logs[1], "--threads", "1", "--no-periodic", wrapped=True) as b:
        for log in logs:
            wait_for(lambda log=log: log.exists() and "consumer started" in log.read_text(),
                     60, f"{log.name} to start", logs=logs)
        with app.app_context():
            session = get_db(app).new_session(write=True)
            org = make_org(session)
            ids = [submit_job(session, org_id=org.id, user_id=None, kind="test.whoami",
                              payload={"log": str(ran), "sleep": 0.3}).id
                   for _ in range(JOBS)]
            session.commit()  # all twenty go to Redis now
            session.close()

        def finished() -> list[Job] | None:
            reader = get_db(app).new_session(write=False)
            try:
                rows = reader.scalars(select(Job).where(Job.id.in_(ids))).all()
                return rows if all(j.finished for j in rows) else None
            finally:
                reader.close()

        jobs = wait_for(finished, 120, "all jobs to end", every=0.3, logs=logs)
        pids = {a.pid, b.pid}
    assert all(j.status == "done" and j.attempts == 1 for j in jobs), [
        (j.id, j.status, j.error) for j in jobs]
    assert {j.result["pid"] for j in jobs} == pids  # both workers took jobs
    lines = ran.read_text().split()
    runs = list(zip(lines[::2], lines[1::2], strict=True))
    assert sorted(int(job) for job, _pid in runs) == sorted(ids)  # each job ran exactly once
    assert {int(pid) for _job, pid in runs} == pids
    huey.flush()
    get_db(app).engine.dispose()
