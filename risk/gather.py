"""Read one organisation's risk inputs from the database, as plain values, with Core.

Whole-network reads (PITFALLS: ORM rows and np.array over result rows are slow): every
query is one select of tuples, scoped by organisation. Risk sits above questionnaires and
audits, so it reads their tables directly; grievances answer through the `risk_inputs`
hook (app/signals.py) so that this package imports none of theirs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import signals
from audits.models import SHARED_STATUSES, Audit, FeeEntry, Finding
from questionnaires.models import Assignment
from questionnaires.models import Signal as QSignal
from risk import weights as W
from risk.inputs import (
    AssignmentInput,
    FeeInput,
    FindingInput,
    GrievanceInput,
    ListingInput,
    SignalInput,
    SupplierInputs,
)
from risk.models import EntityList, ListEdition, ListEntry, ScreeningHit
from suppliers.models import Relationship, Supplier

SUBMITTED = ("submitted", "accepted")


@dataclass
class Network:
    """The organisation's active suppliers and the edges that carry risk, as arrays."""

    ids: np.ndarray  # supplier ids, ascending; dense index = position
    names: list[str]
    countries: list[str]
    tiers: list[int | None]
    src: np.ndarray  # dense indices: upstream supplier ...
    dst: np.ndarray  # ... to its customer (edges to the buying company are not here)
    suppliers: list[SupplierInputs]


