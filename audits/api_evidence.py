"""Evidence files of findings and corrective actions (API.md conventions; added to api.bp).

Who: the buyer's compliance team, the audit's assigned auditor, and the connected supplier
organisation on submitted audits (it reads a finding's files and adds its proof of remediation
to actions). Anyone else, colleagues of the auditor included, gets 404. A file's type is read
from its content (app/filestore.py); downloads are attachments, never rendered.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask_login import current_user

from app.api import paginate
from app.apischema import INT_ID, api_route
from app.db import get_session
from app.errors import ValidationFailed
from app.filestore import CONTENT_TYPES
from audits.api import bp, readers, recorders
from audits.models import AuditEvidence
from audits.services import evidence as service
from audits.sharing import visible_action, visible_finding

EVIDENCE = {
    "type": "object",
    "required": ["id", "finding_id", "action_id", "filename", "content_type", "size", "sha256",
                 "uploaded_at", "uploaded_by", "can_delete", "url"],
    "properties": {
        "id": INT_ID, "finding_id": {"type": ["integer", "null"]},
        "action_id": {"type": ["integer", "null"]}, "filename": {"type": "string"},
        "content_type": {"type": "string", "description": "read from the file's content"},
        "size": {"type": "integer", "minimum": 1, "description": "bytes"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "uploaded_by": {"type": ["string", "null"], "description": "name or email"},
        "can_delete": {"type": "boolean", "description": "whether the caller may remove it"},
        "url": {"type": "string", "description": "where to download it"}}}
OPENAPI_SCHEMAS = {"AuditEvidence": EVIDENCE}
DOWNLOADS = (*CONTENT_TYPES, "application/octet-stream")


def evidence_json(evidence: AuditEvidence, *, can_delete: bool) -> dict[str, Any]:
    by = evidence.uploaded_by
    return {"id": evidence.id, "finding_id": evidence.finding_id,
            "action_id": evidence.action_id, "filename": evidence.filename,
            "content_type": evidence.content_type, "size": evidence.size,
            "sha256": evidence.sha256, "uploaded_at": evidence.uploaded_at.isoformat(),
            "uploaded_by": (by.name or by.email) if by is not None else None,
            "can_delete": can_delete,
            "url": url_for("audits_api.download_evidence", evidence_id=evidence.id)}


def _upload():
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("Send the file as the multipart field `file`.",
                               [{"field": "file", "message": "No file was sent."}])
    return upload


def _page(db, parent):
    return paginate(db, service.evidence_query(parent), lambda e: evidence_json(
        e, can_delete=service.may_delete(current_user, e, parent)))


@bp.post("/findings/<int:finding_id>/evidence")
@recorders
@api_route(status=201, response="AuditEvidence", upload=CONTENT_TYPES, errors=[409])
def add_finding_evidence(finding_id: int):
    """Attach a file to a finding (multipart `file`, up to 10 MB; its type is read from its
    content). The buyer and the audit's auditor, while the audit is planned or in progress."""
    db = get_session()
    finding = visible_finding(db, finding_id, current_user)
    evidence = service.add_evidence(db, finding, _upload(), actor=current_user)
    db.commit()
    return jsonify(evidence_json(evidence, can_delete=True)), 201


@bp.get("/findings/<int:finding_id>/evidence")
@readers
@api_route(response="AuditEvidence", many=True, query="PageQuery")
def list_finding_evidence(finding_id: int, query: dict):
    """The finding's files, oldest first."""
    db = get_session()
    return jsonify(_page(db, visible_finding(db, finding_id, current_user)))


@bp.post("/actions/<int:action_id>/evidence")
@readers
@api_route(status=201, response="AuditEvidence", upload=CONTENT_TYPES, errors=[409])
def add_action_evidence(action_id: int):
    """Attach a file to a corrective action (multipart `file`): proof of remediation from
    the supplier, or the buyer's and auditor's own; until the action is verified."""
    db = get_session()
    action = visible_action(db, action_id, current_user)
    evidence = service.add_evidence(db, action, _upload(), actor=current_user)
    db.commit()
    return jsonify(evidence_json(evidence, can_delete=True)), 201


@bp.get("/actions/<int:action_id>/evidence")
@readers
@api_route(response="AuditEvidence", many=True, query="PageQuery")
def list_action_evidence(action_id: int, query: dict):
    """The corrective action's files, oldest first."""
    db = get_session()
    return jsonify(_page(db, visible_action(db, action_id, current_user)))


@bp.get("/audit-evidence/<int:evidence_id>")
@readers
@api_route(produces=DOWNLOADS, errors=[410])
def download_evidence(evidence_id: int):
    """Download one file, as an attachment with the type read from its content."""
    evidence, _parent = service.get_evidence(get_session(), evidence_id, current_user)
    return service.serve(evidence)


@bp.delete("/audit-evidence/<int:evidence_id>")
@readers
@api_route(status=204, errors=[409])
def delete_evidence(evidence_id: int):
    """Remove a file: whoever uploaded it, or the buyer; 409 once its finding or action is
    final. The activity log keeps its name and SHA-256."""
    db = get_session()
    evidence, parent = service.get_evidence(db, evidence_id, current_user)
    service.remove_evidence(db, evidence, parent, actor=current_user)
    db.commit()
    return "", 204


__all__ = ["OPENAPI_SCHEMAS", "evidence_json"]
