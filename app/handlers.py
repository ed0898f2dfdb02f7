"""Turn every error into the page or JSON body of the one error vocabulary."""

from __future__ import annotations

import logging

from flask import Flask, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.db import is_busy_error
from app.errors import AppError, PayloadTooLarge, ServiceBusy, Unauthorized

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "validation_failed", 429: "rate_limited",
    503: "busy",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _reset_session() -> None:
    """Roll back the failed request's work before anything renders (and reloads objects)."""
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the connection itself may be gone; the error page must still show
            log.warning("rollback after error failed", exc_info=True)


def render_error(status: int, code: str, message: str, details: list | None = None, title=""):
    _reset_session()
    request_id = g.get("request_id", "-")
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details or [],
                          "request_id": request_id}}
        response = jsonify(body)
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="tierlight"'
        return response
    page = render_template(
        "error.html", status=status, title=title or code.replace("_", " ").capitalize(),
        message=message, details=details or [], request_id=request_id,
    )
    return page, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        if isinstance(exc, Unauthorized) and not wants_json():
            _reset_session()
            flash("Please sign in to continue.", "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return render_error(exc.status, exc.code, exc.message, exc.details, exc.title)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return render_error(
            400, "csrf_failed",
            "The form had expired or was sent from elsewhere. Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            err = PayloadTooLarge(f"The upload is larger than the {limit} MB limit.")
            return render_error(err.status, err.code, err.message, title=err.title)
        message = exc.description or exc.name
        if status == 404:
            message = "There is nothing at this address."
        if status == 429:
            message = "Too many attempts. Wait a minute and try again."
        response = render_error(status, _HTTP_CODES.get(status, "error"), message,
                                title=exc.name)
        if status == 405:  # RFC 9110: a 405 lists the methods the resource has
            allow = dict(exc.get_headers()).get("Allow")
            if allow:
                if isinstance(response, tuple):
                    response = (*response, {"Allow": allow})
                else:
                    response.headers["Allow"] = allow
        return response

    @app.errorhandler(OperationalError)
    def _db_error(exc: OperationalError):
        if is_busy_error(exc):
            err = ServiceBusy("The database is busy. Try again in a moment.")
            return render_error(err.status, err.code, err.message, title=err.title)
        return _unexpected(exc)

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError):
        return render_error(
            409, "conflict",
            "Someone else changed this record at the same moment. Reload it and try again.",
        )

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        # Checks in the services come first; this is the race they cannot see.
        log.info("integrity error turned into 409: %s", exc.orig)
        return render_error(
            409, "conflict", "This conflicts with a record saved at the same moment. Try again."
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error (request %s)", g.get("request_id", "-"))
        return render_error(
            500, "internal_error",
            "Something went wrong on our side. The error was logged with the request id below.",
            title="Unexpected error",
        )
