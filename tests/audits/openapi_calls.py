"""A success call for every audits API operation (collected by tests/app/test_openapi.py)."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from tests.audits.factories import make_action, make_audit, make_auditor, make_fee, make_finding
from tests.conftest import CURRENT_APP
from tests.suppliers.factories import make_supplier

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSV = (b"code,description,scheme_severity,indicators,workers_affected\n"
       b"R-1,Passports kept by HR,Major,FL07,12\n")


def success_calls(db, user, client) -> dict:
    org = user.org
    supplier = make_supplier(db, org)
    auditor = make_auditor(db)
    audit = make_audit(db, org, supplier=supplier)
    to_start = make_audit(db, org, supplier=supplier)
    finding = make_finding(db, audit)
    action = make_action(db, finding)
    to_move = make_action(db, finding)
    entry = make_fee(db, supplier)
    with CURRENT_APP[0].test_request_context():
        from audits.services.evidence import add_evidence

        kept = add_evidence(db, finding, FileStorage(io.BytesIO(PDF), "photo-log.pdf"),
                            actor=user)
        dropped = add_evidence(db, action, FileStorage(io.BytesIO(PDF), "old-policy.pdf"),
                               actor=user)
        db.commit()
    return {
        ("get", "/api/v1/audits"): dict(query_string={"status": "planned", "page": 1}),
        ("post", "/api/v1/audits"): dict(json={
            "supplier_id": supplier.id, "scheme": "SMETA", "scheme_variant": "4-pillar",
            "audit_date": "2026-12-08", "auditor_email": auditor.email}),
        ("get", "/api/v1/audits/{audit_id}"): dict(id=audit.id),
        ("post", "/api/v1/audits/{audit_id}/status"): dict(id=to_start.id,
                                                           json={"to": "in_progress"}),
        ("post", "/api/v1/audits/{audit_id}/findings/import"): dict(
            id=audit.id, query_string={"dry_run": "1"}, content_type="multipart/form-data",
            data={"file": (io.BytesIO(CSV), "findings.csv")}),
        ("get", "/api/v1/audits/findings-template.xlsx"): {},
        ("get", "/api/v1/audits/{audit_id}/findings"): dict(id=audit.id,
                                                            query_string={"severity": "high"}),
        ("post", "/api/v1/audits/{audit_id}/findings"): dict(id=audit.id, json={
            "code": "R-9", "description": "Workers paid agency fees", "scheme_severity": "Major",
            "indicators": ["debt bondage"], "workers_affected": 20, "fee_amount": "70000",
            "fee_currency": "NPR"}),
        ("post", "/api/v1/findings/{finding_id}/actions"): dict(id=finding.id, json={
            "description": "Return the passports", "owner_email": "hr@factory.example"}),
        ("get", "/api/v1/actions/{action_id}"): dict(id=action.id),
        ("post", "/api/v1/actions/{action_id}/transition"): dict(
            id=to_move.id, json={"to": "in_progress", "note": "Lockers ordered"}),
        ("get", "/api/v1/suppliers/{supplier_id}/fees"): dict(id=supplier.id),
        ("post", "/api/v1/suppliers/{supplier_id}/fees"): dict(id=supplier.id, json={
            "workers": 20, "fee_per_worker": 3500, "currency": "NPR", "origin_country": "Nepal",
            "category": "recruitment_fee"}),
        ("get", "/api/v1/fees/{entry_id}"): dict(id=entry.id),
        ("patch", "/api/v1/fees/{entry_id}"): dict(id=entry.id, json={
            "repaid_amount": "35000.00", "repaid_on": "2026-11-30", "method": "bank transfer",
            "workers_confirmed": 10}),
        ("post", "/api/v1/findings/{finding_id}/evidence"): dict(
            id=finding.id, content_type="multipart/form-data",
            data={"file": (io.BytesIO(PDF), "safe-photo.pdf")}),
        ("get", "/api/v1/findings/{finding_id}/evidence"): dict(id=finding.id),
        ("post", "/api/v1/actions/{action_id}/evidence"): dict(
            id=action.id, content_type="multipart/form-data",
            data={"file": (io.BytesIO(b"worker,repaid\nA,yes\n"), "repayments.csv")}),
        ("get", "/api/v1/actions/{action_id}/evidence"): dict(id=action.id,
                                                              query_string={"page": 1}),
        ("get", "/api/v1/audit-evidence/{evidence_id}"): dict(id=kept.id),
        ("delete", "/api/v1/audit-evidence/{evidence_id}"): dict(id=dropped.id),
    }
