"""How the questionnaires package follows supplier connections (signals from suppliers).

Connecting a record addresses its assignments to the supplier organisation; disconnecting
takes back what was still open, while the supplier keeps what it submitted (read-only).
"""

from __future__ import annotations

from sqlalchemy import update

from app import signals
from app.db import get_db
from questionnaires.models import Assignment
from questionnaires.states import EDITABLE


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


def connect() -> None:
    signals.supplier_connected.connect(on_connected)
    signals.supplier_disconnected.connect(on_disconnected)
