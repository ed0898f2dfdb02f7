"""Sign-in plumbing, CSRF, rate limits, request ids and security headers."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event

from app.access import PUBLIC
from app.auth.models import User
from app.auth.services import session_is_live, touch_token, user_for_token
from app.db import WRITE_METHODS, get_db, get_session, utcnow
from app.errors import Unauthorized
from app.inputs import init_inputs

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

SESSION_KEY = "sk"
STAMP_EVERY_SECONDS = 300
STAMP_BUSY_MS = 500
# Endpoints that take unsafe methods without a session: they authenticate by other means
# (password, or a secret in the URL) and answer only JSON.
CSRF_EXEMPT_ENDPOINTS: set[str] = {"auth_api.create_token"}

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    db = get_session()
    try:
        user = db.get(User, int(user_id))
    except ValueError:
        return None
    # The cookie alone is not enough: its server-side session must still be live.
    if user is None or not user.is_active:
        return None
    if not session_is_live(db, session.get(SESSION_KEY), user.id):
        return None
    return user


def _authenticate_bearer() -> None:
    """A request that sends a Bearer token is that token's user, or nobody.

    The browser session is not consulted (a cookie never rescues a revoked token), so Bearer
    calls skip Flask-Login's session lookup and its per-request session-protection hash.
    """
    header = request.headers.get("Authorization")
    if header is None or not header.startswith("Bearer "):
        return
    found = user_for_token(get_session(), header.removeprefix("Bearer ").strip())
    if found is None:
        g._login_user = login_manager.anonymous_user()
        return
    user, token = found
    g.api_token = token
    g._login_user = user  # what flask_login.current_user reads
    _plan_token_stamp(token)


def _plan_token_stamp(token) -> None:
    """Record "last used" at most every five minutes, never in a second write transaction.

    Write requests stamp inside their own transaction, just before it commits; if it never
    commits (a 422, say) or the request only reads, the stamp is written once the request's
    session has ended, in a short transaction that waits only briefly for SQLite's lock.
    """
    now = utcnow()
    last = token.last_used_at  # read now, while the row is fresh: never after a rollback
    if last is not None and (now - last).total_seconds() <= STAMP_EVERY_SECONDS:
        return
    token_id = token.id  # a plain value: the object may be expired by a rollback later
    g.token_stamp_pending = token_id
    if request.method in WRITE_METHODS:
        db = get_session()

        def stamp_in_transaction(session) -> None:
            if g.get("token_stamp_pending") == token_id:
                touch_token(session, token_id, now)

        def stamped(_session) -> None:
            g.pop("token_stamp_pending", None)

        event.listen(db, "before_commit", stamp_in_transaction, once=True)
        event.listen(db, "after_commit", stamped, once=True)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request or app context
            record.request_id = "-"
        return True


def init_security(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # We never offer "remember me" (PITFALLS: a 365-day cookie, not Secure); should a
    # remember cookie arrive anyway it is short-lived, flagged, and still needs a live session.
    app.config["REMEMBER_COOKIE_DURATION"] = 0
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    csrf.init_app(app)
    limiter.init_app(app)
    _limit_only_decorated_routes(app)

    handler_filter = _RequestIdFilter()
    for handler in app.logger.handlers or logging.getLogger().handlers:
        handler.addFilter(handler_filter)
    app.logger.addFilter(handler_filter)

    @app.before_request
    def _request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    init_inputs(app)  # after the request id, before anything reads the input
    app.before_request(_authenticate_bearer)

    @app.before_request
    def _csrf() -> None:
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        if request.endpoint in CSRF_EXEMPT_ENDPOINTS:
            return
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.endpoint is None:
            return  # no such route: 404 or 405 follows, and nothing runs
        user = current_user._get_current_object()  # and g.api_token for Bearer calls
        if g.get("api_token") is not None:
            return  # a Bearer token cannot be sent by a forged cross-site form
        if not user.is_authenticated and request.path.startswith("/api/"):
            view = app.view_functions.get(request.endpoint)
            if getattr(view, "access", None) != PUBLIC:
                # Nothing to forge without credentials: say what is missing.
                raise Unauthorized("Send a Bearer token (POST /api/v1/auth/tokens) or sign in.")
        csrf.protect()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        # Only if the request loaded a user: loading one here would cost a lookup for nothing.
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.teardown_request
    def _stamp_token_after(_exc: BaseException | None) -> None:
        token_id = g.pop("token_stamp_pending", None)
        if token_id is None:
            return
        session = g.pop("db_session", None)
        if session is not None:
            session.close()  # end the request's transaction (and its lock) first
        _touch_token_after(token_id)


def _limit_only_decorated_routes(app: Flask) -> None:
    """Without default or application-wide limits, Flask-Limiter's before_request hook has
    nothing to do that the `@limiter.limit` wrappers do not do themselves (they check their
    route's limits when called), yet it costs every request; take it off."""
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)


def _touch_token_after(token_id: int) -> None:
    """The stamp the request could not write itself, in its own short transaction."""
    db = get_db().new_session(write=True, busy_ms=STAMP_BUSY_MS)
    try:
        touch_token(db, token_id, utcnow())
        db.commit()
    except Exception:  # a missed "last used" stamp must never fail or slow the request
        db.rollback()
        logging.getLogger(__name__).warning("could not record token use", exc_info=True)
    finally:
        db.close()
