"""The recruitment-fee ledger: cohorts of workers who paid fees, and what was repaid to them.

Amounts come in as major units (a JSON number or a decimal string, "3500.50") and are stored
as integer minor units of their ISO 4217 currency (audits/money.py): never a float, and never
added across currencies.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from app.activity.services import record
from app.errors import field_error
from audits import money
from audits.models import FEE_CATEGORIES, FeeEntry, Finding
from audits.services.notify import inputs_changed
from audits.services.text import clean_text
from suppliers.countries import normalise_country
from suppliers.kinds import LABOUR_KINDS
from suppliers.models import Supplier

MAX_WORKERS = 10_000_000
MAX_MINOR = 10**15  # far above any real fee, well inside BigInteger


def currency_of(value: Any, field: str = "currency") -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    try:
        money.exponent(code)
    except (KeyError, ValueError):
        raise field_error(field, f'"{str(value)[:20]}" is not an ISO 4217 currency code such '
                                 'as "USD", "MYR" or "NPR".') from None
    return code


def minor_of(value: Any, currency: str, field: str) -> int:
    """Major units (number or decimal string) as minor units; 422 naming the field."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise field_error(field, "An amount: a number or a decimal string such as \"3500.50\".")
    try:
        # money.to_minor reads text itself ("1,500.50" included): Decimal("1,500") would fail
        minor = money.to_minor(value.strip() if isinstance(value, str) else value, currency)
    except (InvalidOperation, ValueError) as exc:
        raise field_error(field, f"{field}: {exc}" if str(exc) else
                          f'"{str(value)[:30]}" is not an amount in {currency}.') from None
    if minor < 0 or minor > MAX_MINOR:
        raise field_error(field, f"{field} must be from 0 to {MAX_MINOR:,} minor units.")
    return minor


def major_text(minor: int | None, currency: str) -> str | None:
    """Minor units as the decimal string the API answers ("3500.00")."""
    if minor is None:
        return None
    exp = money.exponent(currency)
    value = money.to_major(minor, currency)
    return f"{value:.{exp}f}"


def _count(value: Any, field: str, *, minimum: int = 0, maximum: int = MAX_WORKERS) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value \
            or not minimum <= value <= maximum:
        raise field_error(field, f"{field}: a whole number from {minimum} to {maximum:,}.")
    return int(value)


def _agency(session: Session, org_id: int, agency_id: Any) -> Supplier | None:
    if agency_id is None:
        return None
    agency = session.get(Supplier, agency_id) if isinstance(agency_id, int) else None
    if agency is None or agency.org_id != org_id or agency.archived_at is not None:
        raise field_error("agency_supplier_id", "Not a supplier in your network.")
    if agency.kind not in LABOUR_KINDS:
        raise field_error("agency_supplier_id", f"{agency.name} is a {agency.kind}, not a "
                                                "recruitment agency or labour provider.")
    return agency


def add_fee_entry(session: Session, *, supplier: Supplier, actor: Any, values: dict[str, Any]
                  ) -> FeeEntry:
    """A cohort: `workers` and `fee_per_worker` and/or `amount` (the cohort's total owed)."""
    workers = _count(values.get("workers"), "workers", minimum=1)
    currency = currency_of(values.get("currency"))
    per_worker = values.get("fee_per_worker")
    total = values.get("amount")
    if per_worker is None and total is None:
        raise field_error("amount", "Give amount (what the cohort paid) or fee_per_worker.")
    per_minor = minor_of(per_worker, currency, "fee_per_worker") if per_worker is not None \
        else None
    owed = minor_of(total, currency, "amount") if total is not None else per_minor * workers
    if owed > MAX_MINOR:  # many workers at a large fee: still an amount the ledger can hold
        raise field_error("fee_per_worker", f"{workers:,} workers x the fee is more than "
                          f"{money.format_money(MAX_MINOR, currency)}.")
    per_minor = per_minor if per_minor is not None else owed // workers
    category = values.get("category") or "recruitment_fee"
    if category not in FEE_CATEGORIES:
        raise field_error("category", f"One of {', '.join(FEE_CATEGORIES)}.")
    country = values.get("origin_country")
    if country not in (None, ""):
        try:
            country = normalise_country(country)
        except ValueError as exc:
            raise field_error("origin_country", str(exc)) from None
    finding_id = values.get("finding_id")
    if finding_id is not None:
        finding = session.get(Finding, finding_id) if isinstance(finding_id, int) else None
        if finding is None or finding.org_id != supplier.org_id \
                or finding.supplier_id != supplier.id:
            raise field_error("finding_id", "Not a finding of this supplier's audits.")
    agency = _agency(session, supplier.org_id, values.get("agency_supplier_id"))
    wage = values.get("monthly_wage")
    # 0, like leaving it out, means the wage was not recorded: risk then says so.
    wage_minor = (minor_of(wage, currency, "monthly_wage") or None) if wage not in (None, "") \
        else None
    entry = FeeEntry(
        org_id=supplier.org_id, supplier_id=supplier.id, finding_id=finding_id,
        workers=workers, origin_country=country or None,
        agency_supplier_id=agency.id if agency else None,
        agency_name=clean_text(values.get("agency_name"), "agency_name", 300)
        or (agency.name if agency else None),
        category=category, fee_per_worker_minor=per_minor, currency=currency, owed_minor=owed,
        repaid_minor=0, workers_confirmed=0, monthly_wage_minor=wage_minor,
        evidence_note=clean_text(values.get("evidence_note"), "evidence_note", 10_000),
        created_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    record(session, org_id=supplier.org_id, actor=actor, action="fees.entry_added", obj=entry,
           summary=f"{supplier.name}: {workers} workers, "
                   f"{money.format_money(owed, currency)} {category}",
           details={"finding_id": finding_id, "owed_minor": owed, "currency": currency})
    inputs_changed(session, entry.org_id, [entry.supplier_id, entry.agency_supplier_id], "fees")
    return entry


def record_repayment(session: Session, entry: FeeEntry, *, actor: Any, repaid_amount: Any,
                     repaid_on: date | None = None, method: Any = None,
                     workers_confirmed: Any = None, evidence_note: Any = None) -> FeeEntry:
    """What has been repaid so far (the total, not an increment), and how many workers
    confirmed receiving it."""
    repaid = minor_of(repaid_amount, entry.currency, "repaid_amount")
    if repaid > entry.owed_minor:
        raise field_error("repaid_amount", "More than the cohort paid ("
                          f"{money.format_money(entry.owed_minor, entry.currency)}).")
    confirmed = entry.workers_confirmed if workers_confirmed is None else _count(
        workers_confirmed, "workers_confirmed", maximum=entry.workers)
    before = entry.repaid_minor
    entry.repaid_minor = repaid
    entry.repaid_on = repaid_on or entry.repaid_on
    entry.method = clean_text(method, "method", 100) or entry.method
    entry.workers_confirmed = confirmed
    note = clean_text(evidence_note, "evidence_note", 10_000)
    if note:
        entry.evidence_note = note
    session.flush()
    record(session, org_id=entry.org_id, actor=actor, action="fees.repayment_recorded",
           obj=entry, summary=f"{money.format_money(repaid, entry.currency)} repaid; "
                              f"{confirmed} of {entry.workers} workers confirmed",
           details={"before_minor": before, "repaid_minor": repaid,
                    "workers_confirmed": confirmed})
    inputs_changed(session, entry.org_id, [entry.supplier_id, entry.agency_supplier_id], "fees")
    return entry
