"""People pages (admins), accepting an invitation and resetting a password (HTML)."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.access import public, roles_required
from app.auth.forms import ConfirmForm
from app.auth.models import User
from app.auth.roles import ROLE_LABELS, ROLES_FOR_KIND
from app.db import get_session
from app.errors import AppError, Conflict, NotFound, ValidationFailed
from app.people import resets, services
from app.people.forms import AcceptForm, ForgotForm, InviteForm, ResetForm, RoleForm, role_choices
from app.people.models import Invitation
from app.security import limiter
from app.tenancy import get_owned

bp = Blueprint("people", __name__)


def invitation_link(raw: str) -> str:
    return url_for("people.accept", token=raw, _external=True)


def reset_link(raw: str) -> str:
    return url_for("people.reset_password", token=raw, _external=True)


def _reset_limit() -> str:
    # Per address, on top of the per-account cap in services (RESETS_PER_HOUR).
    config = current_app.config
    return config.get("PASSWORD_RESET_RATE_LIMIT") or config["LOGIN_RATE_LIMIT"]


def _fast() -> bool:
    return bool(current_app.config["PASSWORD_HASH_FAST"])


def _form_errors(form, exc: AppError) -> None:
    details = exc.details or [{"field": None, "message": exc.message}]
    for detail in details:
        target = getattr(form, detail.get("field") or "", None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, detail["message"]]
        else:
            flash(detail["message"], "error")


def _link_problem(title: str, message: str, status: int):
    return render_template("people/link_problem.html", title=title, message=message), status


@bp.get("/people")
@roles_required("admin")
def index(invite_form: InviteForm | None = None, status: int = 200):
    db = get_session()
    org = current_user.org
    allowed = ROLES_FOR_KIND[org.kind]
    invite_form = invite_form or InviteForm()
    invite_form.role.choices = role_choices(allowed)
    if not invite_form.role.data:  # the least power by default
        invite_form.role.data = sorted(allowed - {"admin"})[0]
    people = db.scalars(services.people_query(org.id)).all()
    invitations = [
        inv for inv in db.scalars(
            # Invitations to join: others (a supplier connection) are shown where they belong.
            select(Invitation).where(Invitation.org_id == org.id, Invitation.accepted_at.is_(None),
                                     Invitation.revoked_at.is_(None),
                                     Invitation.purpose == "join_org")
            .order_by(Invitation.created_at.desc()).limit(100)
        )
        if inv.status == "pending"
    ]
    return render_template(
        "people/index.html", people=people, invitations=invitations, invite_form=invite_form,
        roles=role_choices(allowed), confirm_form=ConfirmForm(),
    ), status


@bp.post("/people/invitations")
@roles_required("admin")
def invite():
    form = InviteForm()
    form.role.choices = role_choices(ROLES_FOR_KIND[current_user.org.kind])
    if not form.validate_on_submit():
        return index(form, 422)
    db = get_session()
    try:
        invitation = services.invite(
            db, org=current_user.org, actor=current_user, email=form.email.data,
            role=form.role.data, link_for=invitation_link,
        )
    except (ValidationFailed, Conflict) as exc:
        db.rollback()
        _form_errors(form, exc)
        return index(form, exc.status)
    db.commit()
    flash(f"Invitation sent to {invitation.email}; the link is valid for 7 days.", "success")
    return redirect(url_for("people.index"))


@bp.post("/people/invitations/<int:invitation_id>/revoke")
@roles_required("admin")
def revoke_invitation(invitation_id: int):
    db = get_session()
    invitation = get_owned(db, Invitation, invitation_id, current_user.org_id)
    ConfirmForm()
    services.revoke_invitation(db, actor=current_user, invitation=invitation)
    db.commit()
    flash(f"The invitation to {invitation.email} no longer works.", "info")
    return redirect(url_for("people.index"))


def _person(user_id: int) -> User:
    return get_owned(get_session(), User, user_id, current_user.org_id)


@bp.post("/people/<int:user_id>/role")
@roles_required("admin")
def change_role(user_id: int):
    person = _person(user_id)
    form = RoleForm()
    form.role.choices = role_choices(ROLES_FOR_KIND[current_user.org.kind])
    if not form.validate_on_submit():
        raise ValidationFailed("Choose a role.", [{"field": "role", "message": "Choose a role."}])
    db = get_session()
    services.change_role(db, actor=current_user, user=person, role=form.role.data)
    db.commit()
    flash(f"{person.email} is now {ROLE_LABELS.get(form.role.data, form.role.data)}; their "
          "sessions and tokens ended.", "success")
    return redirect(url_for("people.index"))


def _set_active(user_id: int, active: bool):
    person = _person(user_id)
    ConfirmForm()  # CSRF is checked globally; the form renders the token
    db = get_session()
    services.set_active(db, actor=current_user, user=person, active=active)
    db.commit()
    if not active and person.id == current_user.id:
        return redirect(url_for("auth.login"))
    flash(f"{person.email} {'reactivated' if active else 'deactivated'}.", "success")
    return redirect(url_for("people.index"))


@bp.post("/people/<int:user_id>/deactivate")
@roles_required("admin")
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/people/<int:user_id>/reactivate")
@roles_required("admin")
def reactivate(user_id: int):
    return _set_active(user_id, True)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def accept(token: str):
    db = get_session()
    try:
        invitation = services.open_invitation(db, token)
    except NotFound as exc:
        return _link_problem("This invitation cannot be used", exc.message, 404)
    purpose = services.PURPOSES[invitation.purpose]
    page = purpose.page
    if page is not None:  # the package that owns the purpose has its own page for the link
        return redirect(url_for(page, token=token))
    if services.existing_account(db, invitation) is not None:
        return _link_problem(
            "You already have an account",
            f"{invitation.email} already has a Tierlight account, and one address belongs to "
            f"one organisation. Sign in with it, or ask {invitation.organization.name} to "
            "invite another address.", 409,
        )
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                db, token, name=form.name.data, password=form.password.data, fast_hash=_fast()
            )
        except ValidationFailed as exc:
            db.rollback()
            _form_errors(form, exc)
        except (NotFound, Conflict) as exc:
            db.rollback()
            return _link_problem("This invitation cannot be used", exc.message, exc.status)
        else:
            # The organisation the account joined: the inviter's, or (an audit assignment)
            # the audit firm's.
            joined = user.organization.name
            target = purpose.landing(invitation) if purpose.landing else None
            db.commit()
            flash(f"Welcome to {joined}. Sign in with {user.email}.", "success")
            if target is not None:
                endpoint, values = target
                return redirect(url_for("auth.login", next=url_for(endpoint, **values)))
            return redirect(url_for("auth.login"))
    wording = purpose.wording(db, invitation) if purpose.wording else None
    return render_template("people/accept.html", invitation=invitation, form=form,
                           wording=wording)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def forgot_password():
    started = time.monotonic()
    form = ForgotForm()
    if form.validate_on_submit():
        db = get_session()
        resets.request_password_reset(db, email=form.email.data, link_for=reset_link)
        db.commit()
        # Known and unknown addresses do different work; answering no sooner than a fixed
        # floor hides the difference from anyone timing the answer.
        floor = float(current_app.config.get("PASSWORD_RESET_ANSWER_SECONDS", 0.25))
        time.sleep(max(0.0, floor - (time.monotonic() - started)))
        return render_template("people/forgot_sent.html")
    return render_template("people/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def reset_password(token: str):
    db = get_session()
    try:
        reset = resets.open_reset(db, token)
    except NotFound as exc:
        return _link_problem("This link cannot be used", exc.message, 404)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            resets.reset_password(db, token, password=form.password.data, fast_hash=_fast())
        except ValidationFailed as exc:
            db.rollback()
            _form_errors(form, exc)
        except NotFound as exc:
            db.rollback()
            return _link_problem("This link cannot be used", exc.message, 404)
        else:
            db.commit()
            flash("Password changed, and every session signed out. Sign in with it now.",
                  "success")
            return redirect(url_for("auth.login"))
    return render_template("people/reset.html", form=form, email=reset.user.email)
