"""Read-only queries shared by the API and the pages (the board and cards: board.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, String, case, cast, func, or_, select
from sqlalchemy.orm import Session

from audits import money
from audits.models import Action, Audit, FeeEntry, Finding
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
    if filters.get("scheme"):
        stmt = stmt.where(Audit.scheme == filters["scheme"])
    if filters.get("supplier"):  # part of the supplier's name (the pages' filter)
        names = select(Supplier.id).where(
            Supplier.name_key.contains(str(filters["supplier"]).casefold(), autoescape=True))
        if rule is None:
            names = names.where(Supplier.org_id == user.org_id)
        stmt = stmt.where(Audit.supplier_id.in_(names))
    return stmt.order_by(Audit.audit_date.desc(), Audit.id.desc())


def audit_counts(session: Session, audit_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per audit: findings, open findings, and actions not yet verified (one query each)."""
    out = {i: {"findings": 0, "open_findings": 0, "open_actions": 0} for i in audit_ids}
    if not audit_ids:
        return out
    rows = session.execute(
        select(Finding.audit_id, func.count(Finding.id),
               func.sum(case((Finding.status == "open", 1), else_=0)))
        .where(Finding.audit_id.in_(audit_ids)).group_by(Finding.audit_id))
    for audit_id, total, still_open in rows:
        out[audit_id]["findings"], out[audit_id]["open_findings"] = total, int(still_open or 0)
    rows = session.execute(
        select(Finding.audit_id, func.count(Action.id))
        .join(Action, Action.finding_id == Finding.id)
        .where(Finding.audit_id.in_(audit_ids), Action.state != "verified")
        .group_by(Finding.audit_id))
    for audit_id, n in rows:
        out[audit_id]["open_actions"] = n
    return out


def finding_count(session: Session, audit_id: int) -> int:
    return session.scalar(select(func.count(Finding.id)).where(Finding.audit_id == audit_id)) or 0


def findings_query(audit: Audit, filters: Mapping[str, Any]) -> Select[tuple[Finding]]:
    stmt = select(Finding).where(Finding.audit_id == audit.id, Finding.org_id == audit.org_id)
    for key in ("severity", "status"):
        if filters.get(key):
            stmt = stmt.where(getattr(Finding, key) == filters[key])
    if filters.get("indicator"):
        # indicators is a JSON list of FL codes; its text holds each code in quotes, on SQLite
        # and PostgreSQL alike (the filter's value is checked against the codes first).
        stmt = stmt.where(cast(Finding.indicators, String).contains(f'"{filters["indicator"]}"'))
    return stmt.order_by(Finding.code.is_(None), Finding.code, Finding.id)


def action_counts(session: Session, finding_ids: list[int]) -> dict[int, int]:
    if not finding_ids:
        return {}
    return dict(session.execute(
        select(Action.finding_id, func.count(Action.id))
        .where(Action.finding_id.in_(finding_ids)).group_by(Action.finding_id)).all())


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
