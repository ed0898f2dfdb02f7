"""The printable poster of the company's channel (compliance and admin users of a buyer): an
A4 page with the company's name, the QR code and address of its intake page, and the short
invitation in each chosen language (`?lang=ne&lang=en`, default the channel's languages);
the same as a PDF through app/pdf.py, with the fonts of the machine (Noto covers Devanagari,
Bengali, Burmese and Chinese).
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, Response, current_app, g, render_template, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.access import roles_required
from app.db import get_db, get_session
from app.pdf import html_to_pdf
from grievances import i18n
from grievances.models import Channel
from grievances.poster import channel_info, qr_svg, reachable
from grievances.services.intake import ensure_channel

bp = Blueprint("grievances_poster", __name__, url_prefix="/grievances/channel",
               template_folder="templates")
STATIC = Path(__file__).resolve().parent / "static"
EDITORS = ("admin", "compliance")
MAX_LANGUAGES = 10


def _languages(channel) -> tuple[list[str], list[str]]:
    """(languages to print, languages asked for that have no translation)."""
    asked = [str(v).strip().lower()[:12] for v in request.args.getlist("lang")]
    asked = list(dict.fromkeys(v for v in asked if v)) or list(channel.languages or [])
    chosen = [c for c in asked if c in i18n.SUPPORTED][:MAX_LANGUAGES]
    return chosen or ["en"], [c for c in asked if c not in i18n.SUPPORTED]


def _invitation(code: str, company: str) -> dict[str, str]:
    with force_locale(code):
        return {
            "lang": code, "dir": i18n.direction(code), "name": i18n.endonym(code),
            "headline": _("Problems at work? Tell %(company)s.", company=company),
            "body": _("Scan the code with a phone camera, or type the address. You do not "
                      "have to give your name. It is free, and you can write in your own "
                      "language."),
            "examples": _("For example: money paid to get the job, a passport kept by "
                          "someone else, wages not paid, too many hours, threats."),
        }


def _channel(org_id: int) -> Channel:
    """The company's channel. On first use it is made in a short write transaction of its
    own: this GET's session only reads (on SQLite a write in it could fail as "locked"),
    so it is ended first and the page reads in a fresh one that sees the new channel."""
    found = get_session().scalar(select(Channel).where(Channel.org_id == org_id))
    if found is not None:
        return found
    g.pop("db_session").close()
    writer = get_db().new_session(write=True)
    try:
        try:
            ensure_channel(writer, org_id=org_id)
            writer.commit()
        except IntegrityError:  # made at the same moment by another request: use that one
            writer.rollback()
    finally:
        writer.close()
    return get_session().scalars(select(Channel).where(Channel.org_id == org_id)).one()


def _render(pdf: bool) -> str:
    company = current_user.org.name  # before _channel, which may end the session
    channel = _channel(current_user.org_id)
    info = channel_info(channel)
    chosen, untranslated = _languages(channel)
    return render_template(
        "grievances/poster.html", pdf=pdf, company=company, url=info["url"],
        qr=qr_svg(info["url"], title=info["url"]), reachable=reachable(info["url"]),
        blocks=[_invitation(code, company) for code in chosen], chosen=chosen,
        untranslated=untranslated, supported=[(c, i18n.endonym(c)) for c in i18n.SUPPORTED],
        info=info, channel_page="grievances.channel" in current_app.view_functions)


@bp.get("/poster")
@roles_required(*EDITORS, org_kinds=["buyer"])
def poster():
    return _render(pdf=False)


@bp.get("/poster.pdf")
@roles_required(*EDITORS, org_kinds=["buyer"])
def poster_pdf():
    data = html_to_pdf(_render(pdf=True), static=STATIC)
    response: Response = send_file(io.BytesIO(data), mimetype="application/pdf",
                                   download_name="grievance-poster.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/poster.css")
@roles_required(*EDITORS, org_kinds=["buyer"])
def stylesheet():
    """The poster's stylesheet for the HTML page; the PDF reads the same file directly."""
    response = Response((STATIC / "poster.css").read_bytes(), mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
