"""The company's case pages: the inbox (/grievances), one case with the reporter's account, the
thread with the reporter, internal notes, moves, the supplier link and the retaliation flag,
and the effectiveness page. The channel page is channel_views.py, the access page
access_views.py (both add their routes to this blueprint).

Who: admins and compliance users of a buying company. Anyone else signed in is refused by role;
a reader whose grievance permission an admin withdrew gets 404, as for a record of another
company: these pages do not admit the cases exist. Every page that shows a case's text writes
the read to the activity log first (cases.read_case), in the request's one write transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pycountry
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.access import roles_required
from app.api import page_of
from app.apischema import int_arg
from app.db import get_session, utcnow
from app.errors import AppError, Conflict, NotFound, ValidationFailed
from grievances import charts, queries, scorecard, states, stats
from grievances.api import _authors, writing_session
from grievances.forms import ConfirmForm, LinkForm, MessageForm, NoteForm
from grievances.models import Grievance
from grievances.services import cases

bp = Blueprint("grievances", __name__, template_folder="templates")
editors = roles_required("admin", "compliance", org_kinds=("buyer",))
PER_PAGE = 50
STATUS_LABELS = {"received": "Received", "acknowledged": "Acknowledged",
                 "investigating": "Investigating", "resolved": "Resolved", "closed": "Closed"}
CATEGORY_LABELS = {
    "recruitment_fees": "Recruitment fees", "identity_documents": "Identity documents kept",
    "wages": "Wages", "hours": "Working hours", "movement": "Freedom of movement",
    "violence": "Violence or threats", "living_conditions": "Living conditions",
    "child_labour": "Child labour", "other": "Something else"}
PERIODS = {"3": 3, "6": 6, "12": 12, "24": 24, "all": None}


def move_label(current: str, to: str) -> str:
    if to == "investigating" and current in ("resolved", "closed"):
        return "Reopen the case"
    return {"acknowledged": "Acknowledge", "investigating": "Start investigating",
            "resolved": "Mark resolved", "closed": "Close the case"}.get(to, to)


def hidden_unless_permitted(view: Callable) -> Callable:
    """404 for a reader whose grievance permission was withdrawn (see above)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not cases.may_read(get_session(), current_user):
            raise NotFound()
        return view(*args, **kwargs)

    return wrapper


@bp.app_template_filter("case_status")
def _status(value: str) -> str:
    return STATUS_LABELS.get(value, value)


@bp.app_template_filter("case_category")
def _category(value: str) -> str:
    return CATEGORY_LABELS.get(value, value)


@bp.app_template_filter("case_language")
def language_name(code: str | None) -> str:
    found = pycountry.languages.get(alpha_2=code) if code and len(code) == 2 else None
    if found is None:
        return code or "—"
    return f"{found.name.split(' (')[0]} ({code})"  # "Nepali (macrolanguage)": the name alone


@bp.app_template_filter("case_count")
def _count(value: int | str | None) -> str:
    """A count on the effectiveness page: under 5 is "fewer than 5"."""
    shown = scorecard.masked(value if isinstance(value, int) else 0)
    return shown if isinstance(shown, str) else f"{shown:,}"


# --- the inbox --------------------------------------------------------------------------------

def _filters() -> queries.Filters:
    try:
        return queries.parse_filters(request.args)
    except ValidationFailed as exc:
        for detail in exc.details:
            flash(f"{detail['field']}: {detail['message']}", "error")
        return queries.Filters()


def _filter_suppliers(db: Session) -> list[tuple[int, str]]:
    """The suppliers the company's cases are linked to (for the filter)."""
    ids = set(db.scalars(select(Grievance.supplier_id).where(
        Grievance.org_id == current_user.org_id, Grievance.supplier_id.is_not(None))
        .distinct().limit(500)))
    names = queries.supplier_names(db, current_user.org_id, ids)
    return sorted(names.items(), key=lambda item: item[1].casefold())


