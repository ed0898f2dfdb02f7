"""What the public channel keeps of the reporter's connection: nothing.

- The access logs (the development server's `werkzeug` logger, gunicorn's `gunicorn.access`)
  show "-" for the client's address, agent and referrer on the channel's paths, and no query
  string (the status API carries the secret in it). The channel's stylesheet counts as one of
  its paths: its request follows the page's at once and would give the address away.
- Rate limits are keyed by an HMAC of the address under SECRET_KEY (never the address) and by
  the case code typed. Only what an attacker needs goes against the limits: reports accepted
  and wrong code-and-secret pairs, so a worker following a case is not locked out by
  colleagues behind the same factory Wi-Fi.
- The services are never given the request (grievances/services/intake.py); the activity log
  records these actions with no actor, and sign-in sessions (which keep a user agent) exist
  only for signed-in users.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request

from app.security import limiter
from grievances.services.intake import normalise_code

# Paths of the channel: its pages, its stylesheet, and the API under /api/v1/grievances/ whose
# first segment is not a case id (an intake key, or "status"); the company's routes
# (/api/v1/grievances, /api/v1/grievances/<id>...) keep their ordinary log lines.
PUBLIC_PATH = re.compile(r"^(?:/g(?:/|$)|/static/css/grievance-public\.css$"
                         r"|/api/v1/grievances/(?![0-9]+(?:/|$))[^/]+(?:/|$))")
# "GET /path?query HTTP/1.1", perhaps inside the development server's colour codes
_REQUEST_LINE = re.compile(r"^(?P<head>.*?[A-Z]+ )(?P<target>\S+)(?P<tail> HTTP/[0-9.]+.*)$",
                           re.DOTALL)
LOGGERS = ("werkzeug", "gunicorn.access")


def is_public_path(path: str) -> bool:
    return bool(PUBLIC_PATH.match(path.split("?", 1)[0]))


def _without_query(line: str) -> tuple[str, bool]:
    """The request line with its query string dropped, and whether it is a channel path."""
    found = _REQUEST_LINE.match(line)
    if found is None:
        return line, False
    path = found["target"].split("?", 1)[0]
    return found["head"] + path + found["tail"], is_public_path(path)


class ChannelLogFilter(logging.Filter):
    """Rewrites access-log records of the channel's paths (see the module's docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            self._gunicorn(record)
        elif isinstance(record.args, tuple) and record.args \
                and isinstance(record.args[0], str):
            self._werkzeug(record)
        return True

    @staticmethod
    def _werkzeug(record: logging.LogRecord) -> None:
        # msg is '<address> - - [<date>] "%s" %s %s', args[0] the request line
        line, public = _without_query(record.args[0])
        if not public:
            return
        record.args = (line, *record.args[1:])
        if isinstance(record.msg, str):
            _address, sep, rest = record.msg.partition(" - - [")
            if sep:
                record.msg = "-" + sep + rest

    @staticmethod
    def _gunicorn(record: logging.LogRecord) -> None:
        atoms: Any = record.args
        path = str(atoms.get("U", ""))
        if not is_public_path(path):
            return
        cleaned = dict(atoms)
        for key in list(cleaned):
            # request and response headers ({name}i, {name}o) and the WSGI environ ({name}e)
            # can hold the address (X-Forwarded-For, REMOTE_ADDR), the agent or the secret
            if key.startswith("{"):
                cleaned[key] = "-"
        line, _public = _without_query(str(atoms.get("r", "")))
        cleaned.update({"h": "-", "a": "-", "f": "-", "q": "", "r": line, "U": path})
        copy = type(atoms).__new__(type(atoms))  # gunicorn's SafeAtoms: '-' for missing keys
        dict.update(copy, cleaned)
        record.args = copy


def install_log_filter() -> None:
    """Once per process (loggers are global; every app made in the process shares them)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ChannelLogFilter) for f in logger.filters):
            logger.addFilter(ChannelLogFilter())


# --- rate-limit keys --------------------------------------------------------------------------

def address_key() -> str:
    """The client's address as an HMAC under SECRET_KEY, truncated: the limiter's storage
    (memory or Redis) holds this, never the address."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, (request.remote_addr or "-").encode(), hashlib.sha256).hexdigest()
    return "grievance-address:" + digest[:32]


def typed_code() -> str:
    """The case code sent with this request (form, query or JSON), normalised; "" if none."""
    raw: Any = request.form.get("code") or request.args.get("case")
    if raw is None and request.is_json:
        body = request.get_json(silent=True)
        raw = body.get("case") if isinstance(body, dict) else None
    return normalise_code(raw if isinstance(raw, str) else "")


def case_key() -> str:
    return "grievance-case:" + typed_code()


def no_code() -> bool:
    """A request without a case code guesses nothing: the per-case limit skips it."""
    return not typed_code()


def intake_limit() -> str:
    return current_app.config["GRIEVANCE_INTAKE_RATE_LIMIT"]


def follow_limit() -> str:
    return current_app.config["GRIEVANCE_FOLLOW_RATE_LIMIT"]


def accepted(response: Any) -> bool:
    return response.status_code < 300


def wrong_pair(response: Any) -> bool:
    return response.status_code == 404


def limit_reports(methods: list[str] | None = None) -> Callable[[Callable], Callable]:
    """Reports accepted per address, over the page and the API together."""
    return limiter.shared_limit(intake_limit, "grievance-reports", key_func=address_key,
                                methods=methods, deduct_when=accepted)


def limit_guesses(methods: list[str] | None = None) -> Callable[[Callable], Callable]:
    """Wrong code-and-secret pairs per case code and per address, over every follow-up
    route (pages and API) together."""
    per_case = limiter.shared_limit(follow_limit, "grievance-case", key_func=case_key,
                                    methods=methods, deduct_when=wrong_pair,
                                    exempt_when=no_code)
    per_address = limiter.shared_limit(intake_limit, "grievance-guesses",
                                       key_func=address_key, methods=methods,
                                       deduct_when=wrong_pair)
    return lambda view: per_address(per_case(view))


def init_app(app: Flask) -> None:
    install_log_filter()
