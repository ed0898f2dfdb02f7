"""The channel page (/grievances/channel): the public address and its key, the poster, the
workplaces listed (added and removed, under the names workers know), the poster's languages,
and a new key, which retires the old address. Routes of the `grievances` blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.db import get_session
from app.errors import Conflict, NotFound, ValidationFailed
from grievances import queries
from grievances.api import channel_info, writing_session
from grievances.forms import ConfirmForm, LanguagesForm, WorkplaceForm
from grievances.models import Channel
from grievances.services import channel as channels
from grievances.services import intake
from grievances.views import bp, editors, hidden_unless_permitted, language_name


def _channel() -> tuple[Any, Channel]:
    """The company's channel, made on first visit (a GET then writes: see writing_session)."""
    db = get_session()
    found = db.scalar(select(Channel).where(Channel.org_id == current_user.org_id))
    if found is not None:
        return db, found
    db = writing_session() if request.method == "GET" else db
    channel = intake.ensure_channel(db, org_id=current_user.org_id)
    db.commit()
    return db, channel


def _render(db, channel: Channel, *, workplace_form: WorkplaceForm | None = None,
            status: int = 200):
    q = (request.args.get("supplier_q") or "").strip()[:200]
    form = workplace_form or WorkplaceForm(formdata=None)
    listed = intake.listed_workplaces(db, channel)
    taken = {w.supplier_id for w in listed}
    form.supplier_id.choices = [(str(i), label) for i, label in queries.supplier_choices(
        db, current_user.org_id, q) if i not in taken]
    languages = LanguagesForm(formdata=None)
    # the chosen ones first, in their order (the form sends them in this order)
    chosen = [c for c in channel.languages or [] if c in channels.LANGUAGES]
    languages.languages.choices = [(code, language_name(code)) for code in
                                   chosen + [c for c in channels.LANGUAGES if c not in chosen]]
    languages.languages.data = list(channel.languages or [])
    names = queries.supplier_names(db, current_user.org_id, taken)
    return render_template(
        "grievances/channel.html", channel=channel, info=channel_info(channel),
        listed=[{"workplace": w, "supplier": names.get(w.supplier_id)} for w in listed],
        workplace_form=form, languages_form=languages, confirm=ConfirmForm(), supplier_q=q,
        language_name=language_name), status


@bp.get("/grievances/channel")
@editors
@hidden_unless_permitted
def channel():
    db, found = _channel()
    return _render(db, found)


def _back() -> Any:
    return redirect(url_for("grievances.channel"))


@bp.post("/grievances/channel/workplaces")
@editors
@hidden_unless_permitted
def add_workplace():
    db, found = _channel()
    form = WorkplaceForm()
    try:
        listed = channels.add_workplace(db, found, actor=current_user,
                                        supplier_id=form.supplier_id.data,
                                        public_name=form.public_name.data)
    except (ValidationFailed, NotFound, Conflict) as exc:
        db.rollback()
        message = exc.details[0]["message"] if getattr(exc, "details", None) else (
            "No such supplier in your network." if isinstance(exc, NotFound) else exc.message)
        form.public_name.errors = [message]
        return _render(db, found, workplace_form=form, status=exc.status)
    db.commit()
    flash(f"Listed: workers can now choose \u201c{listed.public_name}\u201d on the channel.",
          "success")
    return _back()


@bp.post("/grievances/channel/workplaces/<int:workplace_id>/remove")
@editors
@hidden_unless_permitted
def remove_workplace(workplace_id: int):
    db, found = _channel()
    channels.remove_workplace(db, found, actor=current_user, workplace_id=workplace_id)
    db.commit()
    flash("The workplace is no longer listed on the channel. Cases already received keep "
          "their link.", "success")
    return _back()


@bp.post("/grievances/channel/languages")
@editors
@hidden_unless_permitted
def languages():
    db, found = _channel()
    chosen = [v for v in request.form.getlist("languages") if v][:20]
    try:
        channels.set_languages(db, found, actor=current_user, languages=chosen)
    except ValidationFailed as exc:
        db.rollback()
        flash(exc.details[0]["message"], "error")
        return _back()
    db.commit()
    flash("Languages saved: print the poster again for the workplaces.", "success")
    return _back()


@bp.post("/grievances/channel/key")
@editors
@hidden_unless_permitted
def new_key():
    db, found = _channel()
    channels.new_key(db, found, actor=current_user)
    db.commit()
    flash("A new address was issued. The old one no longer works: replace the posters.",
          "warning")
    return _back()
