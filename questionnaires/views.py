"""The buying company's questionnaire pages: the overview, template previews, sending a
campaign, and reviewing one assignment (accept, return with a comment, send a new link).

Thin views: load, authorise, one service call, commit, redirect or render. The supplier's
pages (the portal) live in questionnaires.portal_views.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.access import roles_required
from app.activity.models import ActivityEntry
from app.api import page_of
from app.apischema import int_arg
from app.db import get_session
from app.errors import AppError, ValidationFailed
from app.tenancy import get_owned, owned
from questionnaires import definitions, queries, services, wording
from questionnaires.forms import ConfirmForm, NewLinkForm, ReturnForm, SendForm
from questionnaires.models import Assignment, Campaign, Consent
from questionnaires.picker import Picker
from questionnaires.states import STATUSES
from suppliers.countries import country_choices
from suppliers.kinds import SUPPLIER_KINDS
from suppliers.models import RISK_BANDS, Supplier

bp = Blueprint("questionnaires", __name__, template_folder="templates")
editors = roles_required("admin", "compliance", org_kinds=("buyer",))
PER_PAGE = 50
REVIEWED = ("submitted", "returned", "accepted")  # states in which answers were submitted
STATUS_LABELS = {"sent": "Sent", "opened": "Opened", "in_progress": "In progress",
                 "submitted": "To review", "returned": "Returned", "accepted": "Accepted"}


@bp.app_template_filter("qstatus")
def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_filter("qtemplate")
def _template_title(key: str) -> str:
    try:
        return definitions.tr(definitions.get_template(key).title, "en")
    except KeyError:
        return key


def _org() -> int:
    return current_user.org_id


def _latest_templates() -> list[definitions.Template]:
    return [versions[max(versions)] for _key, versions in sorted(definitions.builtin().items())]


@bp.get("/questionnaires")
@editors
def index():
    db = get_session()
    try:
        filters = queries.parse_filters(request.args)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        filters = {}
    stmt = queries.buyer_assignments(_org(), filters)
    name = (request.args.get("supplier") or "").strip()[:200]
    if name:
        stmt = stmt.where(Assignment.supplier_id.in_(select(Supplier.id).where(
            Supplier.org_id == _org(), Supplier.name_key.like(f"%{name.casefold()}%"))))
    page = int_arg(request.args, "page", 1)
    items, total = page_of(db, stmt, page, PER_PAGE)
    counts = queries.status_counts(db, _org())
    campaigns = db.scalars(owned(Campaign, _org()).order_by(Campaign.id.desc()).limit(8)).all()
    chosen = (get_owned(db, Supplier, filters["supplier_id"], _org())
              if "supplier_id" in filters else None)
    return render_template(
        "questionnaires/index.html", items=items, total=total, page=page, per_page=PER_PAGE,
        filters=filters, supplier_name=name, chosen_supplier=chosen, counts=counts,
        chart=_chart(counts), statuses=STATUSES, templates=definitions.builtin(),
        campaigns=campaigns, titles=_titles(),
    )


def _titles() -> dict[str, str]:
    return {t.key: definitions.tr(t.title, "en") for t in _latest_templates()}


def _chart(counts: dict[str, int]) -> list[dict]:
    """One bar per status, its length a share of the longest (SVG attributes: no inline CSS)."""
    rows = [(s, counts.get(s, 0)) for s in STATUSES] + [("overdue", counts.get("overdue", 0))]
    longest = max((n for _s, n in rows), default=0) or 1
    return [{"status": s, "count": n, "width": round(100 * n / longest, 2)} for s, n in rows]


@bp.get("/questionnaires/templates/<key>")
@editors
def template(key: str):
    version = int_arg(request.args, "version")
    found = queries.template_or_404(key, version)
    lang = definitions.pick_language(request.args.get("lang"))
    versions = sorted(definitions.builtin().get(key, {}))
    return render_template("questionnaires/template.html", template=found, lang=lang,
                           versions=versions, languages=definitions.LANGUAGES,
                           tr=definitions.tr, wording=wording,
                           indicators=definitions.INDICATORS)


@bp.route("/questionnaires/send", methods=["GET", "POST"])
@editors
def send():
    db = get_session()
    choices = [(t.key, f"{definitions.tr(t.title, 'en')} (version {t.version})")
               for t in _latest_templates()]
    form = SendForm(templates=choices, template=request.args.get("template") or None)
    picker = Picker.from_request(db, _org())
    action = request.form.get("go", "") if request.method == "POST" else ""
    status = 200
    if action == "matching" and request.form.get("expect") != str(picker.total):
        # The filter was changed but not applied: never send to a count the user did not see.
        flash(f"The filter now matches {picker.total:,} suppliers. Check them, then send.",
              "warning")
    elif action in ("ticked", "matching") and form.validate():
        ids = picker.ticked if action == "ticked" else picker.matching_ids()
        try:
            result = services.send(
                db, org=current_user.organization, actor=current_user,
                template_key=form.template.data, supplier_ids=ids,
                due_date=form.due_date.data, email=form.email.data or None,
                message=form.message.data or None,
            )
        except AppError as exc:
            db.rollback()
            _field_errors(form, picker, exc)
            status = 422
        else:
            db.commit()
            return render_template(
                "questionnaires/sent.html", result=result, campaign=result.campaign,
                skipped=picker.named(result.skipped), title=_titles().get(form.template.data),
            )
    elif action in ("ticked", "matching"):
        status = 422
    return render_template("questionnaires/send.html", form=form, picker=picker,
                           countries=country_choices(), kinds=SUPPLIER_KINDS,
                           bands=RISK_BANDS), status


def _field_errors(form: SendForm, picker: Picker, exc: AppError) -> None:
    shown = 0
    for detail in exc.details:
        target = getattr(form, detail.get("field") or "", None)
        if detail.get("field") == "supplier_ids":
            picker.errors.append(detail["message"])
        elif target is not None and shown < 8:
            target.errors = [*target.errors, detail["message"]]
            shown += 1
    flash(exc.message, "error")


@bp.get("/questionnaires/assignments/<int:assignment_id>")
@editors
def assignment(assignment_id: int):
    db = get_session()
    a = get_owned(db, Assignment, assignment_id, _org())
    template = services.template_of(a)
    # The buyer reads what was submitted, never the supplier's draft.
    submitted = a.submitted_answers if a.status in REVIEWED else None
    evidence = queries.evidence_of(db, a.id) if submitted is not None else []
    shown_files = {i for q in template.questions if q.type == "file"
                   for i in (submitted or {}).get(q.code) or [] if isinstance(i, int)}
    files: dict[str, list] = {}
    for e in evidence:
        if e.id in shown_files:
            files.setdefault(e.question_code, []).append(e)
    signals = queries.signals_of(db, a.id) if submitted is not None else []
    consent = db.scalars(owned(Consent, _org()).where(Consent.assignment_id == a.id)
                         .order_by(Consent.id.desc())).first()
    activity = db.scalars(owned(ActivityEntry, _org()).where(
        ActivityEntry.object_type == "assignment", ActivityEntry.object_id == a.id)
        .order_by(ActivityEntry.seq.desc()).limit(50)).all()
    return render_template(
        "questionnaires/assignment.html", a=a, template=template, submitted=submitted,
        sections=wording.answered_sections(template, submitted) if submitted else [],
        files=files, signals=[(s, _question(template, s.question)) for s in signals],
        consent=consent, activity=activity, wording=wording, tr=definitions.tr,
        indicators=definitions.INDICATORS,
        evidence_endpoint="portal.buyer_evidence" in current_app.view_functions,
        return_form=ReturnForm(), link_form=NewLinkForm(), confirm=ConfirmForm(),
    )


def _question(template: definitions.Template, code: str):
    try:
        return template.question(code)
    except KeyError:
        return None


def _review(assignment_id: int, action, done: str):
    """Load the buyer's assignment, run one review service, commit, back to the review page."""
    db = get_session()
    a = get_owned(db, Assignment, assignment_id, _org())
    try:
        message = action(db, a)
        db.commit()
    except AppError as exc:
        db.rollback()
        flash(exc.message, "error")
    except StaleDataError:
        db.rollback()
        flash("Someone else changed this questionnaire at the same moment. Look again.",
              "error")
    else:
        flash(message or done, "success")
    return redirect(url_for("questionnaires.assignment", assignment_id=assignment_id), 303)


@bp.post("/questionnaires/assignments/<int:assignment_id>/accept")
@editors
def accept(assignment_id: int):
    def run(db, a):
        services.accept(db, a, actor=current_user)
        return f"Accepted the answers of {a.supplier.name}."

    return _review(assignment_id, run, "Accepted.")


@bp.post("/questionnaires/assignments/<int:assignment_id>/return")
@editors
def return_(assignment_id: int):
    form = ReturnForm()

    def run(db, a):
        services.return_to_supplier(db, a, actor=current_user, comment=form.comment.data)
        return f"Returned to {a.supplier.name} with your comment; its link works again."

    return _review(assignment_id, run, "Returned.")


@bp.post("/questionnaires/assignments/<int:assignment_id>/link")
@editors
def new_link(assignment_id: int):
    form = NewLinkForm()

    def run(db, a):
        services.new_link_for(db, a, actor=current_user, email=form.email.data or None)
        return f"A new link was emailed to {a.contact_email}; the old one no longer works."

    return _review(assignment_id, run, "A new link was sent.")
