"""Questionnaire API (API.md): templates, sending, assignments, review, and the portal link.

The portal routes take no login: the token in the path opens that one assignment and nothing
else (it is not a bearer token, so it cannot call any other route).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy.orm import Session

from app.access import public, roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.deferred import after_request_write
from app.tenancy import get_owned
from questionnaires import definitions, queries, services
from questionnaires.models import Assignment
from questionnaires.schemas import buyer_json, portal_json, supplier_json, template_ref
from questionnaires.sharing import assigned_to_supplier

bp = Blueprint("questionnaires_api", __name__, url_prefix="/api/v1")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
# Buyers read their assignments; supplier organisations read those addressed to them.
readers = roles_required("admin", "compliance", "supplier", org_kinds=("buyer", "supplier"))


def template_json(key: str, versions: dict[int, definitions.Template], lang: str) -> dict:
    latest = versions[max(versions)]
    return {"key": key, "title": definitions.tr(latest.title, lang),
            "description": definitions.tr(latest.description, lang),
            "latest_version": latest.version, "questions": len(latest.questions),
            "versions": [{"version": v, "questions": len(t.questions)}
                         for v, t in sorted(versions.items())]}


def _lang() -> str:
    return definitions.pick_language(request.args.get("lang"),
                                     [lang for lang, _q in request.accept_languages])


@bp.get("/questionnaires")
@editors
@api_route(response="QuestionnaireTemplate", many=True, query="TemplateQuery")
def list_templates(query: dict):
    """The built-in templates and their versions."""
    lang = _lang()
    items = [template_json(k, v, lang) for k, v in sorted(definitions.builtin().items())]
    return jsonify({"items": items, "total": len(items), "page": 1, "per_page": len(items)})


@bp.get("/questionnaires/<key>")
@editors
@api_route(response="QuestionnaireDetail", query="TemplateQuery")
def get_template(key: str, query: dict):
    """One template's questions (latest version, or ?version=), in ?lang= (en, es, zh)."""
    template, lang = queries.template_or_404(key, query.get("version")), _lang()
    sections = [{"code": s.code, "title": definitions.tr(s.title, lang), "questions": [
        {"code": q.code, "type": q.type, "required": q.required,
         "text": definitions.tr(q.text, lang), "help": definitions.tr(q.help, lang),
         "options": [{"value": o.value, "text": definitions.tr(o.text, lang)}
                     for o in q.options]} for q in s.questions]} for s in template.sections]
    return jsonify({"key": template.key, "version": template.version,
                    "title": definitions.tr(template.title, lang), "sections": sections})


@bp.post("/questionnaires/<key>/send")
@editors
@api_route(status=201, response="SendResult", body="SendInput", lookup_first=True)
def send(key: str, body):
    """Send the latest version to suppliers; each gets an assignment and an emailed link."""
    queries.template_or_404(key)
    body = body()
    db = get_session()
    result = services.send(
        db, org=current_user.organization, actor=current_user, template_key=key,
        supplier_ids=body["supplier_ids"], due_date=body["due_date"], email=body.get("email"),
        message=body.get("message"),
    )
    db.commit()
    return jsonify({"campaign_id": result.campaign.id, "assignments": result.created,
                    "skipped": result.skipped}), 201


def _is_supplier() -> bool:
    return current_user.organization.kind == "supplier"


def _one(db: Session, assignment_id: int) -> Assignment:
    if _is_supplier():
        return assigned_to_supplier.get(db, assignment_id, current_user)
    return get_owned(db, Assignment, assignment_id, current_user.org_id)


@bp.get("/assignments")
@readers
@api_route(response="Assignment", many=True, query="AssignmentFilters")
def list_assignments(query: dict):
    """Buyers: their assignments, overdue first. Supplier users: those addressed to them."""
    filters = queries.parse_filters(request.args)
    db = get_session()
    if _is_supplier():
        filters.pop("supplier_id", None)  # the buyer's record ids mean nothing to a supplier
        return jsonify(paginate(db, queries.supplier_assignments(current_user, filters),
                                supplier_json))
    return jsonify(paginate(db, queries.buyer_assignments(current_user.org_id, filters),
                            buyer_json))


