"""What the audits package adds to the shell (the pages come later)."""

from __future__ import annotations

from flask import Flask

from app.registry import Package, ReferenceCounter, Seeder


def _count(session, org_id: int, supplier_id: int) -> int:
    from audits.queries import supplier_reference_count

    return supplier_reference_count(session, org_id, supplier_id)


def _init(app: Flask) -> None:
    from app.queue import daily
    from audits.evidence_views import evidence_block
    from audits.jobs import daily_overdue

    daily(daily_overdue, app)
    # The finding and action pages include `{{ evidence_block('finding', finding) }}`.
    app.jinja_env.globals["evidence_block"] = evidence_block


def contribution() -> Package:
    # api_evidence and api_fees add their routes to api.bp
    from audits import api, api_evidence, api_fees, demo, evidence_views  # noqa: F401
    from audits.schemas import OPENAPI_SCHEMAS
    from audits.services import audits as _audits  # noqa: F401 - registers the invitation purpose

    return Package(
        name="audits",
        blueprints=(api.bp, evidence_views.bp),
        openapi_schemas={**OPENAPI_SCHEMAS, **api_evidence.OPENAPI_SCHEMAS},
        reference_counters=(ReferenceCounter("audits and fee entries", _count),),
        # After the network (10), its connections (15) and the questionnaires (30).
        seeders=(Seeder(demo.seed, order=40),),
        init_app=_init,
    )
