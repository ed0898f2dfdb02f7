"""How the questionnaires package follows supplier connections (signals from suppliers).

Connecting a record addresses its assignments to the supplier organisation; disconnecting
takes back what was still open, while the supplier keeps what it submitted (read-only).
A merge of two supplier records moves the duplicate's assignments and signals to the record
kept (`on_merging`, inside the merge's transaction).
"""

from __future__ import annotations

from sqlalchemy import select, update

from app import signals
from app.db import get_db
from questionnaires.models import Assignment, Signal
from questionnaires.states import EDITABLE
from suppliers.models import Supplier


def _run(statement) -> None:
    session = get_db().new_session(write=True)
    try:
        session.execute(statement.execution_options(synchronize_session=False))
        session.commit()
    finally:
        session.close()


def on_connected(_sender, *, org_id: int, supplier_id: int, linked_org_id: int, **_kw) -> None:
    _run(update(Assignment).where(Assignment.org_id == org_id,
                                  Assignment.supplier_id == supplier_id)
         .values(supplier_org_id=linked_org_id))


def on_disconnected(_sender, *, org_id: int, supplier_id: int, **_kw) -> None:
    _run(update(Assignment).where(Assignment.org_id == org_id,
                                  Assignment.supplier_id == supplier_id,
                                  Assignment.status.in_(sorted(EDITABLE)))
         .values(supplier_org_id=None))


def on_merging(_sender, *, session, org_id: int, keep_id: int, duplicate_id: int, **_kw
               ) -> dict[str, int]:
    """Assignments and their indicator signals follow the supplier record kept. Those not
    addressed to any organisation yet are addressed to the kept record's, as connecting does;
    those addressed to one stay with it (its people answered them)."""
    linked_org_id = session.scalar(select(Supplier.linked_org_id).where(
        Supplier.org_id == org_id, Supplier.id == keep_id))
    moved = session.execute(
        update(Assignment).where(Assignment.org_id == org_id,
                                 Assignment.supplier_id == duplicate_id)
        .values(supplier_id=keep_id, version=Assignment.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if linked_org_id is not None:
        session.execute(
            update(Assignment).where(Assignment.org_id == org_id,
                                     Assignment.supplier_id == keep_id,
                                     Assignment.supplier_org_id.is_(None))
            .values(supplier_org_id=linked_org_id)
            .execution_options(synchronize_session=False))
    raised = session.execute(
        update(Signal).where(Signal.org_id == org_id, Signal.supplier_id == duplicate_id)
        .values(supplier_id=keep_id).execution_options(synchronize_session=False)).rowcount
    session.expire_all()  # loaded assignments must not show the old supplier
    found = {"questionnaire assignments": moved, "questionnaire signals": raised}
    return {label: n for label, n in found.items() if n}


def connect() -> None:
    signals.supplier_connected.connect(on_connected)
    signals.supplier_disconnected.connect(on_disconnected)
    signals.supplier_merging.connect(on_merging)
