"""Forms of the audits pages. They carry values; the services validate them (one rule set for
the pages and the API) and report errors against each field, which the views put back on the
form's fields."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.indicators import INDICATORS
from audits.crosswalk import SCHEMES
from audits.importer import WORKER_GROUPS
from audits.models import AUDIT_TYPES, FEE_CATEGORIES

TYPE_LABELS = {"announced": "Announced", "semi_announced": "Semi-announced",
               "unannounced": "Unannounced"}
CATEGORY_LABELS = {"recruitment_fee": "Recruitment fee", "travel": "Travel",
                   "visa_permit": "Visa and work permit", "medical": "Medical examination",
                   "training": "Training", "documents": "Documents", "deposit": "Deposit",
                   "accommodation": "Accommodation", "other": "Other costs"}


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _none(value: Any) -> Any:
    return value if value not in ("", None) else None


class ConfirmForm(FlaskForm):
    pass


class AuditForm(FlaskForm):
    supplier_id = SelectField("Supplier", coerce=int, choices=[], validate_choice=False)
    scheme = SelectField("Scheme", choices=[SelectChoice(s, s) for s in SCHEMES])
    scheme_variant = StringField("Variant (optional)",
                                 description="e.g. 2-pillar or 4-pillar for SMETA")
    audit_type = SelectField("Type", choices=[SelectChoice(t, TYPE_LABELS[t]) for t in AUDIT_TYPES])
    audit_date = DateField("First day", validators=[Optional()])
    end_date = DateField("Last day (optional)", validators=[Optional()])
    auditor_email = StringField("Auditor's email")
    audit_firm = StringField(
        "Audit firm", description="Needed when the auditor has no Tierlight account yet: they "
                                  "are invited to join this firm.")
    internal_notes = TextAreaField(
        "Internal notes (optional)",
        description="Only your company sees these: never the audit firm or the supplier.")

    def values(self) -> dict[str, Any]:
        return {"supplier_id": self.supplier_id.data, "scheme": self.scheme.data,
                "scheme_variant": _none(self.scheme_variant.data),
                "audit_type": self.audit_type.data, "audit_date": self.audit_date.data,
                "end_date": self.end_date.data, "auditor_email": self.auditor_email.data,
                "audit_firm": _none(self.audit_firm.data),
                "internal_notes": _none(self.internal_notes.data)}


class StatusForm(FlaskForm):
    to = HiddenField()


class FindingForm(FlaskForm):
    code = StringField("Code", description="The finding's reference in the report, e.g. F-01.")
    clause = StringField("Clause (optional)")
    description = TextAreaField("Description")
    scheme_severity = SelectField("Scheme severity", choices=[], validate_choice=False)
    indicators = Checkboxes("ILO indicators",
                            choices=[SelectChoice(c, f"{c} {n}") for c, n in INDICATORS.items()],
                            validate_choice=False)
    workers_affected = StringField("Workers affected (optional)")
    worker_groups = Checkboxes("Worker groups", choices=[SelectChoice(g, g.replace("_", " "))
                                                         for g in WORKER_GROUPS],
                               validate_choice=False)
    fee_amount = StringField("Recruitment fee per worker (optional)",
                             description="What each affected worker paid, e.g. 3500.50.")
    fee_currency = StringField("Fee currency", description="ISO 4217, e.g. NPR, MYR, USD.")
    root_cause = TextAreaField("Root cause (optional)")
    evidence_note = TextAreaField("Evidence seen (optional)")

    def values(self) -> dict[str, Any]:
        out = {name: _none(getattr(self, name).data) for name in (
            "code", "clause", "description", "scheme_severity", "workers_affected",
            "fee_amount", "fee_currency", "root_cause", "evidence_note")}
        out["indicators"] = list(self.indicators.data or []) or None
        out["worker_groups"] = list(self.worker_groups.data or []) or None
        return out


class UploadForm(FlaskForm):
    file = FileField("Findings workbook (.xlsx or .csv)")
    dry_run = BooleanField("Dry run: check the file, import nothing")


class ActionForm(FlaskForm):
    description = TextAreaField("Corrective action")
    preventive_action = TextAreaField("Preventive action (optional)",
                                      description="What keeps it from happening again.")
    owner_email = StringField("Owner's email", description="The owner is emailed at once.")
    due_date = DateField("Due date (optional)", validators=[Optional()])


class TransitionForm(FlaskForm):
    to = HiddenField()
    note = TextAreaField("Reason", description="Needed to return work: say what is missing.")
    back = HiddenField()


class FeeForm(FlaskForm):
    workers = IntegerField("Workers", validators=[Optional(), NumberRange(min=1)])
    amount = StringField("Total paid by the cohort",
                         description="Or give the fee per worker instead.")
    fee_per_worker = StringField("Fee per worker")
    currency = StringField("Currency", description="ISO 4217, e.g. NPR.")
    category = SelectField("ILO cost category",
                           choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in FEE_CATEGORIES])
    origin_country = StringField("Workers' origin country (optional)")
    monthly_wage = StringField("Workers' monthly wage, same currency (optional)",
                               description="Risk weighs an unpaid fee in months of wages.")
    agency_supplier_id = SelectField("Recruitment agency in your network", coerce=int,
                                     choices=[], validate_choice=False)
    agency_name = StringField("Or the agency's name (optional)")
    finding_id = SelectField("Finding (optional)", coerce=int, choices=[],
                             validate_choice=False)
    evidence_note = TextAreaField("Evidence (optional)")

    def values(self) -> dict[str, Any]:
        return {"workers": self.workers.data, "amount": _none(self.amount.data),
                "fee_per_worker": _none(self.fee_per_worker.data),
                "currency": self.currency.data, "category": self.category.data,
                "origin_country": _none(self.origin_country.data),
                "monthly_wage": _none(self.monthly_wage.data),
                "agency_supplier_id": self.agency_supplier_id.data or None,
                "agency_name": _none(self.agency_name.data),
                "finding_id": self.finding_id.data or None,
                "evidence_note": _none(self.evidence_note.data)}


class RepaymentForm(FlaskForm):
    repaid_amount = StringField("Repaid so far (in all)",
                                description="The cohort's total repaid to date, not this "
                                            "payment alone.")
    repaid_on = DateField("Repaid on", validators=[Optional()])
    method = StringField("Method (optional)", description="e.g. bank transfer to each worker")
    workers_confirmed = IntegerField("Workers who confirmed receipt",
                                     validators=[Optional(), NumberRange(min=0)])
    evidence_note = TextAreaField("Evidence (optional)")
