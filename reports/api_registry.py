"""The regulator registry's API (API.md) and public verification of a filed statement's PDF.

Who: users with the role `regulator` of an organisation of kind `regulator` read the filed
statements of their organisation's jurisdiction (403 by role or kind for everyone else, like
the other role-limited APIs); another jurisdiction's statement, a draft or an unknown id is
404. There are no writes: POST, PATCH and DELETE on these paths answer 405.

`framework` in the list must be one of the regulator's jurisdiction's frameworks; another is
422 naming the field (an empty list would read as "nobody filed", which is not the answer).

`GET /api/v1/statements/verify?sha256=` is public and rate-limited like sign-in: anyone
holding a PDF learns whether a filed statement has that hash, and only who filed it, for which
framework and period, the version, the filing date and whether it is superseded.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, url_for
from flask_login import current_user

from app.access import public, roles_required
from app.api import paginate
from app.apischema import INT_ID, PAGE_QUERY, api_route, text
from app.db import get_session
from app.errors import NotFound
from app.filestore import clean_filename, content_disposition
from app.security import limiter
from reports import files
from reports import registry as reads
from reports.models import FRAMEWORK_KEYS
from reports.sharing import filed_for_regulator

bp = Blueprint("registry_api", __name__, url_prefix="/api/v1")
regulators = roles_required("regulator", org_kinds=("regulator",))

_DATE = {"type": "string", "format": "date"}
_CRITERIA = {"type": "object", "required": ["covered", "total"],
             "properties": {"covered": {"type": "integer", "minimum": 0},
                            "total": {"type": "integer", "minimum": 0}}}
_SUMMARY_PROPS = {
    "id": INT_ID,
    "company": {"type": "object", "required": ["id", "name"],
                "properties": {"id": INT_ID, "name": {"type": "string"}}},
    "framework": {"type": "string", "enum": list(FRAMEWORK_KEYS)},
    "framework_name": {"type": "string"}, "jurisdiction": {"type": "string"},
    "title": {"type": "string"}, "period_start": _DATE, "period_end": _DATE,
    "version": {"type": "integer", "minimum": 1},
    "status": {"type": "string", "enum": ["filed", "superseded"]},
    "supersedes_id": {"type": ["integer", "null"]},
    "superseded_by_id": {"type": ["integer", "null"],
                         "description": "the newer version that amends this one"},
    "filed_at": {"type": ["string", "null"], "format": "date-time"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
               "description": "SHA-256 of the filed PDF"},
    "criteria": _CRITERIA,
}
_SECTION = {"type": "object", "required": ["key", "title", "reference", "text", "figures"],
            "properties": {"key": {"type": "string"}, "title": {"type": "string"},
                           "reference": {"type": "string"}, "text": {"type": "string"},
                           "figures": {"type": "array", "items": {"type": "object"}}}}
OPENAPI_SCHEMAS = {
    "RegistryStatement": {"type": "object", "required": list(_SUMMARY_PROPS),
                          "properties": _SUMMARY_PROPS},
    "RegistryStatementDetail": {
        "type": "object",
        "required": [*_SUMMARY_PROPS, "sections", "approval", "completeness", "pdf_url"],
        "properties": _SUMMARY_PROPS | {
            "sections": {"type": "array", "items": _SECTION},
            "approval": {"type": "object"},
            "completeness": {"type": "array", "items": {"type": "object", "required": [
                "key", "title", "reference", "covered", "missing"]}},
            "pdf_url": {"type": "string"}}},
    "RegistryQuery": {"type": "object", "properties": PAGE_QUERY | {
        "q": text(200, nullable=False, description="company name contains (any case)"),
        "year": {"type": "integer", "minimum": 1900, "maximum": 2200,
                 "description": "the year the reporting period ends"},
        "framework": {"type": "string", "enum": list(FRAMEWORK_KEYS),
                      "description": "one of your jurisdiction's frameworks (else 422)"}}},
    "VerifyQuery": {"type": "object", "required": ["sha256"], "properties": {
        "sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}}},
    "Verification": {"type": "object", "required": [
        "sha256", "company", "framework", "framework_name", "jurisdiction", "period_start",
        "period_end", "version", "filed_at", "superseded"], "properties": {
        "sha256": {"type": "string"}, "company": {"type": "string"},
        "framework": {"type": "string"}, "framework_name": {"type": "string"},
        "jurisdiction": {"type": "string"}, "period_start": _DATE, "period_end": _DATE,
        "version": {"type": "integer"},
        "filed_at": {"type": ["string", "null"], "format": "date-time"},
        "superseded": {"type": "boolean"}}},
}


def verify_limit() -> str:
    config = current_app.config
    return config.get("VERIFY_RATE_LIMIT") or config["LOGIN_RATE_LIMIT"]


@bp.get("/registry/statements")
@regulators
@api_route(response="RegistryStatement", many=True, query="RegistryQuery")
def list_statements(query: dict):
    """Filed statements of your jurisdiction, newest filing first; filters `q` (company name
    contains), `year` (the period's end year), `framework`."""
    db = get_session()
    stmt = reads.search(current_user, current_user.org.jurisdiction, q=query.get("q"),
                        year=query.get("year"), framework=query.get("framework"))
    page = paginate(db, stmt, lambda s: s)
    page["items"] = [reads.summary_json(s, _newer_id(db, s)) for s in page["items"]]
    return jsonify(page)


def _newer_id(db, statement) -> int | None:
    newer = reads.superseded_by(db, statement)
    return newer.id if newer is not None else None


@bp.get("/registry/statements/<int:statement_id>")
@regulators
@api_route(response="RegistryStatementDetail")
def get_statement(statement_id: int):
    """One filed statement as filed: sections with their figures, approval, the criteria it
    covers, its SHA-256, status and the newer version that supersedes it, if any."""
    db = get_session()
    statement = filed_for_regulator.get(db, statement_id, current_user)
    body = reads.detail_json(statement, _newer_id(db, statement))
    body["pdf_url"] = url_for("registry_api.statement_pdf", statement_id=statement.id)
    return jsonify(body)


@bp.get("/registry/statements/<int:statement_id>/pdf")
@regulators
@api_route(produces=["application/pdf"], errors=[410])
def statement_pdf(statement_id: int):
    """The filed PDF, byte for byte (its SHA-256 is the published one)."""
    statement = filed_for_regulator.get(get_session(), statement_id, current_user)
    return serve_pdf(statement)


def serve_pdf(statement):
    if not statement.storage_key:
        raise NotFound("No PDF was kept for this statement.")
    name = reads.company_of(statement)["name"] or "statement"
    # Read whole (a statement's PDF is small): files.serve streams with send_file, whose open
    # handle outlives a response that nobody closes (a test client's, a dropped connection).
    response = Response(files.read(statement.storage_key), mimetype=files.CONTENT_TYPES["pdf"])
    response.headers["Content-Disposition"] = content_disposition(
        clean_filename(f"{name[:80]} {statement.framework} v{statement.version}.pdf", ".pdf"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/statements/verify")
@limiter.limit(verify_limit)
@public
@api_route(response="Verification", query="VerifyQuery", errors=[404, 429])
def verify(query: dict):
    """Public: does a filed statement's PDF have this SHA-256? 404 when none has."""
    found = reads.verify(get_session(), query["sha256"])
    if found is None:
        raise NotFound("No filed statement has this SHA-256.")
    return jsonify(reads.verification_json(*found))
