"""Read-only queries shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import NotFound, field_error
from questionnaires.models import Assignment, Evidence, Signal
from questionnaires.sharing import assigned_to_supplier
from questionnaires.states import EDITABLE, STATUSES
from suppliers.models import Supplier


def template_or_404(key: str, version: int | None = None):
    """A built-in template, or a NotFound naming the key (and version) that was asked for."""
    from questionnaires import definitions

    try:
        return definitions.get_template(key, version)
    except KeyError:
        raise NotFound(f'No questionnaire "{key}"'
                       + (f" version {version}." if version else ".")) from None


def parse_filters(args: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    status = args.get("status") or None
    if status is not None:
        if status not in STATUSES:
            raise field_error("status", f"One of {', '.join(STATUSES)}.")
        out["status"] = status
    supplier_id = args.get("supplier_id")
    if supplier_id not in (None, ""):
        try:
            out["supplier_id"] = int(supplier_id)
        except (TypeError, ValueError):
            raise field_error("supplier_id", "A supplier id (an integer).") from None
    overdue = args.get("overdue")
    if overdue not in (None, ""):
        if str(overdue).lower() not in ("1", "0", "true", "false", "yes", "no"):
            raise field_error("overdue", "1 or 0.")
        out["overdue"] = str(overdue).lower() in ("1", "true", "yes")
    template = args.get("template") or None
    if template is not None:
        out["template"] = str(template)[:40]
    campaign = args.get("campaign_id")
    if campaign not in (None, ""):
        try:
            out["campaign_id"] = int(campaign)
        except (TypeError, ValueError):
            raise field_error("campaign_id", "A campaign id (an integer).") from None
    return out


def _overdue(today: date):
    return Assignment.status.in_(sorted(EDITABLE)) & (Assignment.due_date < today)


def _filtered(query: Select, filters: Mapping[str, Any]) -> Select:
    today = utcnow().date()
    if "status" in filters:
        query = query.where(Assignment.status == filters["status"])
    if "supplier_id" in filters:
        query = query.where(Assignment.supplier_id == filters["supplier_id"])
    if "template" in filters:
        query = query.where(Assignment.template_key == filters["template"])
    if "campaign_id" in filters:
        query = query.where(Assignment.campaign_id == filters["campaign_id"])
    if filters.get("overdue") is True:
        query = query.where(_overdue(today))
    elif filters.get("overdue") is False:
        query = query.where(~_overdue(today))
    return query


def buyer_assignments(org_id: int, filters: Mapping[str, Any] | None = None) -> Select:
    """The buyer's assignments, overdue first, then by due date."""
    today = utcnow().date()
    query = select(Assignment).where(Assignment.org_id == org_id)
    query = _filtered(query, filters or {})
    return query.order_by(case((_overdue(today), 0), else_=1), Assignment.due_date,
                          Assignment.id)


def supplier_assignments(user, filters: Mapping[str, Any] | None = None) -> Select:
    """What buyers addressed to the user's supplier organisation, open ones first."""
    query = _filtered(assigned_to_supplier.query(user), dict(filters or {}))
    done = case((Assignment.status.in_(("submitted", "accepted")), 1), else_=0)
    return query.order_by(done, Assignment.due_date, Assignment.id)


def status_counts(session: Session, org_id: int) -> dict[str, int]:
    today = utcnow().date()
    rows = session.execute(
        select(Assignment.status, func.count()).where(Assignment.org_id == org_id)
        .group_by(Assignment.status)
    ).all()
    counts = dict.fromkeys(STATUSES, 0) | {status: n for status, n in rows}
    counts["overdue"] = session.scalar(
        select(func.count()).select_from(Assignment)
        .where(Assignment.org_id == org_id, _overdue(today))) or 0
    return counts


def signals_of(session: Session, assignment_id: int) -> list[Signal]:
    return list(session.scalars(
        select(Signal).where(Signal.assignment_id == assignment_id)
        .order_by(Signal.indicator, Signal.question)))


def evidence_of(session: Session, assignment_id: int) -> list[Evidence]:
    return list(session.scalars(
        select(Evidence).where(Evidence.assignment_id == assignment_id)
        .order_by(Evidence.question_code, Evidence.id)))


def supplier_assignment_count(session: Session, org_id: int, supplier_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Assignment)
        .where(Assignment.org_id == org_id, Assignment.supplier_id == supplier_id)) or 0


def for_supplier_record(session: Session, org_id: int, supplier_id: int) -> list[Assignment]:
    return list(session.scalars(
        select(Assignment).where(Assignment.org_id == org_id,
                                 Assignment.supplier_id == supplier_id)
        .order_by(Assignment.created_at.desc()).limit(20)))


def campaign_suppliers(org_id: int, filters: Mapping[str, Any]) -> Select:
    """Live suppliers matching the campaign page's filter (the supplier list's filters)."""
    from suppliers import queries as supplier_queries

    return supplier_queries.supplier_query(org_id, filters).with_only_columns(Supplier.id)
