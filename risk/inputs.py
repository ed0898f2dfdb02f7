"""What one supplier's score is computed from, as plain values (pure: no Flask, no session).

`risk.gather` reads these from the database; `risk.factors` turns them into factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class SignalInput:
    """A questionnaire signal from a submitted (or accepted) assignment."""

    id: int
    assignment_id: int
    indicator: str  # FL01..FL11
    strength: str  # weak, moderate, strong
    question: str
    note: str = ""


@dataclass(frozen=True)
class AssignmentInput:
    id: int
    template_key: str
    status: str
    due_date: date
    submitted_on: date | None = None


@dataclass(frozen=True)
class FindingInput:
    """An open finding of a submitted or accepted audit (closed ones are not read)."""

    id: int
    audit_id: int
    code: str | None
    severity: str  # critical, high, medium, low
    indicators: tuple[str, ...]
    audit_date: date
    scheme: str = ""


@dataclass(frozen=True)
class FeeInput:
    """A fee-ledger cohort: amounts in minor units of `currency`."""

    id: int
    workers: int
    currency: str
    owed_minor: int
    repaid_minor: int
    workers_confirmed: int
    monthly_wage_minor: int | None
    category: str = "recruitment_fee"
    at_supplier_id: int | None = None  # the workplace, when the factor is the agency's


@dataclass(frozen=True)
class GrievanceInput:
    """A grievance case linked to the supplier, as the grievances package reports it through
    the `risk_inputs` hook (app/signals.py): counts and categories, never the reporter's text."""

    id: int
    category: str
    status: str
    retaliation: bool = False
    opened_on: date | None = None


@dataclass(frozen=True)
class ListingInput:
    """A confirmed screening hit: the supplier is an entity on a forced-labour entity list
    (risk/screening), with the list, the edition and the entry it was found in."""

    hit_id: int
    list_id: int
    list_name: str
    issuer: str
    edition_id: int
    edition: str
    superseded: bool
    entry_id: int
    entry_name: str
    entry_country: str | None = None
    listed_on: date | None = None
    decided_on: date | None = None


@dataclass(frozen=True)
class SupplierInputs:
    id: int
    name: str
    country: str
    kind: str
    products: tuple[str, ...] = ()
    workers: int | None = None
    migrant_workers: int | None = None
    signals: tuple[SignalInput, ...] = ()
    assignments: tuple[AssignmentInput, ...] = ()
    findings: tuple[FindingInput, ...] = ()
    fees: tuple[FeeInput, ...] = ()
    grievances: tuple[GrievanceInput, ...] = ()
    listings: tuple[ListingInput, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
