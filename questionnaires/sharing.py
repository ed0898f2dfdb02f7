"""Assignments addressed to a supplier organisation (app/sharing.py, DESIGN.md section 5).

Its users see the assignments of the buyers connected to it: the questions, their own
answers and evidence, the status, the due date and the comment of a returned questionnaire.
Never the signals, never the buyer's internal data. After a buyer disconnects, the supplier
keeps what it submitted (read-only); what was still open leaves with the connection.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from app.sharing import AddressedTo, Principal
from questionnaires.models import Assignment


class AssignedToSupplier(AddressedTo[Assignment]):
    model = Assignment

    def link(self, user: Principal) -> ColumnElement[bool]:
        return Assignment.supplier_org_id == user.org_id


assigned_to_supplier = AssignedToSupplier()
