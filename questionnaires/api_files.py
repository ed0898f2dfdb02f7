"""Portal API for files (API.md conventions): the offline workbook and evidence uploads.

Like questionnaires/api.py's portal routes these take no login: the token in the path opens
its one assignment. They answer JSON or a file and hold no session, so they are exempt from
CSRF (a forged cross-site request would need the token, which is the secret).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.orm import Session

from app.access import public
from app.apischema import api_route
from app.db import get_session
from app.errors import ValidationFailed
from app.uploads import received_file
from questionnaires import definitions, queries, services, workbook
from questionnaires.schemas import portal_json
from questionnaires.services.evidence import CONTENT_TYPES, add_evidence

bp = Blueprint("questionnaires_files_api", __name__, url_prefix="/api/v1")
CSRF_EXEMPT = ("questionnaires_files_api.workbook_upload",
               "questionnaires_files_api.evidence_upload")

EVIDENCE_SCHEMA = {
    "type": "object", "required": ["id", "question", "filename", "content_type", "size",
                                   "sha256"],
    "properties": {"id": {"type": "integer"}, "question": {"type": "string"},
                   "filename": {"type": "string"}, "content_type": {"type": "string"},
                   "size": {"type": "integer"}, "sha256": {"type": "string"},
                   "uploaded_at": {"type": "string", "format": "date-time"}}}
OPENAPI_SCHEMAS = {"PortalEvidence": EVIDENCE_SCHEMA}


def _lang() -> str:
    return definitions.pick_language(request.args.get("lang"),
                                     [lang for lang, _q in request.accept_languages])


def _portal(db: Session, assignment) -> dict:
    return portal_json(assignment, _lang(), evidence=queries.evidence_of(db, assignment.id))


@bp.get("/portal/<token>/workbook.xlsx")
@public
@api_route(query="PortalQuery", produces=[workbook.XLSX])
def workbook_download(token: str, query: dict):
    """The questionnaire as an .xlsx workbook in ?lang=, with the saved answers filled in."""
    a = services.by_token(get_session(), token)
    return Response(workbook.build(a, _lang()), mimetype=workbook.XLSX,
                    headers={"Content-Disposition":
                             f'attachment; filename="{workbook.filename(a)}"',
                             "Cache-Control": "no-store"})


@bp.post("/portal/<token>/workbook")
@public
@api_route(response="Portal", upload=[workbook.XLSX, "text/csv"], errors=[409])
def workbook_upload(token: str):
    """Upload the filled-in workbook (multipart `file`) into the draft, all or nothing.

    422 lists every bad row as {row, column, message}, the message naming the question code.
    """
    db = get_session()
    a = services.by_token(db, token)
    with received_file(max_bytes=workbook.MAX_BYTES) as (path, name):
        workbook.apply_upload(db, a, path, name, actor=None)
    db.commit()
    return jsonify(_portal(db, a))


@bp.post("/portal/<token>/evidence/<code>")
@public
@api_route(status=201, response="PortalEvidence", upload=CONTENT_TYPES, errors=[409])
def evidence_upload(token: str, code: str):
    """Attach a file (multipart `file`, up to 10 MB; its type is read from its content) to
    the file question `code`."""
    db = get_session()
    a = services.by_token(db, token)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("Send the file as the multipart field `file`.",
                               [{"field": "file", "message": "No file was sent."}])
    evidence = add_evidence(db, a, code, upload, actor=None)
    db.commit()
    return jsonify(evidence.as_json()), 201


__all__ = ["CSRF_EXEMPT", "OPENAPI_SCHEMAS", "bp"]
