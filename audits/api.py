"""Audits API (API.md): audits, findings and their upload, corrective actions, fee ledger.

Who: the buyer's compliance team and admins (their company's records); the assigned auditor
(their audits only: read, record and import findings, verify or return actions); the people of
the connected supplier organisation (submitted audits' findings and actions, and moving their
actions forward). Everyone else, colleagues of the auditor included, gets 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from app.access import roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.tenancy import get_owned
from app.uploads import received_file
from audits import queries, services
from audits.models import Action, Audit, Finding
from audits.schemas import action_json, audit_json, finding_json, parse_date
from audits.services.actions import fees_outcome
from audits.sharing import audits_for, get_action, get_finding

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
bp = Blueprint("audits_api", __name__, url_prefix="/api/v1")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
# The buyer and the assigned auditor record findings and actions.
recorders = roles_required("admin", "auditor", "compliance", org_kinds=("audit_firm", "buyer"))
# ... and the connected supplier organisation reads them and moves its actions forward.
readers = roles_required("admin", "auditor", "compliance", "supplier",
                         org_kinds=("audit_firm", "buyer", "supplier"))


def _is_buyer() -> bool:
    return current_user.organization.kind == "buyer"


def load_audit(db: Session, audit_id: int) -> Audit:
    rule = audits_for(current_user)
    if rule is None:
        return get_owned(db, Audit, audit_id, current_user.org_id)
    return rule.get(db, audit_id, current_user)


def load_finding(db: Session, finding_id: int) -> Finding:
    if _is_buyer():
        return get_owned(db, Finding, finding_id, current_user.org_id)
    return get_finding(db, finding_id, current_user)


def load_action(db: Session, action_id: int) -> Action:
    if _is_buyer():
        return get_owned(db, Action, action_id, current_user.org_id)
    return get_action(db, action_id, current_user)


def _audit_out(db: Session, audit: Audit) -> dict:
    return audit_json(audit, buyer=_is_buyer(), findings=queries.finding_count(db, audit.id))


def invitation_link(raw: str) -> str:
    return url_for("people.accept", token=raw, _external=True)


@bp.get("/audits")
@readers
@api_route(response="Audit", many=True, query="AuditFilters")
def list_audits(query: dict):
    """Buyers: their company's audits. Auditors: the audits assigned to them. Supplier
    organisations: their submitted and accepted audits. Filters `status`, `supplier_id`."""
    db = get_session()
    return jsonify(paginate(db, queries.audits_query(current_user, query),
                            lambda a: audit_json(a, buyer=_is_buyer())))


@bp.post("/audits")
@editors
@api_route(status=201, response="Audit", body="AuditInput", errors=[404])
def create_audit(body: dict):
    """Plan an audit of a supplier and assign its auditor by `auditor_email`: an auditor with
    an account is assigned now; an address without one is invited to join `audit_firm`."""
    db = get_session()
    audit = services.create_audit(
        db, org=current_user.organization, actor=current_user,
        supplier_id=int(body["supplier_id"]), scheme=body["scheme"],
        audit_date=parse_date(body["audit_date"], "audit_date"),
        end_date=parse_date(body.get("end_date"), "end_date"),
        auditor_email=body["auditor_email"], audit_firm=body.get("audit_firm"),
        scheme_variant=body.get("scheme_variant"),
        audit_type=body.get("audit_type") or "announced",
        internal_notes=body.get("internal_notes"), link_for=invitation_link,
    )
    db.commit()
    return jsonify(_audit_out(db, audit)), 201


@bp.get("/audits/<int:audit_id>")
@readers
@api_route(response="Audit")
def get_audit(audit_id: int):
    """One audit (the buyer's view has its internal notes; no one else's does)."""
    db = get_session()
    return jsonify(_audit_out(db, load_audit(db, audit_id)))


@bp.post("/audits/<int:audit_id>/status")
@recorders
@api_route(response="Audit", body="AuditStatusInput", errors=[409], lookup_first=True)
def audit_status(audit_id: int, body):
    """`{"to"}`: planned -> in_progress -> submitted -> accepted. The auditor starts and
    submits; the buyer may start, and accepts. Submitting shows the findings to the supplier."""
    db = get_session()
    audit = load_audit(db, audit_id)
    services.set_status(db, audit, body()["to"], actor=current_user)
    db.commit()
    return jsonify(_audit_out(db, audit))


@bp.post("/audits/<int:audit_id>/findings/import")
@recorders
@api_route(response="FindingsImportResult", query="FindingsImportQuery",
           upload=["text/csv", XLSX], errors=[409])
def import_findings(audit_id: int, query: dict):
    """Upload findings (.xlsx or .csv, multipart `file`). All or nothing: 422 lists every row
    error and writes nothing; `?dry_run=1` validates only. Findings match by code, so the
    same file again changes nothing."""
    db = get_session()
    audit = load_audit(db, audit_id)
    dry_run = query.get("dry_run") in ("1", "true")
    with received_file() as (path, filename):
        summary = services.import_findings(db, audit, path, filename, actor=current_user,
                                           dry_run=dry_run)
    if dry_run:
        db.rollback()
    else:
        db.commit()
    return jsonify(summary.as_json())


@bp.get("/audits/findings-template.xlsx")
@recorders
@api_route(produces=[XLSX])
def findings_template():
    """The findings template, with a sheet that explains each column and each scheme's
    severities."""
    return Response(services.findings_template(), mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="tierlight-findings-template.xlsx"'})


@bp.get("/audits/<int:audit_id>/findings")
@readers
@api_route(response="Finding", many=True, query="FindingQuery")
def list_findings(audit_id: int, query: dict):
    """The audit's findings with their actions' states; filters `severity`, `status`."""
    db = get_session()
    audit = load_audit(db, audit_id)
    page = paginate(db, queries.findings_query(audit, query), lambda f: f)
    actions = queries.actions_by_finding(db, [f.id for f in page["items"]])
    page["items"] = [finding_json(f, actions[f.id]) for f in page["items"]]
    return jsonify(page)


@bp.post("/audits/<int:audit_id>/findings")
@recorders
@api_route(status=201, response="Finding", body="FindingInput", errors=[409],
           lookup_first=True)
def create_finding(audit_id: int, body):
    """Record one finding; its Tierlight severity comes from the scheme's crosswalk."""
    db = get_session()
    audit = load_audit(db, audit_id)
    finding = services.add_finding(db, audit, body(), actor=current_user)
    db.commit()
    return jsonify(finding_json(finding, [])), 201