@bp.get("/grievances")
@editors
@hidden_unless_permitted
def inbox():
    db = get_session()
    filters = _filters()
    page = int_arg(request.args, "page", 1) or 1
    today = utcnow().date()
    items, total = page_of(db, queries.inbox(current_user.org_id, filters, today=today),
                           page, PER_PAGE)
    names = queries.supplier_names(db, current_user.org_id,
                                   {g.supplier_id for g in items if g.supplier_id})
    rows = [{"case": g, "badges": queries.deadline_badges(g, today),
             "overdue": queries.clock(g).overdue(today),
             "supplier": names.get(g.supplier_id)} for g in items]
    return render_template(
        "grievances/inbox.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
        filters=filters, statuses=states.STATUSES, categories=states.CATEGORIES,
        suppliers=_filter_suppliers(db), counts=queries.card_counts(db, current_user.org_id))


# --- one case ---------------------------------------------------------------------------------

def _render_case(db: Session, grievance: Grievance, *, status: int = 200,
                 message_form: MessageForm | None = None,
                 note_form: NoteForm | None = None) -> tuple[str, int]:
    read = cases.read_case(db, grievance, actor=current_user)  # logged before it is shown
    db.commit()
    today = utcnow().date()
    q = (request.args.get("supplier_q") or "").strip()[:200]
    link_form = LinkForm()
    link_form.supplier_id.choices = [("", "Not linked")] + [
        (str(i), label) for i, label in queries.supplier_choices(
            db, current_user.org_id, q, include=grievance.supplier_id)]
    link_form.supplier_id.data = str(grievance.supplier_id or "")
    authors = _authors(db, {m["author_id"] for m in read["messages"] + read["notes"]
                            if m["author_id"]})
    supplier = queries.supplier_names(db, current_user.org_id,
                                      {grievance.supplier_id} if grievance.supplier_id else set())
    return render_template(
        "grievances/case.html", case=grievance, read=read, authors=authors,
        badges=queries.deadline_badges(grievance, today),
        overdue=queries.clock(grievance).overdue(today),
        moves=[{"to": to, "label": move_label(grievance.status, to)}
               for to in states.MOVES.get(grievance.status, ())],
        supplier_name=supplier.get(grievance.supplier_id), supplier_q=q,
        message_form=message_form or MessageForm(formdata=None),
        note_form=note_form or NoteForm(formdata=None), link_form=link_form,
        confirm=ConfirmForm()), status


@bp.get("/grievances/<int:grievance_id>")
@editors
@hidden_unless_permitted
def case(grievance_id: int):
    db = writing_session()
    return _render_case(db, cases.load(db, grievance_id, current_user))


def _errors_on(form: Any, exc: AppError) -> None:
    for detail in exc.details or [{"message": exc.message}]:
        form.body.errors = [*form.body.errors, detail["message"]]


def _back(grievance_id: int, anchor: str = "") -> Any:
    return redirect(url_for("grievances.case", grievance_id=grievance_id) + anchor)


@bp.post("/grievances/<int:grievance_id>/messages")
@editors
@hidden_unless_permitted
def message(grievance_id: int):
    db = get_session()
    grievance = cases.load(db, grievance_id, current_user)
    form = MessageForm()
    try:
        cases.send_message(db, grievance, actor=current_user, body=form.body.data)
        db.commit()
    except StaleDataError:  # a colleague moved the case meanwhile: nothing was sent
        db.rollback()
        flash("Someone else changed this case at the same time; your message was not sent. "
              "Please send it again.", "error")
        return _back(grievance_id, "#thread")
    except (ValidationFailed, Conflict) as exc:
        db.rollback()
        _errors_on(form, exc)
        return _render_case(db, grievance, status=exc.status, message_form=form)
    flash("Message sent. The reporter sees it when they follow the case.", "success")
    return _back(grievance_id, "#thread")


@bp.post("/grievances/<int:grievance_id>/notes")
@editors
@hidden_unless_permitted
def note(grievance_id: int):
    db = get_session()
    grievance = cases.load(db, grievance_id, current_user)
    form = NoteForm()
    try:
        cases.add_note(db, grievance, actor=current_user, body=form.body.data)
    except (ValidationFailed, Conflict) as exc:
        db.rollback()
        _errors_on(form, exc)
        return _render_case(db, grievance, status=exc.status, note_form=form)
    db.commit()
    flash("Internal note added.", "success")
    return _back(grievance_id, "#notes")


