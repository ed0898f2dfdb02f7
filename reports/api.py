"""Statements API (API.md): drafts, edits, the completeness check, filing, amendments, PDFs.

For the buyer's compliance team and admins, on their company's statements only (another
tenant's id is 404). Filed statements are frozen: PATCH is 409. Regulators read filed
statements through the registry (reports/api_registry.py), never here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import field_error
from app.tenancy import get_owned
from reports import files
from reports.models import Evidence, Statement
from reports.services import statements as services

bp = Blueprint("statements_api", __name__, url_prefix="/api/v1")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))


def parse_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise field_error(field, f'"{str(value)[:20]}" is not a date such as 2027-03-31.') \
            from None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def statement_json(db: Session, s: Statement, *, detail: bool = True) -> dict[str, Any]:
    fw = services.framework_of(s.framework)
    out: dict[str, Any] = {
        "id": s.id, "framework": s.framework, "framework_name": fw.name,
        "jurisdiction": s.jurisdiction, "period_start": s.period_start.isoformat(),
        "period_end": s.period_end.isoformat(), "title": s.title,
        "sections": dict(s.sections or {}), "approved_by": s.approved_by,
        "approval_date": _iso(s.approval_date), "signatory": s.signatory,
        "signatory_role": s.signatory_role, "status": s.status, "version": s.version,
        "supersedes_id": s.supersedes_id, "lock_version": s.lock_version,
        "filed_at": _iso(s.filed_at), "sha256": s.sha256,
        "created_at": _iso(s.created_at), "updated_at": _iso(s.updated_at)}
    if not detail:
        return out
    if s.is_draft:
        evidence = db.get(Evidence, s.evidence_id)
        facts = evidence.facts if evidence else {}
        out["sections_detail"] = services.sections_view(s, facts)
        out["completeness"] = [services.result_json(s, r) for r in services.check(s)]
        out["evidence"] = {"id": s.evidence_id,
                           "gathered_at": _iso(evidence.gathered_at) if evidence else None}
    else:  # what was filed, exactly
        content = s.content or {}
        out["sections_detail"] = content.get("sections", [])
        out["completeness"] = content.get("completeness", [])
        out["evidence"] = {"id": s.evidence_id,
                           "gathered_at": (content.get("evidence") or {}).get("gathered_at")}
    out["complete"] = all(c["covered"] for c in out["completeness"])
    out["superseded_by_id"] = services.superseded_by(db, s)
    return out


def load(db: Session, statement_id: int) -> Statement:
    return get_owned(db, Statement, statement_id, current_user.org_id)


@bp.get("/statements")
@editors
@api_route(response="Statement", many=True, query="StatementFilters")
def list_statements(query: dict):
    """The company's statements, newest period first: drafts, filed and superseded versions.
    Filters `framework`, `status`."""
    db = get_session()
    stmt = select(Statement).where(Statement.org_id == current_user.org_id)
    if query.get("framework"):
        stmt = stmt.where(Statement.framework == query["framework"])
    if query.get("status"):
        stmt = stmt.where(Statement.status == query["status"])
    stmt = stmt.order_by(Statement.period_end.desc(), Statement.framework,
                         Statement.version.desc(), Statement.id.desc())
    return jsonify(paginate(db, stmt, lambda s: statement_json(db, s, detail=False)))


@bp.post("/statements")
@editors
@api_route(status=201, response="Statement", body="StatementInput", errors=[409])
def create(body: dict):
    """Draft a statement for a framework (`uk_msa`, `au_msa`, `ca_s211`) and period: every
    section starts with text and figures drawn from the period's evidence, which all the
    statements of that period share. One live statement per framework and period (409)."""
    db = get_session()
    statement = services.create_statement(
        db, org=current_user.organization, actor=current_user, framework=body["framework"],
        period_start=parse_date(body.get("period_start"), "period_start"),
        period_end=parse_date(body.get("period_end"), "period_end"), title=body.get("title"))
    db.commit()
    response = jsonify(statement_json(db, statement))
    response.headers["Location"] = url_for("statements_api.get", statement_id=statement.id)
    return response, 201


@bp.get("/statements/<int:statement_id>")
@editors
@api_route(response="Statement")
def get(statement_id: int):
    """One statement with its sections (their figures link to the records behind them), and
    the completeness check: each criterion covered or missing, with what is missing."""
    db = get_session()
    return jsonify(statement_json(db, load(db, statement_id)))


@bp.patch("/statements/<int:statement_id>")
@editors
@api_route(response="Statement", body="StatementPatch", errors=[409], lookup_first=True)
def patch(statement_id: int, body):
    """Edit a draft: `title`, `sections{key: text}` (only the keys given change), approval
    (`approved_by`, `approval_date`, `signatory`, `signatory_role`). A filed statement is 409;
    so is a stale `lock_version`."""
    db = get_session()
    statement = load(db, statement_id)
    data = dict(body())
    lock = data.pop("lock_version", None)
    services.update_statement(db, statement=statement, actor=current_user, changes=data,
                              lock_version=lock)
    db.commit()
    return jsonify(statement_json(db, statement))


@bp.post("/statements/<int:statement_id>/file")
@editors
@api_route(response="Statement", errors=[409])
def file(statement_id: int):
    """File it: the content and the PDF are frozen and the PDF's `sha256` recorded; editing
    afterwards is 409. An incomplete statement is 409 too, its details listing every criterion
    not yet covered (field and what is missing)."""
    db = get_session()
    statement = load(db, statement_id)
    services.file_statement(db, statement=statement, actor=current_user,
                            company=current_user.organization.name)
    db.commit()
    return jsonify(statement_json(db, statement))


@bp.post("/statements/<int:statement_id>/amend")
@editors
@api_route(status=201, response="Statement", errors=[409])
def amend(statement_id: int):
    """A new draft version of a filed statement; once filed it supersedes this one, which
    stays readable."""
    db = get_session()
    amendment = services.amend_statement(db, statement=load(db, statement_id),
                                         actor=current_user)
    db.commit()
    return jsonify(statement_json(db, amendment)), 201


@bp.post("/statements/<int:statement_id>/refresh")
@editors
@api_route(response="Statement", errors=[409])
def refresh(statement_id: int):
    """Gather the period's figures again (a draft's text stays as written)."""
    db = get_session()
    statement = load(db, statement_id)
    services.refresh_evidence(db, statement=statement, actor=current_user,
                              org=current_user.organization)
    db.commit()
    return jsonify(statement_json(db, statement))


@bp.get("/statements/<int:statement_id>/pdf")
@editors
@api_route(produces=["application/pdf"])
def pdf(statement_id: int):
    """The statement as PDF: a filed one exactly as filed (its SHA-256 is the one recorded);
    a draft rendered now, marked as a draft."""
    db = get_session()
    statement = load(db, statement_id)
    return pdf_response(db, statement)


def pdf_response(db: Session, statement: Statement):
    """Shared by the page and the API."""
    from flask import Response

    from reports.pdf import render_pdf

    name = f"statement-{statement.framework}-{statement.period_end:%Y}-v{statement.version}.pdf"
    if statement.storage_key and not statement.is_draft:
        return files.serve(statement.storage_key, name, "pdf")
    content = services.frozen_content(db, statement,
                                      company=services.statement_company(db, statement))
    data = render_pdf("reports/statement_pdf.html", statement=content, draft=True)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="draft-{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
