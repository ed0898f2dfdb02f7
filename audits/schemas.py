"""JSON shapes of the audits API (API.md). The buyer's view of an audit has its internal notes;
the auditor's and the supplier's never do.

Money: amounts are major units. Inputs take a JSON number or a decimal string ("3500.50");
answers are always decimal strings with the currency's decimals ("3500.00"), so no amount
passes through a binary float on the way out. They are stored as integer minor units.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.apischema import (
    INT_ID,
    MAX_INT,
    ONE_LINE,
    PAGE_QUERY,
    PRINTABLE,
    register_format,
    required_text,
    text,
)
from app.errors import field_error
from audits import money
from audits.crosswalk import SCHEMES, SEVERITIES, normalise_scheme, some_scheme_has
from audits.importer import group_of
from audits.indicators import parse_indicators
from audits.models import (
    ACTION_STATES,
    AUDIT_STATUSES,
    AUDIT_TYPES,
    FEE_CATEGORIES,
    FINDING_STATUSES,
    Action,
    Audit,
    FeeEntry,
    Finding,
)


def _one_indicator(value: str) -> bool:
    return len(parse_indicators(value)) == 1


# Rules the document states as formats, checked on every request (app/apischema.py).
register_format("audit-scheme", normalise_scheme)
register_format("currency", money.normalise_currency)
register_format("ilo-indicator", _one_indicator)
register_format("worker-group", group_of)
# Some scheme has it; whether the audit's own scheme does is the service's 422 naming it.
register_format("scheme-severity", some_scheme_has)

_DATE = {"type": "string", "format": "date", "maxLength": 10, "examples": ["2027-03-31"],
         "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
# A date, or null for none ("" is not a date).
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date", "maxLength": 10,
                 "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_WHEN = {"type": ["string", "null"], "format": "date-time"}
_EMAIL = {"type": "string", "maxLength": 254, "format": "email"}
# At most 10^12 major units (the ledger's cap of 10^15 minor units in a 3-decimal currency)
# and no more decimals than the currency has (0 for JPY, 2 for USD, 3 for KWD): a 422 else.
_MONEY_IN = {"type": ["number", "string"], "maxLength": 30,
             "pattern": "^ *[0-9]{1,12}(\\.[0-9]{0,3}0*)? *$", "minimum": 0, "maximum": 10**12,
             "description": "major units: a JSON number or a decimal string such as "
                            "\"3500.50\", with no more decimals than the currency has"}
_MONEY_OUT = {"type": ["string", "null"], "pattern": "^[0-9]+(\\.[0-9]+)?$",
              "description": "major units as a decimal string with the currency's decimals"}
# Formats without a pattern beside them: the format is the whole rule (and a pattern would
# lead a schema-driven generator to values the format refuses).
_CURRENCY = {"type": "string", "maxLength": 10, "format": "currency",
             "description": "ISO 4217 money, e.g. NPR (not metals or funds such as XAU)"}
_COUNT_IN = {"type": ["integer", "null"], "minimum": 0, "maximum": 10_000_000}
_INDICATOR = {"type": "string", "pattern": "^FL(0[1-9]|1[01])$"}
_STR = {"type": ["string", "null"]}

AUDIT = {"type": "object", "required": ["id", "supplier_id", "scheme", "audit_date",
                                        "auditor_email", "status"], "properties": {
    "id": INT_ID, "supplier_id": INT_ID,
    "supplier": {"type": "object", "properties": {"name": {"type": "string"},
                                                  "country": {"type": "string"}}},
    "buyer": {"type": "object", "properties": {"name": {"type": "string"}}},
    "scheme": {"type": "string", "enum": list(SCHEMES)}, "scheme_variant": _STR,
    "audit_type": {"type": "string", "enum": list(AUDIT_TYPES)},
    "audit_date": _DATE, "end_date": _DATE_OR_NULL,
    "auditor_email": {"type": "string"}, "audit_firm": _STR,
    "auditor_assigned": {"type": "boolean",
                         "description": "false while the invited auditor has not joined"},
    "status": {"type": "string", "enum": list(AUDIT_STATUSES)},
    "internal_notes": {**_STR, "description": "the buyer's only"},
    "findings": {"type": "integer", "minimum": 0}, "submitted_at": _WHEN, "accepted_at": _WHEN,
    "created_at": {"type": "string"}}}

FINDING = {"type": "object", "required": ["id", "code", "description", "severity",
                                          "scheme_severity", "indicators", "workers_affected",
                                          "status"], "properties": {
    "id": INT_ID, "audit_id": INT_ID, "code": _STR, "clause": _STR,
    "description": {"type": "string"}, "scheme_severity": {"type": "string"},
    "severity": {"type": "string", "enum": list(SEVERITIES)},
    "indicators": {"type": "array", "items": _INDICATOR},
    "workers_affected": {"type": ["integer", "null"]},
    "worker_groups": {"type": "array", "items": {"type": "string"}},
    "fee_amount": _MONEY_OUT, "fee_currency": _STR, "root_cause": _STR,
    "evidence_note": _STR, "status": {"type": "string", "enum": list(FINDING_STATUSES)},
    "actions": {"type": "array", "items": {"type": "object", "properties": {
        "id": INT_ID, "state": {"type": "string"}, "due_date": _DATE,
        "overdue": {"type": "boolean"}}}},
    "created_at": {"type": "string"}}}

ACTION = {"type": "object", "required": ["id", "finding_id", "description", "owner_email",
                                         "due_date", "state"], "properties": {
    "id": INT_ID, "finding_id": INT_ID, "audit_id": INT_ID, "description": {"type": "string"},
    "preventive_action": _STR, "owner_email": {"type": "string"}, "due_date": _DATE,
    "state": {"type": "string", "enum": list(ACTION_STATES)},
    "allowed_moves": {"type": "array", "items": {"type": "string"}},
    "overdue": {"type": "boolean"}, "return_reason": _STR, "verified_at": _WHEN,
    "fees": {"type": ["object", "null"], "description": "a fee finding's repayment check",
             "properties": {"repaid": {"type": "boolean"}, "explanation": {"type": "string"}}},
    "created_at": {"type": "string"}}}

FEE = {"type": "object", "required": ["id", "workers", "amount", "currency", "category",
                                      "origin_country", "status", "repaid_amount"],
       "properties": {
           "id": INT_ID, "supplier_id": INT_ID, "finding_id": {"type": ["integer", "null"]},
           "workers": {"type": "integer"}, "amount": _MONEY_OUT, "fee_per_worker": _MONEY_OUT,
           "currency": {"type": "string"},
           "category": {"type": "string", "enum": list(FEE_CATEGORIES)},
           "origin_country": _STR, "agency_supplier_id": {"type": ["integer", "null"]},
           "agency_name": _STR,
           "status": {"type": "string", "enum": ["owed", "partly_repaid", "repaid"]},
           "repaid_amount": _MONEY_OUT, "repaid_on": _DATE_OR_NULL, "method": _STR,
           "workers_confirmed": {"type": "integer"}, "evidence_note": _STR,
           "monthly_wage": {"anyOf": [_MONEY_OUT, {"type": "null"}]},
           "created_at": {"type": "string"}}}

OPENAPI_SCHEMAS: dict[str, dict[str, Any]] = {
    "Audit": AUDIT,
    "AuditFilters": {"type": "object", "properties": {
        "status": {"type": "string", "enum": [*AUDIT_STATUSES, ""]}, "supplier_id": INT_ID,
        **PAGE_QUERY}},
    "AuditInput": {"type": "object", "additionalProperties": False,
                   "required": ["supplier_id", "scheme", "audit_date", "auditor_email"],
                   "properties": {
                       "supplier_id": INT_ID,
                       "scheme": {"type": "string", "maxLength": 40, "format": "audit-scheme",
                                  "description": "SMETA, RBA, amfori BSCI, SA8000, internal "
                                                 "or other (any case; BSCI, SA 8000 too)"},
                       "scheme_variant": text(40), "audit_type": {"enum": list(AUDIT_TYPES)},
                       "audit_date": _DATE,
                       "end_date": {**_DATE_OR_NULL, "description": "not before audit_date"},
                       "auditor_email": {**_EMAIL, "description": "an auditor's account "
                                         "at an audit firm, or an address with no account"},
                       "audit_firm": {**text(200, pattern=ONE_LINE), "description": "required when "
                                      "auditor_email has no account: the audit firm they are "
                                      "invited to join"},
                       "internal_notes": text(20_000)}},
    "AuditStatusInput": {"type": "object", "additionalProperties": False, "required": ["to"],
                         "properties": {"to": {"type": "string",
                                               "enum": list(AUDIT_STATUSES)}}},
    "FindingsImportQuery": {"type": "object", "properties": {
        "dry_run": {"type": "string", "enum": ["1", "0", "true", "false", ""]}}},
    "FindingsImportResult": {"type": "object",
                             "required": ["created", "updated", "unchanged", "rows"],
                             "properties": {k: {"type": "integer", "minimum": 0} for k in
                                            ("created", "updated", "unchanged", "rows")}
                             | {"dry_run": {"type": "boolean"},
                                "notes": {"type": "array", "items": {"type": "string"}}}},
    "Finding": FINDING,
    "FindingQuery": {"type": "object", "properties": {
        "severity": {"type": "string", "enum": [*SEVERITIES, ""]},
        "status": {"type": "string", "enum": [*FINDING_STATUSES, ""]}, **PAGE_QUERY}},
    "FindingInput": {"type": "object", "additionalProperties": False,
                     "required": ["description", "scheme_severity"], "properties": {
                         "code": text(40, pattern=PRINTABLE),
                         "clause": text(200, pattern=PRINTABLE),
                         "description": required_text(4000, PRINTABLE),
                         "scheme_severity": {"type": "string", "maxLength": 60,
                                             "format": "scheme-severity",
                                             "description": "one of the audit's scheme's "
                                                            "severities (docs/audits.md)"},
                         "indicators": {"type": "array", "maxItems": 11,
                                        "items": {"type": "string", "maxLength": 40,
                                                  "format": "ilo-indicator"},
                                        "description": "codes (FL09) or ILO indicator names"},
                         "workers_affected": _COUNT_IN,
                         "worker_groups": {"type": "array", "maxItems": 20,
                                           "items": {"type": "string", "maxLength": 40,
                                                     "format": "worker-group"}},
                         "fee_amount": {**_MONEY_IN, "type": ["number", "string", "null"],
                                        "description": "with fee_currency, or neither"},
                         "fee_currency": {**_CURRENCY, "type": ["string", "null"]},
                         "root_cause": text(2000, pattern=PRINTABLE),
                         "evidence_note": text(2000, pattern=PRINTABLE)}},
    "Action": ACTION,
    "ActionInput": {"type": "object", "additionalProperties": False,
                    "required": ["description", "owner_email"], "properties": {
                        "description": required_text(10_000),
                        "preventive_action": text(10_000), "owner_email": _EMAIL,
                        "due_date": {**_DATE_OR_NULL,
                                     "description": "default by severity: critical 7 days, "
                                                    "high 30, medium 60, low 90"}}},
    "TransitionInput": {"type": "object", "additionalProperties": False, "required": ["to"],
                        "properties": {"to": {"type": "string", "enum": list(ACTION_STATES)},
                                       "note": text(5000)}},
    "FeeEntry": FEE,
    "FeeList": {"type": "object", "required": ["items", "total", "page", "per_page"],
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/FeeEntry"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                    "totals": {"type": "object", "description": "per currency, never added "
                               "across currencies: {currency: {owed, repaid}}"}}},
    "FeeInput": {"type": "object", "additionalProperties": False,
                 "required": ["workers", "currency"],
                 "description": "amount (the cohort's total) or fee_per_worker, or both "
                                "(neither is a 422 naming amount); "
                                "workers x fee_per_worker at most 10^12",
                 "properties": {
                     "workers": {"type": "integer", "minimum": 1, "maximum": 10_000_000},
                     "amount": {**_MONEY_IN, "description": "what the cohort paid in all; "
                                + _MONEY_IN["description"]},
                     "fee_per_worker": _MONEY_IN, "currency": _CURRENCY,
                     "category": {"type": "string", "enum": list(FEE_CATEGORIES)},
                     "origin_country": {"type": ["string", "null"], "maxLength": 100,
                                        "format": "country",
                                        "description": "ISO code or English name; null "
                                                       "for unknown"},
                     "agency_supplier_id": {**INT_ID, "type": ["integer", "null"],
                                            "description": "a recruitment agency or labour "
                                                           "provider in your network"},
                     "agency_name": text(300),
                     "monthly_wage": {**_MONEY_IN, "description": "the workers' monthly wage "
                                      "in the same currency, when known (0 or absent: not "
                                      "recorded): risk weighs an unpaid fee in months of "
                                      "wages; "
                                      + _MONEY_IN["description"]},
                     "finding_id": {"type": ["integer", "null"], "minimum": 1,
                                    "maximum": MAX_INT,
                                    "description": "a finding of this supplier's audits"},
                     "evidence_note": text(10_000)}},
    "FeePatch": {"type": "object", "additionalProperties": False, "required": ["repaid_amount"],
                 "properties": {
                     "repaid_amount": {**_MONEY_IN, "description": "the total repaid so far, "
                                       "not more than the cohort's amount; "
                                       + _MONEY_IN["description"]},
                     "repaid_on": _DATE_OR_NULL, "method": text(100),
                     "workers_confirmed": {"type": "integer", "minimum": 0,
                                           "maximum": 10_000_000,
                                           "description": "not more than the cohort's "
                                                          "workers"},
                     "evidence_note": text(10_000)}},
}


def parse_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise field_error(field, f'"{str(value)[:20]}" is not a date such as 2027-03-31.') \
            from None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def audit_json(a: Audit, *, buyer: bool, findings: int | None = None) -> dict[str, Any]:
    out = {"id": a.id, "supplier_id": a.supplier_id,
           "supplier": {"name": a.supplier.name, "country": a.supplier.country},
           "buyer": {"name": a.organization.name}, "scheme": a.scheme,
           "scheme_variant": a.scheme_variant, "audit_type": a.audit_type,
           "audit_date": a.audit_date.isoformat(), "end_date": _iso(a.end_date),
           "auditor_email": a.auditor_email, "audit_firm": a.audit_firm_name,
           "auditor_assigned": a.auditor_user_id is not None, "status": a.status,
           "submitted_at": _iso(a.submitted_at), "accepted_at": _iso(a.accepted_at),
           "created_at": a.created_at.isoformat()}
    if findings is not None:
        out["findings"] = findings
    if buyer:
        out["internal_notes"] = a.internal_notes
    return out


def finding_json(f: Finding, actions: list[Action] | None = None) -> dict[str, Any]:
    from audits.services.fees import major_text

    return {"id": f.id, "audit_id": f.audit_id, "code": f.code, "clause": f.clause,
            "description": f.description, "scheme_severity": f.scheme_severity,
            "severity": f.severity, "indicators": list(f.indicators or []),
            "workers_affected": f.workers_affected, "worker_groups": list(f.worker_groups or []),
            "fee_amount": major_text(f.fee_minor, f.fee_currency) if f.fee_currency else None,
            "fee_currency": f.fee_currency, "root_cause": f.root_cause,
            "evidence_note": f.evidence_note, "status": f.status,
            "actions": [{"id": a.id, "state": a.state, "due_date": a.due_date.isoformat(),
                         "overdue": a.overdue} for a in actions or []],
            "created_at": f.created_at.isoformat()}


def action_json(a: Action, *, fees: tuple[bool, str] | None = None) -> dict[str, Any]:
    from audits import remediation

    return {"id": a.id, "finding_id": a.finding_id, "audit_id": a.finding.audit_id,
            "description": a.description, "preventive_action": a.preventive_action,
            "owner_email": a.owner_email, "due_date": a.due_date.isoformat(),
            "state": a.state, "allowed_moves": list(remediation.allowed_moves(a.state)),
            "overdue": a.overdue, "return_reason": a.return_reason,
            "verified_at": _iso(a.verified_at),
            "fees": {"repaid": fees[0], "explanation": fees[1]} if fees else None,
            "created_at": a.created_at.isoformat()}


def fee_json(e: FeeEntry) -> dict[str, Any]:
    from audits.services.fees import major_text

    return {"id": e.id, "supplier_id": e.supplier_id, "finding_id": e.finding_id,
            "workers": e.workers, "amount": major_text(e.owed_minor, e.currency),
            "fee_per_worker": major_text(e.fee_per_worker_minor, e.currency),
            "currency": e.currency, "category": e.category, "origin_country": e.origin_country,
            "agency_supplier_id": e.agency_supplier_id, "agency_name": e.agency_name,
            "status": e.status, "repaid_amount": major_text(e.repaid_minor, e.currency),
            "repaid_on": _iso(e.repaid_on), "method": e.method,
            "workers_confirmed": e.workers_confirmed, "evidence_note": e.evidence_note,
            "monthly_wage": None if e.monthly_wage_minor is None
            else major_text(e.monthly_wage_minor, e.currency),
            "created_at": e.created_at.isoformat()}
