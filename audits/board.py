"""Read-only queries of the corrective-action board, the dashboard cards and the supplier panel.

The board answers with one query for the counts and two per column, whatever the number of
actions: each column's ids are `WHERE org_id = ? AND state = ? ORDER BY due_date LIMIT n` on the
(org_id, state, due_date) index for the buyer, then those rows come with the finding, audit and
supplier names in one query (joined eager loads), so nothing is fetched row by row. The earliest due
date comes first, so overdue actions lead every column but the verified one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, contains_eager

from app.auth.models import Organization
from app.db import utcnow
from audits import money
from audits.crosswalk import SEVERITIES
from audits.models import ACTION_STATES, Action, Audit, FeeEntry, Finding
from audits.sharing import audits_for
from suppliers.models import Supplier

PER_COLUMN = 50
MAX_PER_COLUMN = 1000


@dataclass
class Column:
    state: str
    actions: list[Action] = field(default_factory=list)
    count: int = 0
    overdue: int = 0
    limit: int = PER_COLUMN

    @property
    def more(self) -> int:
        return max(self.count - len(self.actions), 0)


def scoped_actions(user) -> Select[tuple[Action]]:
    """Actions the user may see, with their finding and audit joined (and loaded from the join):
    the buyer's company's; the auditor's assigned audits'; the supplier organisation's shared
    (submitted or accepted) audits'."""
    audit = contains_eager(Action.finding).contains_eager(Finding.audit)
    stmt = (select(Action).join(Finding, Finding.id == Action.finding_id)
            .join(Audit, Audit.id == Finding.audit_id)
            # the cards show names only: whole supplier and organisation rows cost more to
            # build than the query costs to run
            .options(audit.joinedload(Audit.supplier).load_only(Supplier.name, Supplier.country,
                                                                Supplier.linked_org_id),
                     audit.joinedload(Audit.organization).load_only(Organization.name,
                                                                    Organization.kind)))
    return _scope(stmt, user)


def _scope(stmt: Select, user) -> Select:
    rule = audits_for(user)
    if rule is None:
        return stmt.where(Action.org_id == user.org_id)
    return stmt.where(rule.link(user))


def _joined(stmt: Select, user, filters: Mapping[str, Any]) -> Select:
    """The finding and audit joined only when the scope or a filter needs them: the buyer's
    plain board walks the (org_id, state, due_date) index alone (PostgreSQL hash-joins all
    20,000 rows otherwise)."""
    if audits_for(user) is None and not filters.get("severity"):
        return stmt
    return stmt.join(Finding, Finding.id == Action.finding_id).join(
        Audit, Audit.id == Finding.audit_id)


def _filtered(stmt: Select, user, filters: Mapping[str, Any]) -> Select:
    if filters.get("severity"):
        stmt = stmt.where(Finding.severity == filters["severity"])
    if filters.get("owner"):
        stmt = stmt.where(Action.owner_email.contains(str(filters["owner"]).casefold(),
                                                      autoescape=True))
    if filters.get("supplier_id") and audits_for(user) is None:
        stmt = stmt.where(Action.supplier_id == filters["supplier_id"])
    if filters.get("supplier"):
        names = select(Supplier.id).where(
            Supplier.name_key.contains(str(filters["supplier"]).casefold(), autoescape=True))
        if audits_for(user) is None:
            names = names.where(Supplier.org_id == user.org_id)
        stmt = stmt.where(Action.supplier_id.in_(names))
    return stmt


def board(session: Session, user, filters: Mapping[str, Any],
          limits: Mapping[str, int] | None = None, today: date | None = None) -> list[Column]:
    """The four columns, each with its first `limits[state]` actions (50 by default)."""
    today = today or utcnow().date()
    columns = {s: Column(s, limit=min((limits or {}).get(s, PER_COLUMN), MAX_PER_COLUMN))
               for s in ACTION_STATES}
    late = case((Action.due_date < today, 1), else_=0)
    counts = select(Action.state, func.count(Action.id), func.sum(late))
    counts = _filtered(_scope(_joined(counts, user, filters), user), user, filters)
    for state, n, overdue in session.execute(counts.group_by(Action.state)):
        columns[state].count = n
        columns[state].overdue = int(overdue or 0) if state != "verified" else 0
    for state, column in columns.items():
        if not column.count:
            continue
        if state == "verified":  # latest due first: the same index, read backwards
            order = (Action.due_date.desc(), Action.id.desc())
        else:
            order = (Action.due_date, Action.id)
        # The page's ids first, walking the (org_id, state, due_date) index and probing each
        # finding for a filter; then the eager joins for those rows only. Joined in one
        # statement, planners start from the findings and sort every match before the limit.
        ids = _filtered(_scope(_joined(select(Action.id), user, filters), user),
                        user, filters).where(Action.state == state)
        page = list(session.scalars(ids.order_by(*order).limit(column.limit)))
        stmt = scoped_actions(user).where(Action.id.in_(page)).order_by(*order)
        column.actions = list(session.scalars(stmt).unique())
    return list(columns.values())


