"""The worker's pages: report (/g/<intake_key>), follow a case (/g/follow) and write back.

No account, no script, no third-party asset, one stylesheet of our own; each page in the
language the worker chose (grievances/i18n.py). The case code and secret are only ever
POSTed, never put in a URL. Errors are plain pages in the same language: an unknown channel
or a wrong code-and-secret pair is 404, a report that cannot be taken is the form again with
each field's message (422).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from app.access import public
from app.auth.models import Organization
from app.db import get_session
from app.errors import AppError, NotFound, ValidationFailed
from grievances import i18n, privacy
from grievances.models import Channel
from grievances.public_forms import SOMEWHERE_ELSE, FollowForm, IntakeForm, ReplyForm
from grievances.services import intake as service

bp = Blueprint("grievances_public", __name__, url_prefix="/g", template_folder="templates")


def _page(template: str, status: int = 200, **context: Any):
    lang = i18n.current()
    return render_template(f"grievances/public/{template}", lang=lang,
                           dir=i18n.direction(lang), languages=context.pop("languages", ()),
                           status_labels=i18n.STATUS_LABELS,
                           category_labels=i18n.CATEGORY_LABELS, **context), status


def _problem(title: str, message: str, status: int, back: str | None = None):
    db = g.get("db_session")
    if db is not None:
        db.rollback()  # nothing of a refused request is kept
    return _page("problem.html", status, title=title, message=message, back=back)


def _intake_form(channel: Channel, listed: list, form: IntakeForm | None = None) -> IntakeForm:
    form = form or IntakeForm()
    form.workplace.choices = [("", _("Choose the workplace"))] + [
        (str(w.supplier_id), w.public_name) for w in listed] + [
        (SOMEWHERE_ELSE, _("Somewhere else (write it below)"))]
    form.language.choices = i18n.language_choices(channel.languages or ())
    if not form.is_submitted():
        form.language.data = i18n.current()
    form.lang.data = i18n.current()
    return form


def _company(db, channel: Channel) -> str:
    org = db.get(Organization, channel.org_id)
    return org.name if org else ""


@bp.route("/<intake_key>", methods=["GET", "POST"])
@privacy.limit_reports(methods=["POST"])
@public
def intake(intake_key: str):
    db = get_session()
    channel = service.channel_by_key(db, intake_key)  # 404 first, whatever was sent
    listed = service.listed_workplaces(db, channel)
    form = _intake_form(channel, listed)
    errors: dict[str, str] = {}
    if form.is_submitted():
        errors = form.problems({str(w.supplier_id) for w in listed})
        if not errors:
            where = form.workplace.data if form.workplace.data != SOMEWHERE_ELSE else None
            grievance, secret = service.submit(
                db, channel=channel, categories=form.categories.data, text=form.text.data,
                language=form.language.data, supplier_id=where or None,
                place=form.place.data, contact=form.contact.data)
            db.commit()
            return _page("received.html", grievance=grievance, secret=secret,
                         company=_company(db, channel), acknowledge_by=i18n.long_date(
                             grievance.acknowledge_due_on),
                         answer_by=i18n.long_date(grievance.answer_due_on))
    return _page("intake.html", 422 if errors else 200, form=form, errors=errors,
                 channel=channel, company=_company(db, channel), languages=_menu(channel))


def _menu(channel: Channel | None) -> list[tuple[str, str]]:
    """The language menu: the channel's languages that we translated, each in itself."""
    codes = [c for c in (channel.languages if channel else i18n.SUPPORTED) or ()
             if c in i18n.SUPPORTED]
    return [(c, i18n.endonym(c)) for c in codes or ["en"]]


def _case_page(db, grievance, form: ReplyForm, status: int = 200, **context: Any):
    form.message.data = "" if context.get("sent") else form.message.data
    return _page("case.html", status, view=service.reporter_view(db, grievance), form=form,
                 dates={k: i18n.long_date(getattr(grievance, k)) for k in (
                     "acknowledge_due_on", "answer_due_on")},
                 received_on=i18n.long_date(grievance.received_at.date()), **context)


