"""How the audits package follows a merge of two supplier records (signals from suppliers).

Inside the merge's transaction: the duplicate's audits, their findings and corrective actions,
and the recruitment-fee ledger (entries of the supplier and entries naming it as the agency)
move to the record kept.
"""

from __future__ import annotations

from sqlalchemy import update

from app import signals
from audits.models import Action, Audit, FeeEntry, Finding


def on_merging(_sender, *, session, org_id: int, keep_id: int, duplicate_id: int, **_kw
               ) -> dict[str, int]:
    def move(model, column: str = "supplier_id", versioned: bool = False) -> int:
        attr = getattr(model, column)
        values = {column: keep_id}
        if versioned:
            values["version"] = model.version + 1
        return session.execute(
            update(model).where(model.org_id == org_id, attr == duplicate_id).values(**values)
            .execution_options(synchronize_session=False)).rowcount

    found = {
        "audits": move(Audit, versioned=True),
        "audit findings": move(Finding),
        "corrective actions": move(Action, versioned=True),
        "fee entries": move(FeeEntry, versioned=True),
        "fee entries naming the agency": move(FeeEntry, "agency_supplier_id", versioned=True),
    }
    session.expire_all()  # loaded rows must not show the old supplier
    return {label: n for label, n in found.items() if n}


def connect() -> None:
    signals.supplier_merging.connect(on_merging)
