"""The evidence base ("facts") of one organisation for one period (/work/wt/FACTS.md).

`gather_facts` answers a JSON-serialisable dict shared by the due-diligence report and every
statement of the period; `get_or_gather` keeps it as the period's one `Evidence` row. Every
number is an aggregate computed by the database (Core queries scoped to the organisation),
so 100,000 suppliers cost a handful of grouped counts, never 100,000 loaded objects. The few
lists that need a JSON column (top risks, countries, goods) read a bounded number of rows.

Period rule: the network and risk are as at the end of the period, which is now (there is no
history of the network); audits, their findings, questionnaires sent and actions verified
are those dated in the period; open and overdue actions are as of today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.indicators import INDICATORS
from app.signals import report_inputs
from audits.models import ACTION_STATES, Action, Audit, FeeEntry, Finding
from questionnaires.models import Assignment
from questionnaires.states import EDITABLE
from reports import evidence_lists as lists
from reports.models import Evidence
from risk.weights import BANDS, METHOD_VERSION
from suppliers.countries import country_name
from suppliers.kinds import KIND_LABELS, LABOUR_KINDS
from suppliers.models import Relationship, Supplier

FACTS_VERSION = 1
SEVERITIES = ("critical", "high", "medium", "low")
SUBMITTED = ("submitted", "accepted")  # what the buyer has received (returned: sent back)


def _figure(label: str, value: int | float, href: str | None = None,
            unit: str | None = None) -> dict[str, Any]:
    return {"label": label, "value": value, "unit": unit, "href": href}


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as UTC instants, [start 00:00, the day after end 00:00)."""
    return (datetime.combine(start, time.min, UTC),
            datetime.combine(end + timedelta(days=1), time.min, UTC))


def live(org_id: int) -> tuple:
    return (Supplier.org_id == org_id, Supplier.archived_at.is_(None))


def _network(session: Session, org_id: int) -> tuple[dict[str, Any], dict[str, list]]:
    row = session.execute(select(
        func.count(Supplier.id),
        func.count(case((Supplier.tier == 1, 1))),
        func.count(case((Supplier.tier >= 2, 1))),
        func.count(case((Supplier.tier.is_(None), 1))),
        func.count(func.distinct(Supplier.country)),
        func.count(case((Supplier.kind.in_(sorted(LABOUR_KINDS)), 1))),
        func.coalesce(func.sum(Supplier.workers), 0),
        func.coalesce(func.sum(Supplier.migrant_workers), 0),
        func.count(Supplier.risk_score),
    ).where(*live(org_id))).one()
    total, tier1, deeper, unconnected, countries, recruiters, workers, migrant, scored = row
    edges = dict(session.execute(
        select(Relationship.kind, func.count(Relationship.id))
        .where(*lists.live_edges(org_id)).group_by(Relationship.kind)).all())
    bands = dict(session.execute(
        select(Supplier.risk_band, func.count(Supplier.id))
        .where(*live(org_id), Supplier.risk_band.is_not(None))
        .group_by(Supplier.risk_band)).all())
    figures = {
        "suppliers.total": _figure("Suppliers in the network", total, "/suppliers"),
        "suppliers.tier1": _figure("Direct (tier 1) suppliers", tier1, "/suppliers?tier=1"),
        "suppliers.deeper": _figure("Suppliers at tier 2 or deeper", deeper,
                                    "/suppliers?sort=tier"),
        "suppliers.unconnected": _figure("Suppliers not connected to the company", unconnected,
                                         "/suppliers?tier=none"),
        "suppliers.countries": _figure("Countries of suppliers", countries, "/risk"),
        "suppliers.recruiters": _figure("Recruitment agencies and labour providers", recruiters,
                                        "/suppliers?kind=recruitment_agency"),
        "relationships.total": _figure("Supply relationships", sum(edges.values()),
                                       "/suppliers/network"),
        "relationships.labour": _figure("Labour-supply relationships", edges.get("labour", 0),
                                        "/suppliers/network"),
        "workers.total": _figure("Workers at suppliers", int(workers), "/suppliers?sort=-workers"),
        "workers.migrant": _figure("Migrant workers at suppliers", int(migrant),
                                   "/suppliers?sort=-workers"),
        "risk.scored": _figure("Suppliers with a risk score", scored, "/risk"),
        "risk.critical": _figure("Suppliers at critical risk", bands.get("critical", 0),
                                 "/suppliers?band=critical"),
        "risk.high": _figure("Suppliers at high or critical risk",
                             bands.get("high", 0) + bands.get("critical", 0),
                             "/suppliers?sort=-risk"),
    }
    tiers = session.execute(
        select(Supplier.tier, func.count(Supplier.id)).where(*live(org_id))
        .group_by(Supplier.tier)).all()
    by_country = session.execute(
        select(Supplier.country, func.count(Supplier.id).label("n")).where(*live(org_id))
        .group_by(Supplier.country).order_by(func.count(Supplier.id).desc(), Supplier.country)
        .limit(15)).all()
    kinds = session.execute(
        select(Supplier.kind, func.count(Supplier.id)).where(*live(org_id))
        .group_by(Supplier.kind).order_by(func.count(Supplier.id).desc(), Supplier.kind)).all()
    out = {
        "suppliers_by_tier": [{"tier": t, "count": n} for t, n in
                              sorted(tiers, key=lambda r: (r[0] is None, r[0] or 0))],
        "suppliers_by_country": [{"country": c, "name": country_name(c), "count": n}
                                 for c, n in by_country],
        "suppliers_by_kind": [{"kind": k, "label": KIND_LABELS.get(k, k), "count": n}
                              for k, n in kinds],
        "risk_bands": [{"band": b, "count": bands.get(b, 0)} for b in reversed(BANDS)],
    }
    return figures, out