@bp.route("/follow", methods=["GET", "POST"])
@privacy.limit_guesses(methods=["POST"])
@public
def follow():
    form = FollowForm()
    form.lang.data = i18n.current()
    if not form.is_submitted():
        return _page("follow.html", form=form, errors={}, languages=_menu(None))
    errors = form.problems()
    if errors:
        return _page("follow.html", 422, form=form, errors=errors, languages=_menu(None))
    db = get_session()
    grievance = service.find_case(db, form.code.data, form.secret.data)
    reply = ReplyForm(formdata=None, lang=i18n.current(), code=grievance.case_code,
                      secret=form.secret.data.strip())
    return _case_page(db, grievance, reply)


@bp.post("/follow/reply")
@privacy.limit_guesses()
@public
def reply():
    form = ReplyForm()
    form.lang.data = i18n.current()
    errors = form.problems()
    if errors:
        return _page("follow.html", 422, form=form, errors=errors, languages=_menu(None))
    db = get_session()
    grievance = service.find_case(db, form.code.data, form.secret.data)
    problem = form.message_problem()
    if problem is None and grievance.purged_at is not None:
        problem = _("This case is closed and its messages were removed.")
    if problem is not None:
        return _case_page(db, grievance, form, 422, errors={"message": problem})
    service.reporter_reply(db, grievance, form.message.data)
    db.commit()
    return _case_page(db, grievance, form, sent=True)


# --- these pages keep nothing but the CSRF token, and answer errors in the page language --

@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"  # the code and secret are on these pages
    response.headers["Referrer-Policy"] = "no-referrer"
    if "_user_id" not in session:
        # Flask-Login marks an anonymous visitor's session "not fresh" once it holds
        # anything (the CSRF token); there is nothing of theirs to keep beyond that token.
        session.pop("_fresh", None)
    return response


@bp.errorhandler(AppError)
def _app_error(exc: AppError):
    if isinstance(exc, NotFound):
        if request.endpoint == "grievances_public.intake":
            return _problem(_("There is no complaint page at this address"),
                            _("Check the address on the poster and try again."), 404)
        return _problem(_("No case matches this code and secret"),
                        _("Check the case code and the secret, and try again. Both are "
                          "needed, exactly as you received them."), 404,
                        back=_("Try again"))
    if isinstance(exc, ValidationFailed) and request.endpoint == "grievances_public.intake":
        return _refused_input(exc)
    if isinstance(exc, ValidationFailed):
        # Input no field may hold (a NUL character) is refused before the view runs.
        return _problem(_("Something in your answers cannot be kept"),
                        _("Please remove unusual characters from your text and send it "
                          "again."), 422)
    return _problem(_("This did not work"), _("Please try again later."), exc.status)


def _refused_input(exc: ValidationFailed):
    """A report holding what no field may hold (a NUL character, refused by app/inputs.py
    before the view runs): the form again, without it, the field named."""
    db = get_session()
    db.rollback()
    try:
        channel = service.channel_by_key(db, request.view_args.get("intake_key"))
    except NotFound:
        return _app_error(NotFound())
    sent = MultiDict([(k, v.replace("\x00", "")) for k, v in request.form.items(multi=True)
                      if "\x00" not in k])
    form = _intake_form(channel, service.listed_workplaces(db, channel), IntakeForm(sent))
    message = _("This holds a character that cannot be kept. Please remove it.")
    fields = {d.get("field") for d in exc.details} & set(form._fields) or {"text"}
    return _page("intake.html", 422, form=form, errors=dict.fromkeys(fields, message),
                 channel=channel, company=_company(db, channel),
                 languages=_menu(channel))


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError):
    return _problem(_("Please send the form again"),
                    _("The form could not be checked. Allow this site to keep a cookie for "
                      "the form, reload the page and send it again."), 400)


@bp.errorhandler(429)
def _too_many(exc: Exception):
    return _problem(_("Too many attempts"),
                    _("Please wait an hour and try again."), 429)
