"""Which changes elsewhere ask for a recompute (signals from app/signals.py, after commit), and
how risk follows a merge of two supplier records (`on_merging`, inside the merge)."""

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


# A hit's status that wins when both records have a hit for one list entry.
_HIT_RANK = {"confirmed": 2, "open": 1, "dismissed": 0}


def on_merging(_sender, *, session, org_id: int, keep_id: int, duplicate_id: int, **_kw
               ) -> dict[str, int]:
    """Screening hits follow the record kept (one per list entry: a confirmed hit wins over an
    open one, an open one over a dismissed one), and `listed` says again whether a confirmed
    hit remains on each. Scores are left to the recompute that supplier_merged asks for (the
    duplicate is archived, so its score goes then)."""
    from sqlalchemy import delete, exists, select, update

    from risk.models import ScreeningHit
    from suppliers.models import Supplier

    hits = session.scalars(select(ScreeningHit).where(
        ScreeningHit.org_id == org_id,
        ScreeningHit.supplier_id.in_([keep_id, duplicate_id]))).all()
    kept = {h.entry_id: h for h in hits if h.supplier_id == keep_id}
    drop, move = [], []
    for hit in (h for h in hits if h.supplier_id == duplicate_id):
        other = kept.get(hit.entry_id)
        if other is None:
            move.append(hit.id)
        elif _HIT_RANK.get(hit.status, 0) > _HIT_RANK.get(other.status, 0):
            drop.append(other.id)
            move.append(hit.id)
        else:
            drop.append(hit.id)
    if drop:
        session.execute(delete(ScreeningHit).where(ScreeningHit.org_id == org_id,
                                                   ScreeningHit.id.in_(drop))
                        .execution_options(synchronize_session=False))
    if move:
        session.execute(update(ScreeningHit).where(ScreeningHit.org_id == org_id,
                                                   ScreeningHit.id.in_(move))
                        .values(supplier_id=keep_id)
                        .execution_options(synchronize_session=False))
    confirmed = exists().where(ScreeningHit.supplier_id == Supplier.id,
                               ScreeningHit.status == "confirmed")
    session.execute(update(Supplier).where(Supplier.org_id == org_id,
                                           Supplier.id.in_([keep_id, duplicate_id]))
                    .values(listed=confirmed).execution_options(synchronize_session=False))
    session.expire_all()
    found = {"screening hits": len(move), "screening hits already on the kept record":
             len(drop)}
    return {label: n for label, n in found.items() if n}


def connect() -> None:
    from risk.reference.services import EDITION_LOADED

    for signal in INPUTS:
        signal.connect(on_input_changed)
    signals.supplier_merging.connect(on_merging)
    if on_edition_loaded not in EDITION_LOADED:
        EDITION_LOADED.append(on_edition_loaded)
