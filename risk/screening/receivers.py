"""What asks for screening runs and recomputes (after commit, through the queue).

Supplier imports and edits (network_changed, supplier_created, _changed, _restored, _merged)
ask for a run of that organisation; a list edition loaded asks for a run of its organisation,
or of every buying company for a platform list, and a recompute (the factor's evidence names
the edition, and whether it is superseded). A decision asks for a recompute. Like
risk/receivers.py, nothing is queued while RISK_RECOMPUTE_ON_CHANGE is off (the tests).
"""

from __future__ import annotations

from sqlalchemy import select

from app import signals
from app.aftercommit import after_commit
from risk.receivers import _wanted

SUPPLIER_SIGNALS = {
    signals.network_changed: "import", signals.supplier_created: "change",
    signals.supplier_changed: "change", signals.supplier_restored: "change",
    signals.supplier_merged: "change",
}
# Fields of a supplier that screening reads: other edits need no run.
SCREENED_FIELDS = {"name", "latin_name", "country", "os_id", "lei", "duns"}


def _receiver(trigger: str):
    def receive(_sender, *, org_id: int, changed=None, **_kw) -> None:
        from risk.screening.jobs import request_screening

        if changed is not None and not SCREENED_FIELDS & set(changed):
            return
        if _wanted():
            request_screening(org_id, trigger)
    receive.__name__ = f"screen_after_{trigger}"
    return receive


_RECEIVERS = {signal: _receiver(trigger) for signal, trigger in SUPPLIER_SIGNALS.items()}


def on_list_loaded(session, edition, entity_list) -> None:
    from app.auth.models import Organization
    from risk.jobs import request_recompute
    from risk.screening.jobs import request_screening

    if not _wanted():
        return
    if entity_list.org_id is not None:
        orgs = [entity_list.org_id]
    else:
        orgs = list(session.scalars(select(Organization.id).where(Organization.kind == "buyer")))

    def ask() -> None:
        for org_id in orgs:
            request_screening(org_id, "list")
            request_recompute(org_id)
    after_commit(session, ask)


def on_decided(session, org_id: int) -> None:
    from risk.jobs import request_recompute

    if _wanted():
        after_commit(session, lambda: request_recompute(org_id))


def connect() -> None:
    from risk.screening.decisions import DECIDED
    from risk.screening.services import LIST_LOADED

    for signal, receiver in _RECEIVERS.items():
        signal.connect(receiver)
    if on_list_loaded not in LIST_LOADED:
        LIST_LOADED.append(on_list_loaded)
    if on_decided not in DECIDED:
        DECIDED.append(on_decided)
