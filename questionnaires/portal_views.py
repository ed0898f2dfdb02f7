"""The supplier portal's pages (HTML), reached two ways with one set of pages:

- by the emailed link, `/portal/<token>/...`: public, no login and no sign-in session; the
  token opens that one assignment (services.by_token: 404 for anything else);
- by login, `/supplier/questionnaires/<id>/...`: users of a supplier organisation, for the
  assignments addressed to it (questionnaires.sharing: 404 for anything else).

Each view opens its door and hands over to questionnaires.portal_pages. Forms carry the app's
CSRF token, also by link (Flask-WTF keeps it in the cookie session, which needs no login).
Buyers download the evidence of submitted answers through `buyer_evidence`.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.access import public, roles_required
from app.api import int_arg, page_of
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import NotFound
from app.tenancy import get_owned
from questionnaires import definitions, portal_pages, services
from questionnaires.models import Assignment, Evidence
from questionnaires.portal_pages import Door
from questionnaires.portal_text import LANGUAGE_NAMES, day, t
from questionnaires.queries import supplier_assignments
from questionnaires.services.evidence import evidence_of, submitted_ids
from questionnaires.sharing import assigned_to_supplier

bp = Blueprint("portal", __name__, template_folder="templates")
suppliers = roles_required("supplier", "admin", org_kinds=("supplier",))
buyers = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
PER_PAGE = 50


@bp.after_request
def _private(response):
    # Answers, and by link a secret in the address: never kept by a shared cache or browser.
    response.headers["Cache-Control"] = "no-store"
    return response


def _by_link(token: str) -> Door:
    return Door("link", services.by_token(get_session(), token), token=token)


def _by_login(assignment_id: int) -> Door:
    found = assigned_to_supplier.get(get_session(), assignment_id, current_user)
    return Door("login", found, actor=current_user._get_current_object())


# --- by emailed link -------------------------------------------------------------------------


@bp.route("/portal/<token>", methods=["GET", "POST"])
@public
def start(token: str):
    """The questionnaire, one section at a time (?section=); POST saves the section."""
    door = _by_link(token)
    return portal_pages.save_page(door) if request.method == "POST" \
        else portal_pages.show_page(door)


@bp.route("/portal/<token>/submit", methods=["GET", "POST"])
@public
def submit(token: str):
    door = _by_link(token)
    return portal_pages.do_submit(door) if request.method == "POST" \
        else portal_pages.show_submit(door)


@bp.get("/portal/<token>/evidence/<int:evidence_id>")
@public
def evidence(token: str, evidence_id: int):
    door = _by_link(token)
    return portal_pages.serve_evidence(evidence_of(get_session(), door.assignment, evidence_id))


@bp.get("/portal/<token>/workbook.xlsx")
@public
def workbook(token: str):
    return portal_pages.download_workbook(_by_link(token))


@bp.post("/portal/<token>/workbook")
@public
def workbook_upload(token: str):
    return portal_pages.upload_workbook(_by_link(token))


# --- by login (supplier organisations) -------------------------------------------------------


@bp.get("/supplier/questionnaires")
@suppliers
def mine():
    """What buyers addressed to the user's supplier organisation, open ones first."""
    db = get_session()
    lang = portal_pages.language()
    page = int_arg(request.args, "page", 1)
    items, total = page_of(db, supplier_assignments(current_user), page, PER_PAGE)
    titles = {a.id: definitions.tr(services.template_of(a).title, lang) for a in items}
    return render_template("portal/mine.html", items=items, titles=titles, total=total,
                           page=page, per_page=PER_PAGE, lang=lang, languages=LANGUAGE_NAMES,
                           t=t, day=day, title=t(lang, "mine_title"))


@bp.route("/supplier/questionnaires/<int:assignment_id>", methods=["GET", "POST"])
@suppliers
def answer(assignment_id: int):
    door = _by_login(assignment_id)
    return portal_pages.save_page(door) if request.method == "POST" \
        else portal_pages.show_page(door)


@bp.route("/supplier/questionnaires/<int:assignment_id>/submit", methods=["GET", "POST"])
@suppliers
def answer_submit(assignment_id: int):
    door = _by_login(assignment_id)
    return portal_pages.do_submit(door) if request.method == "POST" \
        else portal_pages.show_submit(door)


@bp.post("/supplier/questionnaires/<int:assignment_id>/start-from")
@suppliers
def answer_reuse(assignment_id: int):
    """Start from the organisation's answers to another buyer: the consent is this POST."""
    return portal_pages.start_from_earlier(_by_login(assignment_id))


@bp.get("/supplier/questionnaires/<int:assignment_id>/evidence/<int:evidence_id>")
@suppliers
def answer_evidence(assignment_id: int, evidence_id: int):
    door = _by_login(assignment_id)
    return portal_pages.serve_evidence(evidence_of(get_session(), door.assignment, evidence_id))


@bp.get("/supplier/questionnaires/<int:assignment_id>/workbook.xlsx")
@suppliers
def answer_workbook(assignment_id: int):
    return portal_pages.download_workbook(_by_login(assignment_id))


@bp.post("/supplier/questionnaires/<int:assignment_id>/workbook")
@suppliers
def answer_workbook_upload(assignment_id: int):
    return portal_pages.upload_workbook(_by_login(assignment_id))


# --- the buyer's side ------------------------------------------------------------------------


@bp.get("/questionnaires/evidence/<int:evidence_id>")
@buyers
def buyer_evidence(evidence_id: int):
    """A file the supplier attached, once submitted: the buyer never sees a draft's files."""
    db = get_session()
    ev = get_owned(db, Evidence, evidence_id, current_user.org_id)
    a = db.get(Assignment, ev.assignment_id)
    if (a is None or a.status not in ("submitted", "returned", "accepted")
            or ev.id not in submitted_ids(a)):
        raise NotFound("No such evidence file.")
    return portal_pages.serve_evidence(ev)
