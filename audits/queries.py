"""Read-only queries shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from app.db import utcnow
from audits import money
from audits.models import ACTION_STATES, Action, Audit, FeeEntry, Finding
from audits.sharing import audits_for
from suppliers.models import Supplier


def audits_query(user, filters: Mapping[str, Any]) -> Select[tuple[Audit]]:
    """The buyer's audits, or those addressed to the user (auditor, supplier organisation)."""
    rule = audits_for(user)
    stmt = select(Audit).where(Audit.org_id == user.org_id) if rule is None else rule.query(user)
    if filters.get("status"):
        stmt = stmt.where(Audit.status == filters["status"])
    if filters.get("supplier_id") and rule is None:  # the buyer's record ids are the buyer's
        stmt = stmt.where(Audit.supplier_id == filters["supplier_id"])
    return stmt.order_by(Audit.audit_date.desc(), Audit.id.desc())


def finding_count(session: Session, audit_id: int) -> int:
    return session.scalar(select(func.count(Finding.id)).where(Finding.audit_id == audit_id)) or 0


def findings_query(audit: Audit, filters: Mapping[str, Any]) -> Select[tuple[Finding]]:
    stmt = select(Finding).where(Finding.audit_id == audit.id, Finding.org_id == audit.org_id)
    for key in ("severity", "status"):
        if filters.get(key):
            stmt = stmt.where(getattr(Finding, key) == filters[key])
    return stmt.order_by(Finding.code.is_(None), Finding.code, Finding.id)


def actions_by_finding(session: Session, finding_ids: list[int]) -> dict[int, list[Action]]:
    out: dict[int, list[Action]] = {i: [] for i in finding_ids}
    if finding_ids:
        for a in session.scalars(select(Action).where(Action.finding_id.in_(finding_ids))
                                 .order_by(Action.id)):
            out[a.finding_id].append(a)
    return out


def fee_entries_query(org_id: int, supplier_id: int) -> Select[tuple[FeeEntry]]:
    return (select(FeeEntry).where(FeeEntry.org_id == org_id, FeeEntry.supplier_id == supplier_id)
            .order_by(FeeEntry.id))


def fee_totals(session: Session, org_id: int, supplier_id: int | None = None
               ) -> dict[str, dict[str, str]]:
    """Owed and repaid per currency (summed in SQL, as integers; never across currencies)."""
    stmt = (select(FeeEntry.currency, func.sum(FeeEntry.owed_minor),
                   func.sum(FeeEntry.repaid_minor))
            .where(FeeEntry.org_id == org_id).group_by(FeeEntry.currency))
    if supplier_id is not None:
        stmt = stmt.where(FeeEntry.supplier_id == supplier_id)
    from audits.services.fees import major_text

    return {cur: {"owed": major_text(int(owed or 0), cur),
                  "repaid": major_text(int(repaid or 0), cur),
                  "outstanding": major_text(int((owed or 0) - (repaid or 0)), cur),
                  "owed_text": money.format_money(int(owed or 0), cur)}
            for cur, owed, repaid in session.execute(stmt)}


def supplier_reference_count(session: Session, org_id: int, supplier_id: int) -> int:
    """Audits of the supplier and fee entries that name it (as supplier or as agency)."""
    audits = session.scalar(select(func.count(Audit.id)).where(
        Audit.org_id == org_id, Audit.supplier_id == supplier_id)) or 0
    fees = session.scalar(select(func.count(FeeEntry.id)).where(
        FeeEntry.org_id == org_id, or_(FeeEntry.supplier_id == supplier_id,
                                       FeeEntry.agency_supplier_id == supplier_id))) or 0
    return audits + fees


def linked_supplier(session: Session, audit: Audit) -> Supplier:
    return audit.supplier


def _board_scope(user, filters: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """Which actions the board shows: the buyer's own, or those of the audits addressed to
    the user (audits/sharing.py), narrowed by `filters`."""
    rule = audits_for(user)
    conditions: list[ColumnElement[bool]] = []
    findings = select(Finding.id)
    if rule is None:
        conditions.append(Action.org_id == user.org_id)
        if filters.get("supplier_id"):  # the buyer's record ids are the buyer's
            conditions.append(Action.supplier_id == filters["supplier_id"])
    else:
        findings = findings.join(Audit, Audit.id == Finding.audit_id).where(rule.link(user))
    narrowed = rule is not None
    if filters.get("audit_id"):
        findings, narrowed = findings.where(Finding.audit_id == filters["audit_id"]), True
    if filters.get("severity"):
        findings, narrowed = findings.where(Finding.severity == filters["severity"]), True
    if narrowed:
        conditions.append(Action.finding_id.in_(findings))
    if filters.get("overdue"):
        conditions += [Action.state != "verified", Action.due_date < utcnow().date()]
    return conditions


def board_columns(session: Session, user, *, filters: Mapping[str, Any] | None = None,
                  per_column: int = 50) -> dict[str, tuple[list[Action], int]]:
    """The corrective-action board: for each state (open, in_progress, submitted, verified,
    in that order) up to `per_column` actions and how many there are in all.

    `user` decides the scope: a buyer's user sees the company's actions; an auditor those of
    the audits assigned to them; a supplier organisation's people those of its submitted
    audits. `filters`: `supplier_id` (buyers), `audit_id`, `severity`, `overdue` (truthy).
    Open work is ordered by due date, so overdue actions come first; verified ones latest
    first. Each action comes with its finding, the finding's audit and the audit's supplier
    loaded (one query per column, one for the counts)."""
    conditions = _board_scope(user, filters or {})
    totals = dict(session.execute(select(Action.state, func.count(Action.id))
                                  .where(*conditions).group_by(Action.state)).all())
    columns: dict[str, tuple[list[Action], int]] = {}
    for state in ACTION_STATES:
        total = int(totals.get(state, 0))
        if not total or per_column <= 0:
            columns[state] = ([], total)
            continue
        order = ((Action.verified_at.is_(None), Action.verified_at.desc(), Action.id.desc())
                 if state == "verified" else (Action.due_date, Action.id))
        # The page's ids first, then the eager joins for those rows only: a planner that
        # joins before it sorts (stale statistics after a bulk load) never sees 20,000 rows.
        page = (select(Action.id).where(*conditions, Action.state == state).order_by(*order)
                .limit(per_column))
        stmt = select(Action).where(Action.id.in_(page.scalar_subquery())).order_by(*order)
        columns[state] = (list(session.scalars(stmt)), total)
    return columns
