"""What a filed statement shows beyond its owner (DESIGN.md section 5; app/sharing.py).

A statement is addressed to the regulators of its jurisdiction once it is filed: a user of an
organisation of kind `regulator` reads the statements whose `jurisdiction` column equals that
organisation's jurisdiction and whose status is filed or superseded (an amended statement stays
readable). Drafts, and everything else of the owner, stay 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, select

from app.auth.models import Organization
from app.sharing import AddressedTo, Principal
from reports.models import Statement

PUBLISHED = ("filed", "superseded")


class FiledForRegulator(AddressedTo[Statement]):
    model = Statement

    def link(self, user: Principal) -> ColumnElement[bool]:
        # The jurisdiction is read from the user's own organisation row, never the request.
        jurisdiction = (select(Organization.jurisdiction)
                        .where(Organization.id == user.org_id, Organization.kind == "regulator",
                               Organization.jurisdiction.is_not(None))
                        .scalar_subquery())
        if user.role != "regulator":
            return false()
        return and_(Statement.jurisdiction == jurisdiction, Statement.status.in_(PUBLISHED))


filed_for_regulator = FiledForRegulator()
