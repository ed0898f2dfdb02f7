"""Who may call a route. Every view and API function is decorated with one of these."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask_login import current_user

from app.errors import PermissionDenied, Unauthorized

PUBLIC = "public"
ANY_USER = "any_user"


def public(view: Callable) -> Callable:
    """Open to everyone, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Signed in (cookie or Bearer token) with one of these roles; no roles = any signed-in user."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                raise Unauthorized("Sign in to continue.")
            if roles and current_user.role not in roles:
                raise PermissionDenied("Your role does not give access to this page.")
            return view(*args, **kwargs)

        wrapper.access = frozenset(roles) if roles else ANY_USER  # type: ignore[attr-defined]
        return wrapper

    return decorate


login_required = roles_required()
