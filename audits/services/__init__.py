"""Services of the audits package: they flush, never commit (DESIGN.md section 6)."""

from audits.services.actions import create_action, flag_overdue, transition
from audits.services.audits import create_audit, set_status
from audits.services.fees import add_fee_entry, record_repayment
from audits.services.findings import add_finding, findings_template, import_findings

__all__ = [
    "add_fee_entry", "add_finding", "create_action", "create_audit", "findings_template",
    "flag_overdue", "import_findings", "record_repayment", "set_status", "transition",
]
