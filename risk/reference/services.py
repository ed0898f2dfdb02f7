"""PLACEHOLDER until the reference-data branch lands."""

from __future__ import annotations

from risk.reference.tables import ReferenceTables


def ensure_shipped(session) -> None:
    return None


def load_tables(session, org_id) -> ReferenceTables:
    return ReferenceTables()
