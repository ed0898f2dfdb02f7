"""Read-only queries the case pages and the API share: the inbox with its filters (overdue
first, then by the next deadline), the home card's counts, supplier choices, the people who may
read grievances. Nothing here decrypts: the list never holds a reporter's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import utcnow
from app.errors import ValidationFailed
from grievances import states
from grievances.models import AccessWithdrawal, Grievance
from suppliers.models import Supplier

MAX_SUPPLIER_CHOICES = 200
READER_ROLES = ("admin", "compliance")


def _today(today: date | None) -> date:
    return today or utcnow().date()


def acknowledge_late(today: date) -> Any:
    """SQL twin of states.Clock.acknowledge_overdue."""
    return and_(Grievance.status == "received", Grievance.acknowledged_at.is_(None),
                Grievance.acknowledge_due_on < today)


def answer_late(today: date) -> Any:
    """SQL twin of states.Clock.answer_overdue."""
    return and_(Grievance.status.in_(states.OPEN), Grievance.answered_at.is_(None),
                Grievance.answer_due_on < today)


def overdue(today: date) -> Any:
    return or_(acknowledge_late(today), answer_late(today))


def next_deadline() -> Any:
    """The date the case next owes something: its acknowledgement, else its answer; none
    once it is answered or no longer open."""
    return case(
        (and_(Grievance.status == "received", Grievance.acknowledged_at.is_(None)),
         Grievance.acknowledge_due_on),
        (and_(Grievance.status.in_(states.OPEN), Grievance.answered_at.is_(None)),
         Grievance.answer_due_on),
        else_=None)


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    category: str | None = None
    supplier_id: int | None = None
    overdue: bool | None = None
    open_only: bool = False

    def as_args(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("status", "category", "supplier_id"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.overdue is not None:
            out["overdue"] = "1" if self.overdue else "0"
        if self.open_only:
            out["status"] = "open"
        return out


def parse_filters(args: Mapping[str, Any]) -> Filters:
    """Filters from a query string or a validated query dict (422 naming a bad value)."""
    status = (str(args.get("status") or "")).strip() or None
    open_only = status == "open"
    if status is not None and status != "open" and status not in states.STATUSES:
        raise ValidationFailed("Please check the filters.", [{
            "field": "status", "message": f"Choose open or one of {', '.join(states.STATUSES)}."}])
    category = (str(args.get("category") or "")).strip() or None
    if category is not None and category not in states.CATEGORIES:
        raise ValidationFailed("Please check the filters.", [{
            "field": "category", "message": f"Choose one of {', '.join(states.CATEGORIES)}."}])
    supplier_id: int | None = None
    raw = args.get("supplier_id")
    if raw not in (None, ""):
        try:
            supplier_id = int(str(raw).split(".")[0])
            if not 1 <= supplier_id <= 2**31 - 1:
                raise ValueError
        except ValueError:
            raise ValidationFailed("Please check the filters.", [{
                "field": "supplier_id", "message": "A supplier's id is a whole number."}]) \
                from None
    late: bool | None = None
    raw = args.get("overdue")
    if isinstance(raw, bool):
        late = raw
    elif raw not in (None, ""):
        text = str(raw).strip().lower()
        if text not in ("1", "0", "true", "false", "yes", "no"):
            raise ValidationFailed("Please check the filters.", [{
                "field": "overdue", "message": "true or false."}])
        late = text in ("1", "true", "yes")
    return Filters(None if open_only else status, category, supplier_id, late, open_only)


def _has_category(category: str) -> Any:
    # Categories are a JSON list; a LIKE on its text works on SQLite and PostgreSQL alike, and
    # the value is one of CATEGORIES (none is a part of another's quoted name).
    return cast(Grievance.categories, String).like(f'%"{category}"%')


def inbox(org_id: int, filters: Filters, *, today: date | None = None) -> Select:
    """The company's cases: overdue first, then by the next deadline, then newest."""
    day = _today(today)
    late = overdue(day)
    stmt = select(Grievance).where(Grievance.org_id == org_id)
    if filters.status:
        stmt = stmt.where(Grievance.status == filters.status)
    if filters.open_only:
        stmt = stmt.where(Grievance.status.in_(states.OPEN))
    if filters.category:
        stmt = stmt.where(_has_category(filters.category))
    if filters.supplier_id:
        stmt = stmt.where(Grievance.supplier_id == filters.supplier_id)
    if filters.overdue is True:
        stmt = stmt.where(late)
    elif filters.overdue is False:
        stmt = stmt.where(~late)
    deadline = next_deadline()
    return stmt.order_by(case((late, 0), else_=1), deadline.is_(None), deadline,
                         Grievance.received_at.desc(), Grievance.id.desc())


