"""Audit factories: rows built directly (no invitation, no mail), so the access matrix can call
them without an app context. Services are tested through the API in the test files."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import date, timedelta

from audits.models import Action, Audit, AuditEvidence, FeeEntry, Finding
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier

_seq = itertools.count(1)


def make_auditor(db, firm=None, role: str = "auditor"):
    return make_user(db, firm or make_org(db, "audit_firm"), role)


def make_audit(db, buyer, *, supplier=None, auditor=None, status: str = "planned",
               scheme: str = "RBA", linked_org=None, internal_notes: str | None = None) -> Audit:
    """An audit of `supplier` (new by default) by buyer `buyer`, assigned to `auditor` (a new
    auditor by default); `linked_org` connects the supplier record to that organisation."""
    supplier = supplier or make_supplier(db, buyer)
    if linked_org is not None:
        supplier.linked_org_id = linked_org.id
    auditor = auditor or make_auditor(db)
    audit = Audit(org_id=buyer.id, supplier_id=supplier.id, scheme=scheme,
                  audit_type="announced", audit_date=date(2026, 11, 2),
                  auditor_email=auditor.email, auditor_user_id=auditor.id,
                  audit_firm_org_id=auditor.org_id, audit_firm_name=auditor.organization.name,
                  status=status, internal_notes=internal_notes)
    db.add(audit)
    db.flush()
    return audit


def make_finding(db, audit: Audit, **values) -> Finding:
    n = next(_seq)
    defaults = {"code": f"F-{n:03d}", "description": "Passports held by HR",
                "scheme_severity": "Major", "severity": "high", "indicators": ["FL07"],
                "workers_affected": 12, "worker_groups": ["migrant"], "status": "open"}
    finding = Finding(org_id=audit.org_id, audit_id=audit.id, supplier_id=audit.supplier_id,
                      **(defaults | values))
    db.add(finding)
    db.flush()
    return finding


def make_action(db, finding: Finding, *, state: str = "open", **values) -> Action:
    defaults = {"description": "Return every passport and give workers lockers",
                "owner_email": "hr@factory.example", "due_date": date.today() + timedelta(30)}
    action = Action(org_id=finding.org_id, supplier_id=finding.supplier_id,
                    finding_id=finding.id, state=state, **(defaults | values))
    db.add(action)
    db.flush()
    return action


def make_fee(db, supplier, *, finding=None, workers: int = 10, owed_minor: int = 3_500_000,
             currency: str = "NPR", repaid_minor: int = 0) -> FeeEntry:
    entry = FeeEntry(org_id=supplier.org_id, supplier_id=supplier.id,
                     finding_id=finding.id if finding else None, workers=workers,
                     origin_country="NP", category="recruitment_fee",
                     fee_per_worker_minor=owed_minor // workers, currency=currency,
                     owed_minor=owed_minor, repaid_minor=repaid_minor, workers_confirmed=0)
    db.add(entry)
    db.flush()
    return entry


def addressed_audit(db, org, user, *, status: str | None = None) -> Audit:
    """An audit the principal may see: owned by a buyer `org`; assigned to `user` of an audit
    firm; for a supplier organisation, another buyer's submitted audit of its connected record.
    Other kinds (regulators) get a stranger buyer's audit."""
    kind = org.kind
    if kind == "buyer":
        return make_audit(db, org, status=status or "planned")
    if kind == "audit_firm":
        return make_audit(db, make_org(db, "buyer"), auditor=user, status=status or "planned")
    if kind == "supplier":
        return make_audit(db, make_org(db, "buyer"), linked_org=org,
                          status=status or "submitted")
    return make_audit(db, make_org(db, "buyer"), status=status or "planned")


def make_evidence(db, parent, *, uploaded_by=None, data: bytes = b"%PDF-1.4 demo\n",
                  filename: str = "evidence.pdf") -> AuditEvidence:
    """A row only: its bytes are not stored (a download answers 410); upload through the
    service or the API to test the store."""
    key = {"finding_id": parent.id} if isinstance(parent, Finding) else {"action_id": parent.id}
    evidence = AuditEvidence(org_id=parent.org_id, filename=filename,
                             content_type="application/pdf", size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(),
                             storage_key=secrets.token_hex(20),
                             uploaded_by_id=uploaded_by.id if uploaded_by else None, **key)
    db.add(evidence)
    db.flush()
    return evidence