@bp.get("/assignments/<int:assignment_id>")
@readers
@api_route(response="Assignment")
def get_assignment(assignment_id: int):
    """One assignment: status and answers; for the buyer also the signals and evidence."""
    db = get_session()
    a = _one(db, assignment_id)
    evidence = queries.evidence_of(db, a.id)
    if _is_supplier():
        return jsonify(supplier_json(a, evidence=evidence, detail=True))
    return jsonify(buyer_json(a, signals=queries.signals_of(db, a.id), evidence=evidence,
                              detail=True))


@bp.post("/assignments/<int:assignment_id>/review")
@editors
@api_route(response="Assignment", body="ReviewInput", errors=[409], lookup_first=True)
def review(assignment_id: int, body):
    """Accept a submitted questionnaire, or return it with a comment the supplier sees."""
    db = get_session()
    a = get_owned(db, Assignment, assignment_id, current_user.org_id)
    body = body()
    if body["decision"] == "accept":
        services.accept(db, a, actor=current_user)
    else:
        services.return_to_supplier(db, a, actor=current_user, comment=body.get("comment"))
    db.commit()
    return jsonify(buyer_json(a, signals=queries.signals_of(db, a.id),
                              evidence=queries.evidence_of(db, a.id), detail=True))


@bp.post("/assignments/<int:assignment_id>/link")
@editors
@api_route(response="NewLink", body="NewLinkInput", errors=[409], lookup_first=True)
def new_link(assignment_id: int, body):
    """Replace the emailed link (the old one stops working) and send it again."""
    db = get_session()
    a = get_owned(db, Assignment, assignment_id, current_user.org_id)
    link = services.new_link_for(db, a, actor=current_user, email=body().get("email"))
    db.commit()
    return jsonify({"link": link, "expires_at": a.link_expires_at.isoformat()})


# --- the portal, by emailed link ------------------------------------------------------------


def _opened_later(assignment: Assignment) -> None:
    if assignment.status == "sent":
        assignment_id = assignment.id
        after_request_write(lambda session: services.mark_opened(session, assignment_id))


@bp.get("/portal/<token>")
@public
@api_route(response="Portal", query="PortalQuery")
def portal(token: str, query: dict):
    """The questionnaire the link opens: questions in ?lang=, saved answers, what is missing."""
    db = get_session()
    a = services.by_token(db, token)
    _opened_later(a)
    return jsonify(portal_json(a, _lang(), evidence=queries.evidence_of(db, a.id)))


@bp.put("/portal/<token>/answers")
@public
@api_route(response="Portal", body="AnswersInput", errors=[409], lookup_first=True)
def save_answers(token: str, body):
    """Save a draft: `{"answers": {code: value}}`; null clears an answer. 409 once submitted."""
    db = get_session()
    a = services.by_token(db, token)
    services.save(db, a, body()["answers"], actor=None)
    db.commit()
    return jsonify(portal_json(a, _lang(), evidence=queries.evidence_of(db, a.id)))


@bp.post("/portal/<token>/submit")
@public
@api_route(response="Portal", body="SubmitInput", errors=[409], lookup_first=True)
def submit(token: str, body):
    """Submit with an attestation `{"attestation": {"name", "title"}}`; 422 lists every
    unanswered required question by code."""
    db = get_session()
    a = services.by_token(db, token)
    attestation = body().get("attestation") or {}
    services.submit(db, a, actor=None, attestation_name=attestation.get("name"),
                    attestation_title=attestation.get("title"))
    db.commit()
    return jsonify(portal_json(a, _lang(), evidence=queries.evidence_of(db, a.id)))


__all__ = ["bp", "template_ref"]