def clock(g: Grievance) -> states.Clock:
    return states.Clock(g.status, g.acknowledge_due_on, g.answer_due_on, g.acknowledged_at,
                        g.answered_at)


def deadline_badges(g: Grievance, today: date | None = None) -> list[dict[str, Any]]:
    """What the case owes: [{label, on, late}] ("acknowledge by", "answer by")."""
    day = _today(today)
    c = clock(g)
    out = []
    if g.status == "received" and g.acknowledged_at is None:
        out.append({"label": "acknowledge by", "on": g.acknowledge_due_on,
                    "late": c.acknowledge_overdue(day)})
    if g.status in states.OPEN and g.answered_at is None:
        out.append({"label": "answer by", "on": g.answer_due_on, "late": c.answer_overdue(day)})
    return out


def supplier_names(session: Session, org_id: int, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Supplier.id, Supplier.name).where(
        Supplier.org_id == org_id, Supplier.id.in_(sorted(ids)))).all())


def supplier_choices(session: Session, org_id: int, q: str = "",
                     include: int | None = None) -> list[tuple[int, str]]:
    """(id, "Name (CC)") of live suppliers whose name holds `q`, and `include` (the current
    link) whatever the search."""
    stmt = select(Supplier.id, Supplier.name, Supplier.country).where(
        Supplier.org_id == org_id, Supplier.archived_at.is_(None))
    if q:
        stmt = stmt.where(Supplier.name_key.contains(q.casefold(), autoescape=True))
    rows = list(session.execute(stmt.order_by(Supplier.name_key).limit(MAX_SUPPLIER_CHOICES)))
    if include and include not in {r[0] for r in rows}:
        rows += list(session.execute(select(Supplier.id, Supplier.name, Supplier.country).where(
            Supplier.org_id == org_id, Supplier.id == include)))
    return [(i, f"{n} ({c})" if c else n) for i, n, c in rows]


def card_counts(session: Session, org_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """The home card: open cases, overdue cases, received this month."""
    now = now or utcnow()
    month = datetime(now.year, now.month, 1, tzinfo=now.tzinfo)
    open_, late, this_month = session.execute(select(
        func.count(case((Grievance.status.in_(states.OPEN), 1))),
        func.count(case((overdue(now.date()), 1))),
        func.count(case((Grievance.received_at >= month, 1))),
    ).where(Grievance.org_id == org_id)).one()
    return {"open": open_, "overdue": late, "this_month": this_month}


def readers(session: Session, org_id: int) -> list[tuple[User, bool]]:
    """Active admins and compliance users of the organisation, each with whether they may
    read grievances (an admin withdrew it from those marked False)."""
    withdrawn = set(session.scalars(select(AccessWithdrawal.user_id).where(
        AccessWithdrawal.org_id == org_id)))
    users = session.scalars(select(User).where(
        User.org_id == org_id, User.role.in_(READER_ROLES), User.is_active.is_(True))
        .order_by(User.role, User.email)).all()
    return [(u, u.id not in withdrawn) for u in users]
