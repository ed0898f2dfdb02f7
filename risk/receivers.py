"""Which changes elsewhere ask for a recompute (signals from app/signals.py, after commit)."""

from __future__ import annotations

from app import signals


def on_input_changed(_sender, *, org_id: int, **_kw) -> None:
    from flask import current_app

    from risk.jobs import request_recompute

    if current_app.config.get("RISK_RECOMPUTE_ON_CHANGE", True):
        request_recompute(org_id)


INPUTS = (
    signals.supplier_created, signals.supplier_changed, signals.supplier_archived,
    signals.supplier_restored, signals.supplier_purged, signals.supplier_merged,
    signals.network_changed, signals.questionnaire_submitted, signals.audit_inputs_changed,
)


def connect() -> None:
    for signal in INPUTS:
        signal.connect(on_input_changed)