def _audits(session: Session, org_id: int, start: datetime, end: datetime,
            period: tuple[date, date]) -> tuple[dict[str, Any], dict[str, list]]:
    in_period = (Audit.org_id == org_id, Audit.audit_date >= period[0],
                 Audit.audit_date <= period[1])
    audits, accepted = session.execute(select(
        func.count(Audit.id), func.count(case((Audit.status == "accepted", 1))),
    ).where(*in_period)).one()
    severity: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    indicators: dict[str, int] = dict.fromkeys(INDICATORS, 0)
    total = forced = 0
    # (severity, indicators) of the period's findings: a few thousand small tuples at most.
    rows = session.execute(
        select(Finding.severity, Finding.indicators).join(Audit, Audit.id == Finding.audit_id)
        .where(Finding.org_id == org_id, *in_period))
    for sev, codes in rows:
        total += 1
        severity[sev] = severity.get(sev, 0) + 1
        named = [c for c in dict.fromkeys(codes or []) if c in INDICATORS]
        forced += bool(named)
        for code in named:
            indicators[code] += 1
    today = utcnow().date()
    actions = dict(session.execute(
        select(Action.state, func.count(Action.id)).where(Action.org_id == org_id)
        .group_by(Action.state)).all())
    overdue = session.scalar(select(func.count(Action.id)).where(
        Action.org_id == org_id, Action.state != "verified", Action.due_date < today)) or 0
    verified = session.scalar(select(func.count(Action.id)).where(
        Action.org_id == org_id, Action.state == "verified", Action.verified_at >= start,
        Action.verified_at < end)) or 0
    figures = {
        "audits.in_period": _figure("Audits in the period", audits, "/audits"),
        "audits.accepted": _figure("Audits accepted", accepted, "/audits?status=accepted"),
        "findings.total": _figure("Audit findings", total, "/audits"),
        "findings.critical": _figure("Critical findings", severity["critical"], "/audits"),
        "findings.forced_labour": _figure("Findings naming an ILO forced-labour indicator",
                                          forced, "/audits"),
        "actions.open": _figure("Corrective actions open",
                                sum(n for s, n in actions.items() if s != "verified"),
                                "/actions"),
        "actions.overdue": _figure("Corrective actions overdue", overdue, "/actions"),
        "actions.verified": _figure("Corrective actions verified in the period", verified,
                                    "/actions"),
    }
    out = {
        "findings_by_severity": [{"severity": s, "count": severity.get(s, 0)}
                                 for s in SEVERITIES],
        "findings_by_indicator": [{"code": c, "label": INDICATORS[c], "count": n}
                                  for c, n in indicators.items() if n],
        "actions_by_status": [{"status": s, "count": actions.get(s, 0)} for s in ACTION_STATES]
        + [{"status": "overdue", "count": overdue}],
    }
    return figures, out


def _fees(session: Session, org_id: int) -> tuple[dict[str, Any], dict[str, list]]:
    from audits.money import to_major

    repaid = FeeEntry.repaid_minor >= FeeEntry.owed_minor
    owed_workers, repaid_workers, entries = session.execute(select(
        func.coalesce(func.sum(case((repaid, 0), else_=FeeEntry.workers)), 0),
        func.coalesce(func.sum(case((repaid, FeeEntry.workers),
                                    else_=FeeEntry.workers_confirmed)), 0),
        func.count(FeeEntry.id),
    ).where(FeeEntry.org_id == org_id)).one()
    rows = session.execute(select(
        FeeEntry.currency, func.sum(FeeEntry.workers), func.sum(FeeEntry.owed_minor),
        func.sum(FeeEntry.repaid_minor),
        # the repaid share the workers themselves have confirmed, per cohort
        func.sum(FeeEntry.repaid_minor * FeeEntry.workers_confirmed / FeeEntry.workers),
    ).where(FeeEntry.org_id == org_id).group_by(FeeEntry.currency)
        .order_by(FeeEntry.currency)).all()

    def major(minor: Any, currency: str) -> float:
        return float(to_major(int(minor or 0), currency))

    figures = {
        "fees.workers_owed": _figure("Workers still owed recruitment fees", int(owed_workers)),
        "fees.workers_repaid": _figure("Workers repaid (or confirming repayment)",
                                       int(repaid_workers)),
        "fees.entries": _figure("Recruitment-fee ledger entries", entries),
    }
    out = {"fees_by_currency": [
        {"currency": cur, "workers": int(w or 0), "owed": major(o, cur),
         "repaid": major(r, cur), "confirmed": major(c, cur)} for cur, w, o, r, c in rows]}
    return figures, out


