"""Who may read grievances (/grievances/access, admins): the company's admins and compliance
users, each with a toggle. Withdrawing it hides every case from that person (the pages answer
404, the API 403); giving it back restores it. Routes of the `grievances` blueprint.

The page itself needs the permission too, so an admin whose access was withdrawn cannot give
it back to themselves.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import roles_required
from app.apischema import MAX_INT
from app.auth.models import User
from app.db import get_session
from app.errors import Conflict, NotFound
from grievances import queries
from grievances.forms import AccessForm
from grievances.services import cases
from grievances.views import bp, hidden_unless_permitted

admins = roles_required("admin", org_kinds=("buyer",))


@bp.route("/grievances/access", methods=["GET", "POST"])
@admins
@hidden_unless_permitted
def access():
    db = get_session()
    if request.method == "POST":
        raw = (request.form.get("user_id") or "").strip()
        user = db.get(User, int(raw)) if raw.isdigit() and int(raw) <= MAX_INT else None
        if user is None:
            flash("Choose a person from the list.", "error")
            return redirect(url_for("grievances.access"))
        if user.org_id != current_user.org_id or user.role not in cases.READER_ROLES:
            raise NotFound()
        allowed = request.form.get("allowed") == "1"
        try:
            cases.set_access(db, admin=current_user, user=user, allowed=allowed)
        except Conflict as exc:
            db.rollback()
            flash(exc.message, "error")
        else:
            db.commit()
            done = "may read grievances again" if allowed else "no longer sees grievances"
            flash(f"{user.email} {done}.", "success")
        return redirect(url_for("grievances.access"))
    return render_template("grievances/access.html",
                           people=queries.readers(db, current_user.org_id), form=AccessForm())
