"""The audits package's risk input: `audit_inputs_changed` (app/signals.py), after commit."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app import signals


def inputs_changed(session: Session, org_id: int, supplier_ids: Iterable[int | None],
                   reason: str) -> None:
    """Tell listeners (risk) once this commits; one signal per transaction and buyer."""
    signals.queue_merged(session, signals.audit_inputs_changed, "audits", org_id=org_id,
                         supplier_ids=[i for i in supplier_ids if i is not None],
                         reasons=[reason])
