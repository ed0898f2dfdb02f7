"""Audits addressed to another organisation (app/sharing.py, DESIGN.md section 5).

- `AssignedAudits`: the auditor the audit is assigned to (`Audit.auditor_user_id`), and no one
  else of their firm: a colleague in the same audit firm gets 404. The auditor reads the audit
  (not the buyer's internal notes), records and imports findings, and verifies or returns
  corrective actions.
- `SupplierAudits`: the supplier organisation the audit's supplier record is connected to
  (`Supplier.linked_org_id`), once the audit is submitted or accepted: its findings and
  corrective actions (to move its actions forward), never internal notes. A disconnected
  record takes its audits away with it; another buyer's audits are never visible.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.sharing import AddressedTo, Principal
from app.tenancy import get_owned
from audits.models import SHARED_STATUSES, Action, Audit, Finding
from suppliers.models import Supplier


class AssignedAudits(AddressedTo[Audit]):
    model = Audit

    def link(self, user: Principal) -> ColumnElement[bool]:
        return Audit.auditor_user_id == user.id


class SupplierAudits(AddressedTo[Audit]):
    model = Audit

    def link(self, user: Principal) -> ColumnElement[bool]:
        connected = exists().where(
            Supplier.org_id == Audit.org_id, Supplier.id == Audit.supplier_id,
            Supplier.linked_org_id == user.org_id, Supplier.archived_at.is_(None),
        )
        return connected & Audit.status.in_(SHARED_STATUSES)


assigned_audits = AssignedAudits()
supplier_audits = SupplierAudits()


def audits_for(user) -> AddressedTo[Audit] | None:
    """The sharing rule that applies to this user's organisation (None for the buyer)."""
    kind = user.organization.kind
    if kind == "audit_firm":
        return assigned_audits
    if kind == "supplier":
        return supplier_audits
    return None


def findings_of(user) -> Select[tuple[Finding]]:
    """Findings of the audits addressed to the user."""
    rule = audits_for(user)
    assert rule is not None
    return select(Finding).join(Audit, Audit.id == Finding.audit_id).where(rule.link(user))


def get_finding(session: Session, finding_id: int, user) -> Finding:
    found = session.scalar(findings_of(user).where(Finding.id == finding_id))
    if found is None:
        raise NotFound("No such finding.")
    return found


def get_action(session: Session, action_id: int, user) -> Action:
    rule = audits_for(user)
    assert rule is not None
    found = session.scalar(
        select(Action).join(Finding, Finding.id == Action.finding_id)
        .join(Audit, Audit.id == Finding.audit_id)
        .where(Action.id == action_id, rule.link(user))
    )
    if found is None:
        raise NotFound("No such corrective action.")
    return found


def visible_finding(session: Session, finding_id: int, user) -> Finding:
    """The buyer's own finding, or one addressed to the user; 404 otherwise."""
    if audits_for(user) is None:
        return get_owned(session, Finding, finding_id, user.org_id)
    return get_finding(session, finding_id, user)


def visible_action(session: Session, action_id: int, user) -> Action:
    if audits_for(user) is None:
        return get_owned(session, Action, action_id, user.org_id)
    return get_action(session, action_id, user)
