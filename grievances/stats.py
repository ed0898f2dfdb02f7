"""Effectiveness figures of one company's channel, for a period or for all time: Core queries
scoped to the organisation, never the text and never a loaded case object.

Counts and statuses are grouped by the database; the times (to acknowledge, answer, resolve)
and the categories (a JSON list per case) come as plain tuples of the cases in the period, a
bounded number for a grievance channel, and are reduced here. Open and overdue are as of today.
The period is by the day a case was received.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from grievances import states
from grievances.models import Channel, ChannelSupplier, Grievance, Message
from grievances.queries import overdue
from grievances.scorecard import Figures, masked, median, score, share
from suppliers.models import Supplier

TOP_SUPPLIERS = 15
DAY = 86400.0


@dataclass(frozen=True)
class Stats:
    figures: Figures
    by_supplier: list[tuple[str, int]] = field(default_factory=list)  # (name, cases)
    unlinked: int = 0
    by_month: list[tuple[str, int]] = field(default_factory=list)  # ("2026-03", cases)
    purged: int = 0
    period: tuple[date, date] | None = None

    @property
    def median_acknowledge(self) -> float | None:
        return _median_if_enough(self.figures.acknowledge_days)

    @property
    def median_resolve(self) -> float | None:
        return _median_if_enough(self.figures.resolve_days)


def _median_if_enough(values: tuple[float, ...]) -> float | None:
    # The median of fewer than 5 cases says too much about each: not shown.
    return median(values) if len(values) >= 5 else None


def _bounds(start: date | None, end: date | None) -> list[Any]:
    where = []
    if start is not None:
        where.append(Grievance.received_at >= datetime.combine(start, time.min, UTC))
    if end is not None:
        where.append(Grievance.received_at < datetime.combine(end + timedelta(days=1),
                                                              time.min, UTC))
    return where


def _days(later: datetime | None, earlier: datetime) -> float | None:
    if later is None:
        return None
    return max((later - earlier).total_seconds() / DAY, 0.0)


def gather(session: Session, org_id: int, *, start: date | None = None,
           end: date | None = None, today: date | None = None) -> Stats:
    today = today or utcnow().date()
    scope = [Grievance.org_id == org_id, *_bounds(start, end)]
    late = overdue(today)
    row = session.execute(select(
        func.count(Grievance.id),
        func.count(case((Grievance.status.in_(states.OPEN), 1))),
        func.count(case((late, 1))),
        func.count(case((Grievance.retaliation.is_(True), 1))),
        func.count(case((and_(Grievance.retaliation.is_(True),
                              Grievance.status.in_(states.OPEN)), 1))),
        func.count(case((Grievance.reopened > 0, 1))),
        func.count(case((Grievance.status.in_(("resolved", "closed")), 1))),
        func.count(Grievance.supplier_id),
        func.count(func.distinct(Grievance.language)),
        func.count(Grievance.answered_at),
        func.count(Grievance.purged_at),
    ).where(*scope)).one()
    (received, open_, late_n, retaliation, retaliation_open, reopened, finished, linked,
     languages, answered, purged) = row
    by_status = dict(session.execute(select(Grievance.status, func.count(Grievance.id))
                                     .where(*scope).group_by(Grievance.status)).all())
    replied = session.scalar(select(func.count(func.distinct(Message.grievance_id)))
                             .join(Grievance, Grievance.id == Message.grievance_id)
                             .where(*scope, Message.from_reporter.is_(True),
                                    Grievance.answered_at.is_not(None))) or 0
    times = _times(session, scope, today)
    channel = session.execute(select(Channel.id, Channel.languages).where(
        Channel.org_id == org_id)).first()
    workplaces = 0
    if channel is not None:
        workplaces = session.scalar(select(func.count(ChannelSupplier.id)).where(
            ChannelSupplier.channel_id == channel[0])) or 0
    figures = Figures(
        received=received, by_category=times.pop("categories"),
        by_status={s: by_status.get(s, 0) for s in states.STATUSES},
        languages_used=languages,
        channel_languages=len(channel[1] or []) if channel is not None else 0,
        workplaces=workplaces, answered=answered, reporter_replied=replied,
        finished=finished, reopened=reopened, open=open_, overdue=late_n,
        retaliation=retaliation, retaliation_open=retaliation_open, linked=linked, **times)
    by_supplier = session.execute(
        select(Supplier.name, func.count(Grievance.id))
        .join(Supplier, Supplier.id == Grievance.supplier_id).where(*scope)
        .group_by(Supplier.id, Supplier.name)
        .order_by(func.count(Grievance.id).desc(), Supplier.name).limit(TOP_SUPPLIERS)).all()
    return Stats(figures, [(n, c) for n, c in by_supplier], unlinked=received - linked,
                 by_month=_months(session, scope), purged=purged,
                 period=(start, end) if start and end else None)


def _times(session: Session, scope: list[Any], today: date) -> dict[str, Any]:
    rows = session.execute(select(
        Grievance.received_at, Grievance.acknowledged_at, Grievance.answered_at,
        Grievance.resolved_at, Grievance.closed_at, Grievance.acknowledge_due_on,
        Grievance.answer_due_on, Grievance.categories).where(*scope))
    ack_days: list[float] = []
    resolve_days: list[float] = []
    categories: Counter[str] = Counter()
    out = dict.fromkeys(("acknowledge_base", "acknowledged_in_time", "answer_base",
                         "answered_in_time", "resolve_base", "resolved_in_time"), 0)
    for received, acked, answered, resolved, closed, ack_due, answer_due, cats in rows:
        for c in dict.fromkeys(cats or []):
            if c in states.CATEGORIES:
                categories[c] += 1
        ack = _days(acked, received)
        if ack is not None:
            ack_days.append(ack)
        if ack is not None or ack_due < today:
            out["acknowledge_base"] += 1
            out["acknowledged_in_time"] += ack is not None and ack <= states.ACKNOWLEDGE_DAYS
        answer = _days(answered, received)
        if answer is not None or answer_due < today:
            out["answer_base"] += 1
            out["answered_in_time"] += answer is not None and answer <= states.ANSWER_DAYS
        done = _days(resolved or closed, received)
        if done is not None:
            resolve_days.append(done)
        if done is not None or answer_due < today:
            out["resolve_base"] += 1
            out["resolved_in_time"] += done is not None and done <= states.ANSWER_DAYS
    return out | {"acknowledge_days": tuple(ack_days), "resolve_days": tuple(resolve_days),
                  "categories": {c: categories.get(c, 0) for c in states.CATEGORIES}}


def _months(session: Session, scope: list[Any]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for (received,) in session.execute(select(Grievance.received_at).where(*scope)):
        counts[received.strftime("%Y-%m")] += 1
    return sorted(counts.items())[-24:]


def report_figures(stats: Stats) -> dict[str, Any]:
    """The figures as the due-diligence report shows them: JSON values, counts under 5 as
    "fewer than 5", no text and no identifier beyond a supplier's name in the top list."""
    f = stats.figures
    return {
        "received": masked(f.received),
        "by_category": [{"category": c, "count": masked(n)}
                        for c, n in f.by_category.items() if n],
        "by_status": [{"status": s, "count": masked(n)} for s, n in f.by_status.items()],
        "median_days_to_acknowledge": _round(stats.median_acknowledge),
        "median_days_to_resolve": _round(stats.median_resolve),
        "acknowledged_within_7_days": _share_text(f.acknowledged_in_time, f.acknowledge_base),
        "resolved_within_21_days": _share_text(f.resolved_in_time, f.resolve_base),
        "overdue": masked(f.overdue),
        "reopened": masked(f.reopened),
        "retaliation": masked(f.retaliation),
        "open": masked(f.open),
        "scorecard": [c.as_dict() for c in score(f)],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share_text(part: int, whole: int) -> str | float | None:
    """A share of cases in percent; none below 5 cases."""
    if whole < 5:
        return None if not whole else "fewer than 5 cases"
    value = share(part, whole)
    return None if value is None else round(100 * value, 1)
