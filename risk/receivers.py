"""Which changes elsewhere ask for a recompute (signals from app/signals.py, after commit)."""

from __future__ import annotations

from app import signals


def _wanted() -> bool:
    """Commits happen in a request, a job or a command, all in an app context; a bare session
    (a script, a test) has no queue to ask."""
    from flask import current_app, has_app_context

    return has_app_context() and current_app.config.get("RISK_RECOMPUTE_ON_CHANGE", True)


def on_input_changed(_sender, *, org_id: int, **_kw) -> None:
    from risk.jobs import request_recompute

    if _wanted():
        request_recompute(org_id)


INPUTS = (
    signals.supplier_created, signals.supplier_changed, signals.supplier_archived,
    signals.supplier_restored, signals.supplier_purged, signals.supplier_merged,
    signals.network_changed, signals.questionnaire_submitted, signals.audit_inputs_changed,
    signals.grievance_changed,
)


def on_edition_loaded(session, edition) -> None:
    """A new edition changes the scores of whoever reads it: its organisation, or (a platform
    edition) every buying company. Queued once the load commits."""
    from sqlalchemy import select

    from app.aftercommit import after_commit
    from app.auth.models import Organization
    from risk.jobs import request_recompute

    if not _wanted():
        return
    if edition.org_id is not None:
        orgs = [edition.org_id]
    else:
        orgs = list(session.scalars(select(Organization.id).where(Organization.kind == "buyer")))
    after_commit(session, lambda: [request_recompute(org_id) for org_id in orgs])


def connect() -> None:
    from risk.reference.services import EDITION_LOADED

    for signal in INPUTS:
        signal.connect(on_input_changed)
    if on_edition_loaded not in EDITION_LOADED:
        EDITION_LOADED.append(on_edition_loaded)
