"""Supplier records shared across organisations (app/sharing.py).

A buyer's supplier record connected to a supplier organisation (`linked_org_id`) is addressed
to that organisation: it may see which buyers hold a record of it, and nothing else of theirs.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from app.sharing import AddressedTo, Principal
from suppliers.models import Supplier


class ConnectedRecords(AddressedTo[Supplier]):
    """Buyers' live supplier records connected to the user's (supplier) organisation."""

    model = Supplier

    def link(self, user: Principal) -> ColumnElement[bool]:
        return (Supplier.linked_org_id == user.org_id) & Supplier.archived_at.is_(None)


connected_records = ConnectedRecords()
