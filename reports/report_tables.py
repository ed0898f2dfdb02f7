"""The due-diligence report's full tables (XLSX, one sheet each) and the risk register (CSV).

Rows come from Core queries in keyset pages of PAGE rows (id > the last one seen, along the
organisation's id index), so 100,000 suppliers are never a list in memory and no cursor stays
open while the job reports progress; they are written by app/exports.py's streaming,
formula-safe writers (frozen headers, filters, widths, text never a formula).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from app.db import utcnow
from app.exports import write_csv, write_xlsx
from audits.models import Action, Audit, FeeEntry, Finding
from audits.money import to_major
from questionnaires.models import Assignment
from questionnaires.states import EDITABLE
from reports.evidence import live, period_bounds
from risk.models import RiskScore
from risk.weights import METHOD_VERSION
from suppliers.models import Relationship, Supplier
from suppliers.queries import live_edges

PAGE = 2000
PROGRESS_EVERY = 1000
Progress = Callable[[int], None]

SUPPLIER_HEADER = ["id", "external_id", "name", "country", "kind", "tier", "workers",
                   "migrant_workers", "score", "band", "top_factors", "method_version"]
REGISTER_HEADER = ["id", "external_id", "name", "country", "kind", "tier", "score", "band",
                   "top_factors", "method_version"]


def _pages(session: Session, stmt: Select, key: Any) -> Iterator[Any]:
    """Every row of `stmt` (whose first column is `key`), PAGE rows per query."""
    last = None
    while True:
        page = stmt if last is None else stmt.where(key > last)
        rows = session.execute(page.order_by(key).limit(PAGE)).all()
        yield from rows
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def _plain(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Times as naive UTC, as a spreadsheet cell holds them (Excel has no time zones)."""
    for row in rows:
        yield [v.astimezone(UTC).replace(tzinfo=None)
               if isinstance(v, datetime) and v.tzinfo is not None else v for v in row]


def top_factors_text(factors: list[dict[str, Any]] | None, count: int = 3) -> str:
    ranked = sorted(factors or [], key=lambda f: (-float(f.get("points") or 0), f.get("code", "")))
    return "; ".join(f"{f.get('label')} ({float(f.get('points') or 0):g})"
                     for f in ranked[:count])


def supplier_count(session: Session, org_id: int) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count(Supplier.id)).where(*live(org_id))) or 0


def _supplier_rows(session: Session, org_id: int) -> Iterator[Any]:
    stmt = (select(Supplier.id, Supplier.external_id, Supplier.name, Supplier.country,
                   Supplier.kind, Supplier.tier, Supplier.workers, Supplier.migrant_workers,
                   Supplier.risk_score, Supplier.risk_band, RiskScore.factors,
                   RiskScore.method_version)
            .outerjoin(RiskScore, RiskScore.supplier_id == Supplier.id)
            .where(*live(org_id)))
    return _pages(session, stmt, Supplier.id)