@bp.post("/findings/<int:finding_id>/actions")
@recorders
@api_route(status=201, response="Action", body="ActionInput", lookup_first=True)
def create_action(finding_id: int, body):
    """A corrective action `{description, owner_email, due_date?}`; the owner is emailed.
    Without a due date: critical 7 days, high 30, medium 60, low 90."""
    db = get_session()
    finding = load_finding(db, finding_id)
    body = body()
    action = services.create_action(
        db, finding, actor=current_user, description=body["description"],
        owner_email=body["owner_email"], due_date=parse_date(body.get("due_date"), "due_date"),
        preventive_action=body.get("preventive_action"))
    db.commit()
    return jsonify(action_json(action)), 201


def _action_out(db: Session, action: Action) -> dict:
    fees = fees_outcome(db, action.finding) if action.finding.has_fees else None
    return action_json(action, fees=fees)


@bp.get("/actions/<int:action_id>")
@readers
@api_route(response="Action")
def get_action_view(action_id: int):
    """One corrective action, with the moves allowed from its state and, on a fee finding,
    whether the ledger shows the fees repaid."""
    db = get_session()
    return jsonify(_action_out(db, load_action(db, action_id)))


@bp.post("/actions/<int:action_id>/transition")
@readers
@api_route(response="Action", body="TransitionInput", errors=[409], lookup_first=True)
def transition(action_id: int, body):
    """`{"to", "note"}`. open -> in_progress -> submitted -> verified, or submitted ->
    in_progress (returned, with the reason in `note`). Anything else is 409 naming the moves
    allowed; verifying a fee finding's action is 409 until the fees are repaid."""
    db = get_session()
    action = load_action(db, action_id)
    body = body()
    services.transition(db, action, body["to"], body.get("note"), actor=current_user)
    db.commit()
    return jsonify(_action_out(db, action))


