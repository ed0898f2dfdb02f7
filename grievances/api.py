"""Case-handling API (API.md): the company's channel, its cases, one case with its text (the
read is logged), moves, the supplier link, the retaliation flag, messages to the reporter and
internal notes.

Who: admins and compliance users of a buying company (403 by role for everyone else, as the
other buyer APIs), unless an admin withdrew their grievance permission (403 saying so).
Another company's case is 404. The list never carries text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import BuildError

from app.access import roles_required
from app.api import paginate
from app.apischema import api_route
from app.auth.models import User
from app.db import WRITE_METHODS, get_db, get_session, utcnow
from app.errors import Conflict, PermissionDenied
from grievances import queries, states
from grievances.models import Channel, Grievance
from grievances.services import cases, intake
from grievances.services import channel as channels

bp = Blueprint("grievances_api", __name__, url_prefix="/api/v1")
readers = roles_required("admin", "compliance", org_kinds=("buyer",))
WITHDRAWN = ("An administrator of your company has withdrawn your access to grievances; "
             "ask them to give it back.")


def permitted(view: Callable) -> Callable:
    """The grievance permission on top of the role (403 saying why: the role alone would
    allow it, so the caller knows grievances exist)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not cases.may_read(get_session(), current_user):
            raise PermissionDenied(WITHDRAWN)
        return view(*args, **kwargs)

    return wrapper


def writing_session() -> Session:
    """The request's session, able to write: a GET that reads a case's text writes the read to
    the activity log first (and one that opens the channel creates it), so it swaps its read
    session for a write one. The text is answered only once that entry is committed."""
    if request.method in WRITE_METHODS:
        return get_session()
    reader = g.pop("db_session", None)
    if reader is not None:
        reader.close()
    g.db_session = get_db().new_session(write=True)
    return g.db_session


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def case_json(grievance: Grievance, today: date | None = None) -> dict[str, Any]:
    day = today or utcnow().date()
    return {
        "id": grievance.id, "case_code": grievance.case_code,
        "categories": list(grievance.categories or []), "language": grievance.language,
        "status": grievance.status, "retaliation": bool(grievance.retaliation),
        "supplier_id": grievance.supplier_id, "received_at": grievance.received_at.isoformat(),
        "acknowledge_due_on": grievance.acknowledge_due_on.isoformat(),
        "answer_due_on": grievance.answer_due_on.isoformat(),
        "acknowledged_at": _iso(grievance.acknowledged_at),
        "answered_at": _iso(grievance.answered_at), "resolved_at": _iso(grievance.resolved_at),
        "closed_at": _iso(grievance.closed_at), "reopened": grievance.reopened,
        "overdue": queries.clock(grievance).overdue(day),
        "purged": grievance.purged_at is not None,
        "moves": list(states.MOVES.get(grievance.status, ())),
    }


def _authors(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.email).where(User.id.in_(sorted(ids)))).all())


def detail_json(db: Session, grievance: Grievance, read: dict[str, Any]) -> dict[str, Any]:
    authors = _authors(db, {m["author_id"] for m in read["messages"] + read["notes"]
                            if m["author_id"]})
    return case_json(grievance) | {
        "text": read["text"], "place": read["place"], "contact": read["contact"],
        "messages": [{"id": m["id"], "from_reporter": m["from_reporter"],
                      "author": None if m["from_reporter"] else authors.get(m["author_id"]),
                      "body": m["body"], "at": m["at"].isoformat()} for m in read["messages"]],
        "notes": [{"id": n["id"], "author": authors.get(n["author_id"]), "body": n["body"],
                   "at": n["at"].isoformat()} for n in read["notes"]],
    }


def _url(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, _external=True, **values)
    except BuildError:  # the public channel's pages are not served by this installation
        return None


