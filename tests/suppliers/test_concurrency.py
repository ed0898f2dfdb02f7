"""Parallel writes to one network (imports on real workers: test_import_worker.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from suppliers.models import Supplier
from tests.concurrency import call, committed_session, live_server, run_threads
from tests.factories import PASSWORD, make_org, make_user

THREADS = 6
PER_THREAD = 8


def test_parallel_supplier_writes_lose_nothing_and_never_500(app):
    with committed_session(app) as (session, made):
        org = make_org(session)
        made.append(org.id)
        user = make_user(session, org, "compliance")
        session.commit()
        with live_server(app) as base:
            _, token = call("POST", f"{base}/api/v1/auth/tokens",
                            {"email": user.email, "password": PASSWORD})
            auth = {"Authorization": f"Bearer {token['token']}"}
            _, shared = call("POST", f"{base}/api/v1/suppliers",
                             {"name": "Shared Mill", "country": "IN", "workers": 100}, auth)

            def work(i: int) -> list[int]:
                statuses = []
                for j in range(PER_THREAD):
                    status, body = call("POST", f"{base}/api/v1/suppliers",
                                        {"name": f"Worker {i}-{j}", "country": "BD"}, auth)
                    statuses.append(status)
                    status, _ = call("POST", f"{base}/api/v1/relationships",
                                     {"supplier_id": body["id"], "customer_id": shared["id"]},
                                     auth)
                    statuses.append(status)
                    # Racing edits of one record: each wins or gets a clean 409.
                    status, _ = call("PATCH", f"{base}/api/v1/suppliers/{shared['id']}",
                                     {"workers": 101 + i * PER_THREAD + j, "version": 1}, auth)
                    statuses.append(status)
                return statuses

            results = run_threads(THREADS, work)
            call("POST", f"{base}/api/v1/relationships",
                 {"supplier_id": shared["id"], "customer_id": None}, auth)
        statuses = [s for r in results for s in r]
        assert all(s < 500 for s in statuses), sorted(set(statuses))
        assert statuses.count(201) == THREADS * PER_THREAD * 2
        patches = statuses[2::3]
        assert patches.count(200) == 1 and patches.count(409) == len(patches) - 1
        session.expire_all()
        count = session.scalar(select(func.count(Supplier.id)).where(Supplier.org_id == org.id))
        assert count == THREADS * PER_THREAD + 1
        tiers = session.scalars(select(Supplier.tier).where(
            Supplier.org_id == org.id, Supplier.name.like("Worker %"))).all()
        assert set(tiers) == {2}

