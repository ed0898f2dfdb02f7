"""The shell's own pages: dashboard, activity log, health check."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import func, select, text

from app.access import login_required, public, roles_required
from app.activity.models import ActivityEntry
from app.api import page_of
from app.auth.models import User
from app.db import get_session
from app.registry import cards_for

bp = Blueprint("main", __name__)
PER_PAGE = 50
# Who may read the organisation's activity log (the /activity page and the dashboard's extract).
ACTIVITY_ROLES = ("admin", "compliance")
RECENT = 8
FAVICON_MAX_AGE = 30 * 24 * 3600  # browsers ask for /favicon.ico on their own, over and over


@bp.get("/")
@login_required
def dashboard():
    db = get_session()
    team = db.scalar(select(func.count(User.id)).where(User.org_id == current_user.org_id))
    recent = None  # None: this user may not see the activity log, so it is not even read
    if current_user.role in ACTIVITY_ROLES:
        recent = db.scalars(
            select(ActivityEntry)
            .where(ActivityEntry.org_id == current_user.org_id)
            .order_by(ActivityEntry.seq.desc())
            .limit(RECENT)
        ).all()
    return render_template(
        "dashboard.html", cards=cards_for(db, current_user), team=team, recent=recent
    )


@bp.get("/activity")
@roles_required(*ACTIVITY_ROLES)
def activity():
    db = get_session()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, total = page_of(
        db,
        select(ActivityEntry).where(ActivityEntry.org_id == current_user.org_id)
        .order_by(ActivityEntry.seq.desc()),
        page, PER_PAGE,
    )
    return render_template(
        "activity.html", entries=entries, page=page, total=total, per_page=PER_PAGE
    )


@bp.get("/healthz")
@public
def healthz():
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the load balancer needs no detail
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/favicon.ico")
@public
def favicon():
    # Browsers request /favicon.ico whatever the page links; a 404 there is a console error on
    # every page. Our icon is an SVG, which every current browser takes by its content type.
    response = Response(_favicon_bytes(current_app.static_folder), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = FAVICON_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


@functools.cache
def _favicon_bytes(static_folder: str) -> bytes:
    return (Path(static_folder) / "favicon.svg").read_bytes()
