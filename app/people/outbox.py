"""The outbox for admins: every email of the organisation, its state, and resending (HTML)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.access import roles_required
from app.api import page_of
from app.auth.forms import ConfirmForm
from app.db import get_session
from app.mail import STATUSES, OutboxMessage, resend
from app.tenancy import get_owned, owned

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")
PER_PAGE = 50


@bp.get("")
@roles_required("admin")
def index():
    db = get_session()
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    # Control characters (NUL above all: PostgreSQL refuses it) cannot be in an address.
    q = "".join(c for c in (request.args.get("q") or "") if c.isprintable()).strip()[:200]
    stmt = owned(OutboxMessage, current_user.org_id).order_by(OutboxMessage.id.desc())
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            func.lower(OutboxMessage.to_address).like(like)
            | func.lower(OutboxMessage.subject).like(like)
        )
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    messages, total = page_of(db, stmt, page, PER_PAGE)
    counts = dict(db.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.org_id == current_user.org_id).group_by(OutboxMessage.status)
    ).all())
    return render_template(
        "people/outbox.html", messages=messages, total=total, page=page, per_page=PER_PAGE,
        status=status, q=q, counts=counts, statuses=STATUSES, confirm_form=ConfirmForm(),
    )


@bp.post("/<int:message_id>/resend")
@roles_required("admin")
def resend_message(message_id: int):
    db = get_session()
    message = get_owned(db, OutboxMessage, message_id, current_user.org_id)
    ConfirmForm()
    again = resend(db, message, actor=current_user)
    db.commit()
    flash(f"The message to {again.to_address} is queued again.", "success")
    return redirect(url_for("outbox.index"))
