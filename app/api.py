"""Helpers shared by every JSON API: bodies, pagination, list answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.errors import ValidationFailed

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(
            "The request body must be a JSON object (Content-Type: application/json)."
        )
    return data


def page_args(default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    def number(name: str, default: int, maximum: int) -> int:
        raw = request.args.get(name, "")
        if raw == "":
            return default
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationFailed(
                f"{name} must be a whole number of at least 1.",
                [{"field": name, "message": f'"{raw}" is not a whole number of at least 1.'}],
            )
        return min(int(raw), maximum)

    return number("page", 1, 10**9), number("per_page", default_per_page, MAX_PER_PAGE)


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
