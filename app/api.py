"""Helpers shared by every JSON API: bodies, pagination, list answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.apischema import MAX_INT, MAX_PER_PAGE, int_arg, read_json
from app.errors import ValidationFailed

DEFAULT_PER_PAGE = 50

__all__ = ["DEFAULT_PER_PAGE", "MAX_PER_PAGE", "int_arg", "json_body", "page_args", "page_of",
           "paginate"]


def json_body() -> dict[str, Any]:
    """The JSON object of the request (for views without a body schema of their own)."""
    data = read_json()
    if not isinstance(data, dict):
        raise ValidationFailed("The request body must be a JSON object.",
                               [{"field": "body", "message": "must be an object"}])
    return data


def page_args(default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """`?page=&per_page=`: whole numbers from 1; per_page above the maximum counts as it."""
    page = int_arg(request.args, "page", 1, maximum=MAX_INT)
    per_page = int_arg(request.args, "per_page", default_per_page, maximum=MAX_INT)
    return page or 1, min(per_page or default_per_page, MAX_PER_PAGE)


def page_of(session: Session, stmt: Select, page: int, per_page: int) -> tuple[list, int]:
    """One page of a select's results, and how many there are in all."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total or 0


def paginate(
    session: Session, stmt: Select, serialise: Callable[[Any], dict], *, per_page_default=50
) -> dict[str, Any]:
    page, per_page = page_args(per_page_default)
    items, total = page_of(session, stmt, page, per_page)
    return {
        "items": [serialise(item) for item in items],
        "total": total,
        "page": page,
        "per_page": per_page,
    }