def channel_info(channel: Channel) -> dict[str, Any]:
    """{intake_key, url, poster_url, poster_pdf_url, languages}: the public channel's own
    answer (grievances/poster.py) when it is installed, else the same built here."""
    try:
        from grievances.poster import channel_info as public_info
    except ImportError:
        public_info = None
    if public_info is not None:
        return dict(public_info(channel))
    url = _url("grievances_public.intake", intake_key=channel.intake_key)
    if url is None:
        base = (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
        url = f"{base}/g/{channel.intake_key}"
    return {"intake_key": channel.intake_key, "url": url,
            "poster_url": _url("grievances_poster.poster"),
            "poster_pdf_url": _url("grievances_poster.poster_pdf"),
            "languages": list(channel.languages or [])}


def channel_json(db: Session, channel: Channel) -> dict[str, Any]:
    return channel_info(channel) | {"workplaces": [
        {"supplier_id": w.supplier_id, "public_name": w.public_name}
        for w in intake.listed_workplaces(db, channel)]}


@bp.get("/grievance-channel")
@readers
@permitted
@api_route(response="GrievanceChannel", errors=[503])
def get_channel():
    """The company's channel: its intake key, public address, poster and listed workplaces.

    Made on first use, with a random key and every language of the public page."""
    db = get_session()
    channel = db.scalar(select(Channel).where(Channel.org_id == current_user.org_id))
    if channel is None:
        db = writing_session()
        channel = intake.ensure_channel(db, org_id=current_user.org_id)
        db.commit()
    return jsonify(channel_json(db, channel))


@bp.patch("/grievance-channel")
@readers
@permitted
@api_route(response="GrievanceChannel", body="GrievanceChannelPatch", errors=[409])
def patch_channel(body: dict):
    """`{languages?, workplaces?}`: the poster's languages, in order, and the workplaces listed
    on the channel (the whole list: `[{supplier_id, public_name?}]`)."""
    db = get_session()
    channel = intake.ensure_channel(db, org_id=current_user.org_id)
    if "languages" in body:
        channels.set_languages(db, channel, actor=current_user, languages=body["languages"])
    if "workplaces" in body:
        channels.set_workplaces(db, channel, actor=current_user, workplaces=body["workplaces"])
    db.commit()
    return jsonify(channel_json(db, channel))


@bp.get("/grievances")
@readers
@permitted
@api_route(response="Grievance", many=True, query="GrievanceFilters")
def list_cases(query: dict):
    """The company's cases, overdue first, then by the next deadline; never their text.

    Filters `status` (or `open`), `category`, `supplier_id`, `overdue`."""
    db = get_session()
    filters = queries.parse_filters(query)
    today = utcnow().date()
    return jsonify(paginate(db, queries.inbox(current_user.org_id, filters, today=today),
                            lambda item: case_json(item, today)))


@bp.get("/grievances/<int:grievance_id>")
@readers
@permitted
@api_route(response="GrievanceDetail", errors=[503])
def get_case(grievance_id: int):
    """One case with the reporter's account, the messages both ways and the internal notes.

    Every read is written to the activity log before the text is answered."""
    db = writing_session()
    grievance = cases.load(db, grievance_id, current_user)
    read = cases.read_case(db, grievance, actor=current_user)
    db.commit()
    return jsonify(detail_json(db, grievance, read))


@bp.patch("/grievances/<int:grievance_id>")
@readers
@permitted
@api_route(response="Grievance", body="GrievancePatch", errors=[409], lookup_first=True)
def patch_case(grievance_id: int, body):
    """`{status?, supplier_id?, retaliation?}`: an illegal move is 409 naming the moves
    allowed; a supplier of another company is 404; null unlinks."""
    db = get_session()
    grievance = cases.load(db, grievance_id, current_user)
    values = body()
    try:
        if "supplier_id" in values and values["supplier_id"] != grievance.supplier_id:
            cases.link_supplier(db, grievance, actor=current_user,
                                supplier_id=values["supplier_id"])
        if "retaliation" in values and values["retaliation"] != grievance.retaliation:
            cases.set_retaliation(db, grievance, actor=current_user,
                                  flag=values["retaliation"])
        if "status" in values and values["status"] != grievance.status:
            cases.transition(db, grievance, to=values["status"], actor=current_user)
        db.commit()
    except StaleDataError:
        db.rollback()
        raise Conflict("Someone else changed this case at the same time; load it again.") \
            from None
    return jsonify(case_json(grievance))


@bp.post("/grievances/<int:grievance_id>/messages")
@readers
@permitted
@api_route(status=201, response="GrievanceMessage", body="GrievanceMessageInput", errors=[409],
           lookup_first=True)
def post_message(grievance_id: int, body):
    """A message to the reporter, who reads it with their code and secret; the first one
    answers (and acknowledges) the case."""
    db = get_session()
    grievance = cases.load(db, grievance_id, current_user)
    text = body()["body"]
    try:
        message = cases.send_message(db, grievance, actor=current_user, body=text)
        db.commit()
    except StaleDataError:  # answering changes the case, which a colleague just changed
        db.rollback()
        raise Conflict("Someone else changed this case at the same time; send the message "
                       "again.") from None
    return jsonify({"id": message.id, "from_reporter": False, "author": current_user.email,
                    "body": text.replace("\r\n", "\n").strip(),
                    "at": message.created_at.isoformat()}), 201


@bp.post("/grievances/<int:grievance_id>/notes")
@readers
@permitted
@api_route(status=201, response="GrievanceNote", body="GrievanceNoteInput", errors=[409],
           lookup_first=True)
def post_note(grievance_id: int, body):
    """An internal note: for colleagues, never shown to the reporter."""
    db = get_session()
    grievance = cases.load(db, grievance_id, current_user)
    text = body()["body"]
    note = cases.add_note(db, grievance, actor=current_user, body=text)
    db.commit()
    return jsonify({"id": note.id, "author": current_user.email,
                    "body": text.replace("\r\n", "\n").strip(),
                    "at": note.created_at.isoformat()}), 201
