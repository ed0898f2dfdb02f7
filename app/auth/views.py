"""Sign-in, sign-out, account settings and API tokens (HTML)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.access import login_required, public
from app.auth import services
from app.auth.forms import ConfirmForm, LoginForm, PasswordForm, TokenForm
from app.auth.models import ApiToken
from app.db import get_session
from app.errors import ValidationFailed
from app.security import SESSION_KEY, limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        db = get_session()
        user = services.authenticate(
            db, form.email.data, form.password.data,
            lock_threshold=current_app.config["ACCOUNT_LOCK_THRESHOLD"],
            lock_minutes=current_app.config["ACCOUNT_LOCK_MINUTES"],
        )
        if user is None:
            db.commit()  # keep the failure count
            error = "Email or password is incorrect."
        else:
            session.clear()  # a fresh session: nothing from before sign-in survives
            session[SESSION_KEY] = services.start_session(
                db, user, user_agent=request.headers.get("User-Agent", "")
            )
            session.permanent = True
            db.commit()
            login_user(user)
            flash(f"Welcome, {user.name or user.email}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    db = get_session()
    services.end_session(db, session.get(SESSION_KEY))
    db.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@login_required
def settings():
    form = PasswordForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            services.change_password(
                db, current_user, current=form.current_password.data,
                new=form.new_password.data,
                fast_hash=current_app.config["PASSWORD_HASH_FAST"],
                lock_threshold=current_app.config["ACCOUNT_LOCK_THRESHOLD"],
                lock_minutes=current_app.config["ACCOUNT_LOCK_MINUTES"],
            )
        except ValidationFailed as exc:
            db.commit()  # keep the failure count (nothing else was written)
            for detail in exc.details:
                getattr(form, detail["field"]).errors.append(detail["message"])
        else:
            # Every session ended, this one too; start a new one so the user stays in.
            session[SESSION_KEY] = services.start_session(
                db, current_user, user_agent=request.headers.get("User-Agent", "")
            )
            db.commit()
            flash("Password changed. Other sessions were signed out.", "success")
            return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form)


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    db = get_session()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = services.issue_token(
            db, current_user, name=form.name.data, days=form.days.data
        )
        db.commit()
        flash("Token created. Copy it now: it will not be shown again.", "success")
    listed = db.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/tokens.html", form=form, tokens=listed, new_token=new_token,
        revoke_form=ConfirmForm(),
    )


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    ConfirmForm()  # CSRF is checked globally; the form renders the token
    db = get_session()
    token = services.revoke_token(db, current_user, token_id)
    db.commit()
    flash(f'Token "{token.name}" revoked.', "info")
    return redirect(url_for("auth.tokens"))
