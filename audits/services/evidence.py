"""Evidence files of findings (what the auditor saw) and corrective actions (proof of the fix).

The bytes go through the shared hostile-file store (app/filestore.py); this module keeps the
rows and says who may do what:
- a finding's files: added and removed by the buyer's compliance team and the audit's auditor
  while the audit's findings can still change (planned, in progress); read also by the
  connected supplier once the audit is submitted;
- an action's files: added by the buyer, the auditor and the connected supplier (its proof of
  remediation) until the action is verified, when its evidence becomes final.
A file is removed by whoever uploaded it, or by the buyer. Both go to the activity log, with
the file's SHA-256, so the record of what was shown survives the file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app import filestore
from app.activity.services import record
from app.errors import Conflict, NotFound, PermissionDenied
from audits.models import Action, AuditEvidence, Finding
from audits.services.actions import relation
from audits.services.findings import RECORDING
from audits.sharing import visible_action, visible_finding

MAX_FILES = 20  # per finding or action
Parent = Finding | Action


def _audit_of(parent: Parent):
    return parent.audit if isinstance(parent, Finding) else parent.finding.audit


def _label(parent: Parent) -> str:
    if isinstance(parent, Finding):
        return f"finding {parent.code or parent.id}"
    return f"corrective action {parent.id}"


def _column(parent: Parent):
    return AuditEvidence.finding_id if isinstance(parent, Finding) else AuditEvidence.action_id


def _check_open(parent: Parent) -> None:
    """409 when the parent's evidence is final."""
    if isinstance(parent, Finding):
        status = parent.audit.status
        if status not in RECORDING:
            raise Conflict(f"This audit is {status}: its findings and their files can no "
                           "longer change.")
    elif parent.state == "verified":
        raise Conflict("This corrective action is verified: its evidence is final.")


def uploaders(parent: Parent) -> tuple[str, ...]:
    return ("buyer", "auditor") if isinstance(parent, Finding) else ("buyer", "auditor",
                                                                     "supplier")


def may_upload(actor: Any, parent: Parent) -> bool:
    return relation(actor, _audit_of(parent)) in uploaders(parent) and _is_open(parent)


def _is_open(parent: Parent) -> bool:
    try:
        _check_open(parent)
    except Conflict:
        return False
    return True


def _owns(actor: Any, evidence: AuditEvidence, parent: Parent) -> bool:
    """The buyer, or whoever uploaded the file (while they still stand to the audit)."""
    rel = relation(actor, _audit_of(parent))
    mine = evidence.uploaded_by_id is not None and evidence.uploaded_by_id == actor.id
    return rel is not None and (rel == "buyer" or mine)


def may_delete(actor: Any, evidence: AuditEvidence, parent: Parent) -> bool:
    return _owns(actor, evidence, parent) and _is_open(parent)


def evidence_query(parent: Parent) -> Select[tuple[AuditEvidence]]:
    return (select(AuditEvidence).where(_column(parent) == parent.id,
                                        AuditEvidence.org_id == parent.org_id)
            .order_by(AuditEvidence.uploaded_at, AuditEvidence.id))


def evidence_of(session: Session, parent: Parent) -> list[AuditEvidence]:
    return list(session.scalars(evidence_query(parent)))


def add_evidence(session: Session, parent: Parent, upload: Any, *, actor: Any) -> AuditEvidence:
    """Store `upload` (a werkzeug FileStorage) as evidence of a finding or an action."""
    rel = relation(actor, _audit_of(parent))
    if rel not in uploaders(parent):
        raise PermissionDenied("Only the company's compliance team and the audit's auditor "
                               "add files to a finding." if isinstance(parent, Finding) else
                               "You may not add files to this corrective action.")
    _check_open(parent)
    filestore.require_upload(upload)
    count = session.scalar(select(func.count(AuditEvidence.id)).where(
        _column(parent) == parent.id)) or 0
    if count >= MAX_FILES:
        raise Conflict(f"This {_label(parent)} has {MAX_FILES} files already: remove one "
                       "first.", [{"field": "file", "message": f"at most {MAX_FILES} files"}])
    stored = filestore.store(session, upload)
    evidence = AuditEvidence(
        org_id=parent.org_id, filename=stored.filename, content_type=stored.content_type,
        size=stored.size, sha256=stored.sha256, storage_key=stored.storage_key,
        uploaded_by_id=actor.id,
        **({"finding_id": parent.id} if isinstance(parent, Finding) else
           {"action_id": parent.id}))
    session.add(evidence)
    session.flush()
    kind = "finding" if isinstance(parent, Finding) else "action"
    record(session, org_id=parent.org_id, actor=actor, action=f"{kind}.evidence_added",
           obj=parent, summary=f"{stored.filename} ({stored.size:,} bytes) attached to "
                               f"{_label(parent)}",
           details={"evidence_id": evidence.id, "filename": stored.filename,
                    "sha256": stored.sha256, "size": stored.size, "by": rel})
    return evidence


def remove_evidence(session: Session, evidence: AuditEvidence, parent: Parent, *,
                    actor: Any) -> None:
    """Delete the row now and the file once this commits: the uploader or the buyer."""
    if not _owns(actor, evidence, parent):
        raise PermissionDenied("Only the person who uploaded this file, or the company's "
                               "compliance team, may remove it.")
    _check_open(parent)
    filestore.delete_after_commit(session, evidence.storage_key)
    details = {"evidence_id": evidence.id, "filename": evidence.filename,
               "sha256": evidence.sha256, "size": evidence.size}
    session.delete(evidence)
    session.flush()
    kind = "finding" if isinstance(parent, Finding) else "action"
    record(session, org_id=parent.org_id, actor=actor, action=f"{kind}.evidence_removed",
           obj=parent, summary=f"{details['filename']} removed from {_label(parent)}",
           details=details)


def get_evidence(session: Session, evidence_id: Any, user: Any
                 ) -> tuple[AuditEvidence, Parent]:
    """A file and its finding or action, if the user may see that parent; else 404."""
    found = session.get(AuditEvidence, evidence_id) if isinstance(evidence_id, int) else None
    if found is None:
        raise NotFound("No such evidence file.")
    try:
        if found.finding_id is not None:
            return found, visible_finding(session, found.finding_id, user)
        return found, visible_action(session, found.action_id, user)
    except NotFound:
        raise NotFound("No such evidence file.") from None


def serve(evidence: AuditEvidence):
    return filestore.serve(evidence.storage_key, evidence.filename, evidence.content_type)


__all__ = ["MAX_FILES", "add_evidence", "evidence_of", "evidence_query", "get_evidence",
           "may_delete", "may_upload", "remove_evidence", "serve"]