def _change(grievance_id: int, change: Callable[[Session, Grievance], Any],
            done: str) -> Any:
    """Load, change, commit; a refusal is a flash message on the case page."""
    db = get_session()
    grievance = cases.load(db, grievance_id, current_user)
    try:
        change(db, grievance)
        db.commit()
    except StaleDataError:
        db.rollback()
        flash("Someone else changed this case at the same time; here it is as it is now.",
              "error")
    except (Conflict, ValidationFailed) as exc:
        db.rollback()
        flash(exc.details[0]["message"] if exc.details else exc.message, "error")
    except NotFound:
        db.rollback()
        flash("No such supplier in your network.", "error")
    else:
        flash(done, "success")
    return _back(grievance_id)


@bp.post("/grievances/<int:grievance_id>/status")
@editors
@hidden_unless_permitted
def move(grievance_id: int):
    to = (request.form.get("to") or "").strip()[:20]
    return _change(grievance_id, lambda db, g: cases.transition(db, g, to=to,
                                                                actor=current_user),
                   f"The case is now {STATUS_LABELS.get(to, to).lower()}.")


@bp.post("/grievances/<int:grievance_id>/supplier")
@editors
@hidden_unless_permitted
def link(grievance_id: int):
    raw = (request.form.get("supplier_id") or "").strip()[:12]
    return _change(grievance_id, lambda db, g: cases.link_supplier(
        db, g, actor=current_user, supplier_id=raw or None),
        "Supplier link saved: the supplier's risk counts this case." if raw
        else "The case is no longer linked to a supplier.")


@bp.post("/grievances/<int:grievance_id>/retaliation")
@editors
@hidden_unless_permitted
def retaliation(grievance_id: int):
    flag = request.form.get("flag") == "1"
    return _change(grievance_id, lambda db, g: cases.set_retaliation(
        db, g, actor=current_user, flag=flag),
        "Retaliation flagged: protect the reporter first." if flag
        else "Retaliation flag cleared.")


# --- effectiveness ----------------------------------------------------------------------------

def _svg(markup: str) -> Markup:
    return Markup(markup)  # noqa: S704 - grievances/charts.py escapes every text it draws


@bp.get("/grievances/effectiveness")
@editors
@hidden_unless_permitted
def effectiveness():
    db = get_session()
    period = request.args.get("months", "12")
    if period not in PERIODS:
        flash(f'Period: "{period[:20]}" is not one of {", ".join(PERIODS)} months.', "error")
        period = "12"
    months = PERIODS[period]
    today = utcnow().date()
    start = today - timedelta(days=round(months * 30.44)) if months else None
    figures = stats.gather(db, current_user.org_id, start=start, end=today if start else None,
                           today=today)
    f = figures.figures
    criteria = scorecard.score(f)
    categories = [(CATEGORY_LABELS[c], n) for c, n in f.by_category.items()]
    return render_template(
        "grievances/effectiveness.html", stats=figures, f=f, criteria=criteria,
        summary=scorecard.summary(criteria), period=period, periods=PERIODS, start=start,
        today=today, charts={
            "categories": _svg(charts.bars(categories, title="Cases by category")),
            "statuses": _svg(charts.bars([(STATUS_LABELS[s], n) for s, n in
                                          f.by_status.items()], title="Cases by status")),
            "suppliers": _svg(charts.bars(figures.by_supplier, title="Cases by supplier",
                                          cls="g-supplier")),
            "months": _svg(charts.months(figures.by_month, title="Cases received per month")),
            "acknowledged": _svg(charts.share_bar(
                _share(f.acknowledged_in_time, f.acknowledge_base),
                title="Acknowledged within 7 days", target="within 7 days")),
            "resolved": _svg(charts.share_bar(
                _share(f.resolved_in_time, f.resolve_base),
                title="Resolved within 3 weeks", target="within 21 days")),
        })


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole >= scorecard.SMALL else None