def _questionnaires(session: Session, org_id: int, start: datetime, end: datetime
                    ) -> tuple[dict[str, Any], dict[str, list]]:
    from questionnaires import definitions

    today = utcnow().date()
    sent_in_period = (Assignment.org_id == org_id, Assignment.created_at >= start,
                      Assignment.created_at < end)
    rows = session.execute(select(
        Assignment.template_key, func.count(Assignment.id),
        func.count(case((Assignment.status.in_(SUBMITTED), 1))),
        func.count(case((and_(Assignment.status.in_(sorted(EDITABLE)),
                              Assignment.due_date < today), 1))),
    ).where(*sent_in_period).group_by(Assignment.template_key)
        .order_by(Assignment.template_key)).all()
    tier1 = session.scalar(select(func.count(Supplier.id)).where(
        *live(org_id), Supplier.tier == 1)) or 0
    covered = session.scalar(select(func.count(func.distinct(Assignment.supplier_id))).join(
        Supplier, Supplier.id == Assignment.supplier_id).where(
        Assignment.org_id == org_id, Assignment.status.in_(SUBMITTED), *live(org_id),
        Supplier.tier == 1)) or 0

    def title(key: str) -> str:
        try:
            return definitions.get_template(key).title.get("en", key)
        except (KeyError, LookupError, ValueError):
            return key

    sent = sum(r[1] for r in rows)
    submitted = sum(r[2] for r in rows)
    figures = {
        "questionnaires.sent": _figure("Questionnaires sent in the period", sent,
                                       "/questionnaires"),
        "questionnaires.submitted": _figure("Questionnaires answered", submitted,
                                            "/questionnaires"),
        "questionnaires.tier1_coverage": _figure(
            "Tier-1 suppliers with an answered questionnaire",
            round(100 * covered / tier1, 1) if tier1 else 0, "/suppliers?tier=1", unit="%"),
    }
    out = {"questionnaires": [{"template": k, "title": title(k), "sent": n, "submitted": s,
                               "overdue": o} for k, n, s, o in rows]}
    return figures, out


def gather_facts(session: Session, *, org: Any, period_start: date,
                 period_end: date) -> dict[str, Any]:
    """The facts of `org` for the period (FACTS.md): figures with links, lists, editions."""
    start, end = period_bounds(period_start, period_end)
    figures: dict[str, Any] = {}
    out: dict[str, list] = {}
    for part in (_network(session, org.id),
                 _audits(session, org.id, start, end, (period_start, period_end)),
                 _fees(session, org.id), _questionnaires(session, org.id, start, end)):
        figures.update(part[0])
        out.update(part[1])
    out["recruiters"] = lists.recruiters(session, org)
    out["top_risks"] = lists.top_risks(session, org.id)
    out["high_risk_countries"] = lists.high_risk_countries(session, org.id)
    out["high_risk_goods"] = lists.high_risk_goods(session, org.id)
    out["editions"] = lists.editions(session, org.id)
    figures["risk.high_risk_countries"] = _figure(
        "High-risk countries in the network", len(out["high_risk_countries"]), "/risk")
    facts = {
        "version": FACTS_VERSION,
        "company": {"id": org.id, "name": org.name},
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "gathered_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "figures": figures,
        "lists": out,
        "method_version": METHOD_VERSION,
    }
    facts.update(_other_sections(session, org.id, period_start, period_end, set(facts)))
    return facts


def _other_sections(session: Session, org_id: int, period_start: date, period_end: date,
                    taken: set[str]) -> dict[str, Any]:
    """Sections other packages hold (grievance statistics today, key "grievances"), asked
    through app/signals.py's report_inputs so reports imports none of them; a key the facts
    already have is never overwritten."""
    sections: dict[str, Any] = {}
    for _receiver, answer in report_inputs.send("reports", session=session, org_id=org_id,
                                                period_start=period_start,
                                                period_end=period_end):
        if isinstance(answer, dict):
            sections.update({k: v for k, v in answer.items() if k not in taken})
    return sections


def get_or_gather(session: Session, *, org: Any, period_start: date, period_end: date,
                  actor: Any = None, refresh: bool = False) -> Evidence:
    """The period's one Evidence row: gathered now when missing (or `refresh`), else as kept.
    Flushes, never commits."""
    row = session.scalars(select(Evidence).where(
        Evidence.org_id == org.id, Evidence.period_start == period_start,
        Evidence.period_end == period_end)).first()
    if row is not None and not refresh:
        return row
    facts = gather_facts(session, org=org, period_start=period_start, period_end=period_end)
    if row is None:
        row = Evidence(org_id=org.id, period_start=period_start, period_end=period_end)
        session.add(row)
    row.facts = facts
    row.gathered_at = utcnow()
    row.gathered_by_id = getattr(actor, "id", None)
    session.flush()
    return row