def days_overdue(action: Action, today: date | None = None) -> int:
    today = today or utcnow().date()
    if action.state == "verified" or action.due_date >= today:
        return 0
    return (today - action.due_date).days


# --- cards and panels ------------------------------------------------------------------------


def fee_lines(session: Session, org_id: int, supplier_id: int | None = None
              ) -> list[dict[str, Any]]:
    """Owed, repaid and outstanding per currency, summed in SQL as integers and never across
    currencies; sorted by currency code (money.totals_by_currency), with their display text."""
    stmt = (select(FeeEntry.currency, func.sum(FeeEntry.owed_minor),
                   func.sum(FeeEntry.repaid_minor), func.sum(FeeEntry.workers))
            .where(FeeEntry.org_id == org_id).group_by(FeeEntry.currency))
    if supplier_id is not None:
        stmt = stmt.where(FeeEntry.supplier_id == supplier_id)
    rows = session.execute(stmt).all()
    owed = money.totals_by_currency((cur, int(o or 0)) for cur, o, _r, _w in rows)
    repaid = money.totals_by_currency((cur, int(r or 0)) for cur, _o, r, _w in rows)
    workers = {cur: int(w or 0) for cur, _o, _r, w in rows}
    return [{"currency": cur, "owed": money.format_money(owed[cur], cur),
             "repaid": money.format_money(repaid[cur], cur),
             "outstanding": money.format_money(max(owed[cur] - repaid[cur], 0), cur),
             "settled": repaid[cur] >= owed[cur], "workers": workers[cur],
             # the share repaid, for a meter (a ratio of integers: no float near money)
             "repaid_share": (min(repaid[cur], owed[cur]) / owed[cur]) if owed[cur] else 1.0}
            for cur in owed]


def buyer_summary(session: Session, org_id: int, today: date | None = None) -> dict[str, Any]:
    """The dashboard card: open and overdue actions, open findings by severity, fees."""
    today = today or utcnow().date()
    open_actions, overdue = session.execute(
        select(func.count(Action.id), func.sum(case((Action.due_date < today, 1), else_=0)))
        .where(Action.org_id == org_id, Action.state != "verified")).one()
    by_severity = dict(session.execute(
        select(Finding.severity, func.count(Finding.id))
        .where(Finding.org_id == org_id, Finding.status == "open")
        .group_by(Finding.severity)).all())
    return {"open_actions": open_actions or 0, "overdue": int(overdue or 0),
            "findings": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "fees": fee_lines(session, org_id)}


def auditor_status_counts(session: Session, user) -> dict[str, int]:
    rule = audits_for(user)
    assert rule is not None
    return dict(session.execute(
        select(Audit.status, func.count(Audit.id)).where(rule.link(user))
        .group_by(Audit.status)).all())


def supplier_panel(session: Session, org_id: int, supplier_id: int) -> dict[str, Any]:
    """The supplier page's panel: its latest audits, open findings, fee totals."""
    audits = session.scalars(
        select(Audit).where(Audit.org_id == org_id, Audit.supplier_id == supplier_id)
        .order_by(Audit.audit_date.desc(), Audit.id.desc()).limit(10)).all()
    total = session.scalar(select(func.count(Audit.id)).where(
        Audit.org_id == org_id, Audit.supplier_id == supplier_id)) or 0
    by_severity = dict(session.execute(
        select(Finding.severity, func.count(Finding.id))
        .where(Finding.org_id == org_id, Finding.supplier_id == supplier_id,
               Finding.status == "open").group_by(Finding.severity)).all())
    return {"audits": audits, "total": total,
            "findings": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "fees": fee_lines(session, org_id, supplier_id)}