def suppliers(session: Session, org_id: int, progress: Progress | None = None
              ) -> Iterator[list[Any]]:
    for n, r in enumerate(_supplier_rows(session, org_id), start=1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
        yield [r.id, r.external_id, r.name, r.country, r.kind, r.tier, r.workers,
               r.migrant_workers, r.risk_score, r.risk_band, top_factors_text(r.factors),
               r.method_version or (METHOD_VERSION if r.risk_score is not None else None)]


def register(session: Session, org_id: int, progress: Progress | None = None
             ) -> Iterator[list[Any]]:
    """The supplier risk register: one row per supplier (REGISTER_HEADER)."""
    for row in suppliers(session, org_id, progress):
        yield row[:6] + row[8:]


def relationships(session: Session, org: Any) -> Iterator[list[Any]]:
    upstream, customer = aliased(Supplier), aliased(Supplier)
    stmt = (select(Relationship.id, Relationship.supplier_id, upstream.name,
                   Relationship.customer_id, customer.name, Relationship.kind,
                   Relationship.product)
            .join(upstream, upstream.id == Relationship.supplier_id)
            .outerjoin(customer, customer.id == Relationship.customer_id)
            .where(*live_edges(org.id)))
    for r in _pages(session, stmt, Relationship.id):
        yield [r[0], r[1], r[2], r[3], org.name if r[3] is None else r[4], r[5], r[6]]


def findings(session: Session, org_id: int, start: date, end: date) -> Iterator[list[Any]]:
    stmt = (select(Finding.id, Audit.id, Audit.audit_date, Audit.scheme, Audit.status,
                   Finding.supplier_id, Supplier.name, Finding.code, Finding.severity,
                   Finding.scheme_severity, Finding.indicators, Finding.workers_affected,
                   Finding.status, Finding.description)
            .join(Audit, Audit.id == Finding.audit_id)
            .join(Supplier, Supplier.id == Finding.supplier_id)
            .where(Finding.org_id == org_id, Audit.audit_date >= start, Audit.audit_date <= end))
    for r in _pages(session, stmt, Finding.id):
        yield [*r[:10], ", ".join(r[10] or []), *r[11:]]


def actions(session: Session, org_id: int) -> Iterator[list[Any]]:
    today = utcnow().date()
    stmt = (select(Action.id, Action.finding_id, Finding.code, Action.supplier_id,
                   Supplier.name, Action.description, Action.owner_email, Action.due_date,
                   Action.state, Action.verified_at)
            .join(Finding, Finding.id == Action.finding_id)
            .join(Supplier, Supplier.id == Action.supplier_id)
            .where(Action.org_id == org_id))
    for r in _pages(session, stmt, Action.id):
        overdue = r.state != "verified" and r.due_date < today
        yield [*r[:9], "yes" if overdue else "no", r.verified_at]


def fees(session: Session, org_id: int) -> Iterator[list[Any]]:
    agency = aliased(Supplier)
    stmt = (select(FeeEntry.id, FeeEntry.supplier_id, Supplier.name, FeeEntry.agency_name,
                   agency.name, FeeEntry.origin_country, FeeEntry.workers, FeeEntry.category,
                   FeeEntry.currency, FeeEntry.fee_per_worker_minor, FeeEntry.owed_minor,
                   FeeEntry.repaid_minor, FeeEntry.workers_confirmed, FeeEntry.repaid_on)
            .join(Supplier, Supplier.id == FeeEntry.supplier_id)
            .outerjoin(agency, agency.id == FeeEntry.agency_supplier_id)
            .where(FeeEntry.org_id == org_id))
    for r in _pages(session, stmt, FeeEntry.id):
        cur = r.currency
        status = ("owed" if r.repaid_minor <= 0 else
                  "repaid" if r.repaid_minor >= r.owed_minor else "partly_repaid")
        yield [r[0], r[1], r[2], r[4] or r[3], r.origin_country, r.workers, r.category, cur,
               to_major(r.fee_per_worker_minor, cur), to_major(r.owed_minor, cur),
               to_major(r.repaid_minor, cur), status, r.workers_confirmed, r.repaid_on]


def questionnaires(session: Session, org_id: int, start: date, end: date
                   ) -> Iterator[list[Any]]:
    since, until = period_bounds(start, end)
    today = utcnow().date()
    stmt = (select(Assignment.id, Assignment.supplier_id, Supplier.name,
                   Assignment.template_key, Assignment.template_version, Assignment.status,
                   Assignment.created_at, Assignment.due_date, Assignment.submitted_at)
            .join(Supplier, Supplier.id == Assignment.supplier_id)
            .where(Assignment.org_id == org_id, Assignment.created_at >= since,
                   Assignment.created_at < until))
    for r in _pages(session, stmt, Assignment.id):
        overdue = r.status in EDITABLE and r.due_date < today
        yield [*r, "yes" if overdue else "no"]


SHEETS = {
    "Relationships": ["id", "supplier_id", "supplier", "customer_id", "customer", "kind",
                      "product"],
    "Findings": ["id", "audit_id", "audit_date", "scheme", "audit_status", "supplier_id",
                 "supplier", "code", "severity", "scheme_severity", "indicators",
                 "workers_affected", "status", "description"],
    "Actions": ["id", "finding_id", "finding", "supplier_id", "supplier", "description",
                "owner_email", "due_date", "state", "overdue", "verified_at"],
    "Fees": ["id", "supplier_id", "supplier", "agency", "origin_country", "workers", "category",
             "currency", "fee_per_worker", "owed", "repaid", "status", "workers_confirmed",
             "repaid_on"],
    "Questionnaires": ["id", "supplier_id", "supplier", "template", "version", "status",
                       "sent_at", "due_date", "submitted_at", "overdue"],
}


def write_report_xlsx(path: Path, session: Session, *, org: Any, start: date, end: date,
                      progress: Progress | None = None) -> None:
    """Every table of the report into one workbook at `path`, streamed sheet by sheet."""
    about: Iterable[list[Any]] = [
        ["Report", "Due-diligence report"], ["Company", org.name],
        ["Period", f"{start.isoformat()} to {end.isoformat()}"],
        ["Made at", utcnow().strftime("%Y-%m-%d %H:%M UTC")],
        ["Risk method version", METHOD_VERSION],
        ["Note", "Network and risk as at the time made; findings, audits and questionnaires "
                 "of the period."]]
    write_xlsx(str(path), [
        ("About", ["field", "value"], about),
        ("Suppliers", SUPPLIER_HEADER, suppliers(session, org.id, progress)),
        ("Relationships", SHEETS["Relationships"], _plain(relationships(session, org))),
        ("Findings", SHEETS["Findings"], _plain(findings(session, org.id, start, end))),
        ("Actions", SHEETS["Actions"], _plain(actions(session, org.id))),
        ("Fees", SHEETS["Fees"], _plain(fees(session, org.id))),
        ("Questionnaires", SHEETS["Questionnaires"],
         _plain(questionnaires(session, org.id, start, end))),
    ], filters=True)


def write_register_csv(path: Path, session: Session, *, org: Any,
                       progress: Progress | None = None) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(handle, REGISTER_HEADER, register(session, org.id, progress))