def _by_supplier(rows: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for supplier_id, item in rows:
        out[supplier_id].append(item)
    return out


def _signals(session: Session, org_id: int) -> dict[int, list[SignalInput]]:
    rows = session.execute(
        select(QSignal.supplier_id, QSignal.id, QSignal.assignment_id, QSignal.indicator,
               QSignal.strength, QSignal.question, QSignal.note)
        .join(Assignment, Assignment.id == QSignal.assignment_id)
        .where(QSignal.org_id == org_id, Assignment.org_id == org_id,
               Assignment.status.in_(SUBMITTED))
        .order_by(QSignal.id))
    return _by_supplier((r[0], SignalInput(r[1], r[2], r[3], r[4], r[5], r[6] or ""))
                        for r in rows)


def _assignments(session: Session, org_id: int) -> dict[int, list[AssignmentInput]]:
    rows = session.execute(
        select(Assignment.supplier_id, Assignment.id, Assignment.template_key,
               Assignment.status, Assignment.due_date)
        .where(Assignment.org_id == org_id).order_by(Assignment.id))
    return _by_supplier((r[0], AssignmentInput(r[1], r[2], r[3], r[4])) for r in rows)


def _findings(session: Session, org_id: int) -> dict[int, list[FindingInput]]:
    rows = session.execute(
        select(Finding.supplier_id, Finding.id, Finding.audit_id, Finding.code,
               Finding.severity, Finding.indicators, Audit.audit_date, Audit.scheme)
        .join(Audit, Audit.id == Finding.audit_id)
        .where(Finding.org_id == org_id, Audit.org_id == org_id, Finding.status == "open",
               Audit.status.in_(SHARED_STATUSES))
        .order_by(Finding.id))
    return _by_supplier(
        (r[0], FindingInput(r[1], r[2], r[3], r[4], tuple(r[5] or ()), r[6], r[7]))
        for r in rows)


def _fees(session: Session, org_id: int) -> dict[int, list[FeeInput]]:
    """Each cohort counts at the workplace and, when the ledger names it, at the agency that
    recruited the workers (its fee practices then reach everything downstream of it)."""
    rows = session.execute(
        select(FeeEntry.id, FeeEntry.supplier_id, FeeEntry.agency_supplier_id,
               FeeEntry.workers, FeeEntry.currency, FeeEntry.owed_minor,
               FeeEntry.repaid_minor, FeeEntry.workers_confirmed,
               FeeEntry.monthly_wage_minor, FeeEntry.category)
        .where(FeeEntry.org_id == org_id).order_by(FeeEntry.id))
    out: dict[int, list[FeeInput]] = defaultdict(list)
    for r in rows:
        fee = FeeInput(r[0], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
        out[r[1]].append(fee)
        if r[2] is not None and r[2] != r[1]:
            out[r[2]].append(FeeInput(r[0], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                                      at_supplier_id=r[1]))
    return out


def _grievances(session: Session, org_id: int) -> dict[int, list[GrievanceInput]]:
    out: dict[int, list[GrievanceInput]] = defaultdict(list)
    for _receiver, items in signals.risk_inputs.send("risk", session=session, org_id=org_id):
        for item in items or ():
            if item.get("kind", "grievance") != "grievance":
                continue
            opened = item.get("opened_on")
            out[int(item["supplier_id"])].append(GrievanceInput(
                int(item["id"]), str(item.get("category") or "other"),
                str(item.get("status") or "received"), bool(item.get("retaliation")),
                opened if isinstance(opened, date) else None))
    for items in out.values():
        items.sort(key=lambda g: g.id)
    return out


def _listings(session: Session, org_id: int) -> dict[int, list[ListingInput]]:
    """Confirmed screening hits, with the list, edition and entry each was found in."""
    rows = session.execute(
        select(ScreeningHit.supplier_id, ScreeningHit.id, EntityList.id, EntityList.name,
               EntityList.issuer, ListEdition.id, ListEdition.edition,
               ListEdition.superseded_at, ListEntry.id, ListEntry.name, ListEntry.country,
               ListEntry.listed_on, ScreeningHit.decided_at)
        .join(ListEntry, ListEntry.id == ScreeningHit.entry_id)
        .join(ListEdition, ListEdition.id == ScreeningHit.edition_id)
        .join(EntityList, EntityList.id == ScreeningHit.list_id)
        .where(ScreeningHit.org_id == org_id, ScreeningHit.status == "confirmed")
        .order_by(ScreeningHit.id))
    return _by_supplier(
        (r[0], ListingInput(r[1], r[2], r[3], r[4], r[5], r[6], r[7] is not None, r[8], r[9],
                            r[10], r[11], r[12].date() if r[12] else None))
        for r in rows)


def network(session: Session, org_id: int) -> Network:
    rows = session.execute(
        select(Supplier.id, Supplier.name, Supplier.country, Supplier.kind, Supplier.products,
               Supplier.workers, Supplier.migrant_workers, Supplier.tier)
        .where(Supplier.org_id == org_id, Supplier.archived_at.is_(None))
        .order_by(Supplier.id)).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    signals_by, assignments_by = _signals(session, org_id), _assignments(session, org_id)
    findings_by, fees_by = _findings(session, org_id), _fees(session, org_id)
    grievances_by = _grievances(session, org_id)
    listings_by = _listings(session, org_id)
    suppliers = [
        SupplierInputs(
            id=r[0], name=r[1], country=r[2], kind=r[3], products=tuple(r[4] or ()),
            workers=r[5], migrant_workers=r[6],
            signals=tuple(signals_by.get(r[0], ())),
            assignments=tuple(assignments_by.get(r[0], ())),
            findings=tuple(findings_by.get(r[0], ())), fees=tuple(fees_by.get(r[0], ())),
            grievances=tuple(grievances_by.get(r[0], ())),
            listings=tuple(listings_by.get(r[0], ())))
        for r in rows]
    edges = session.execute(
        select(Relationship.supplier_id, Relationship.customer_id)
        .where(Relationship.org_id == org_id, Relationship.customer_id.is_not(None),
               Relationship.kind.in_(W.INHERITING_KINDS))
        .order_by(Relationship.id)).all()
    count = len(edges)
    sup = np.fromiter((e[0] for e in edges), dtype=np.int64, count=count)
    cus = np.fromiter((e[1] for e in edges), dtype=np.int64, count=count)
    src, dst = _dense(ids, sup), _dense(ids, cus)
    keep = (src >= 0) & (dst >= 0)  # both ends active (archived suppliers pass nothing on)
    return Network(ids=ids, names=[r[1] for r in rows], countries=[r[2] for r in rows],
                   tiers=[r[7] for r in rows], src=src[keep], dst=dst[keep],
                   suppliers=suppliers)


def _dense(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    if ids.size == 0:
        return np.full(values.shape, -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(ids, values), ids.size - 1)
    return np.where(ids[pos] == values, pos, -1).astype(np.int64)
