"""Several threads writing through the app at once: nothing lost, never a 500."""

from __future__ import annotations

from sqlalchemy import func, select

from app.activity.services import verify_chain
from app.auth.models import ApiToken
from tests.concurrency import call, committed_session, live_server, run_threads
from tests.factories import PASSWORD, make_org, make_user

THREADS = 8
PER_THREAD = 12


def test_parallel_token_creation_loses_nothing(app):
    with committed_session(app) as (session, made):
        org = make_org(session)
        made.append(org.id)
        users = [make_user(session, org, "compliance") for _ in range(THREADS)]
        session.commit()
        with live_server(app) as base:

            def work(i: int) -> list[int]:
                statuses = []
                for _ in range(PER_THREAD):
                    status, _ = call(
                        "POST", f"{base}/api/v1/auth/tokens",
                        {"email": users[i].email, "password": PASSWORD},
                    )
                    statuses.append(status)
                return statuses

            results = run_threads(THREADS, work)
        statuses = [s for per_thread in results for s in per_thread]
        assert statuses.count(201) == THREADS * PER_THREAD, sorted(set(statuses))
        count = session.scalar(
            select(func.count(ApiToken.id)).where(ApiToken.user_id.in_([u.id for u in users]))
        )
        assert count == THREADS * PER_THREAD
        # Every token creation appended to one hash chain; it must still be linear.
        assert verify_chain(session, org.id) is None
