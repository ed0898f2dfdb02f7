"""Refuse input that no field may hold, before any view sees it.

NUL bytes (PostgreSQL refuses them, SQLite stores them: PITFALLS "SQLite is lenient") and lone
surrogates (they cannot be encoded, so they fail late, as a 500) in query arguments, form fields,
file names and JSON strings, and JSON nested so deep that parsing it exhausts the stack. Both
databases then see the same input, and the answer is a 422 naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request

from app.db import WRITE_METHODS
from app.errors import NotFound, ValidationFailed

MAX_JSON_DEPTH = 64
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _problem(text: str) -> str | None:
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    return "contains a NUL byte" if found.group() == "\x00" else "contains a lone surrogate"


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}.", [{"field": field, "message": message}])


def _check_pairs(pairs) -> None:
    for key, value in pairs:
        for text in (key, value):
            if isinstance(text, str) and (problem := _problem(text)):
                raise _refuse(key if _problem(key) is None else "(name)", problem)


def check_json(data: Any) -> None:
    """Walk a parsed JSON value without recursion: depth, and every key and string in it."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "body")]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, str):
            if problem := _problem(value):
                raise _refuse(field, problem)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise _refuse("body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, dict):
            for key, item in value.items():
                if problem := _problem(key):
                    raise _refuse(field, f"has a key that {problem}")
                stack.append((item, depth + 1, key if depth == 1 else field))
        else:
            stack.extend((item, depth + 1, field) for item in value)


def _guard() -> None:
    if request.args:
        _check_pairs(request.args.items(multi=True))
    if request.view_args and any(isinstance(v, str) and _problem(v)
                                 for v in request.view_args.values()):
        # A path with a NUL byte names nothing (and a secret in a URL must not be told apart
        # from a wrong one): the same 404 as any unknown address.
        raise NotFound("There is nothing at this address.")
    if request.method not in WRITE_METHODS:
        return
    if request.is_json:
        try:
            data = request.get_json(silent=True)  # cached: the view reuses it
        except RecursionError:
            raise _refuse("body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
        check_json(data)
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.form.items(multi=True))
        _check_pairs((k, f.filename or "") for k, f in request.files.items(multi=True))


def init_inputs(app: Flask) -> None:
    app.before_request(_guard)
