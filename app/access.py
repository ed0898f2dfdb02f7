"""Who may call a route. Every view and API function is decorated with one of these."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from flask_login import current_user

from app.errors import PermissionDenied, Unauthorized

PUBLIC = "public"
ANY_USER = "any_user"


def public(view: Callable) -> Callable:
    """Open to everyone, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    view.org_kinds = None  # type: ignore[attr-defined]
    return view


def roles_required(
    *roles: str, org_kinds: Iterable[str] | None = None
) -> Callable[[Callable], Callable]:
    """Signed in (cookie or Bearer token) with one of these roles; no roles = any signed-in user.

    `org_kinds` also requires the user's organisation to be of one of these kinds: a role name
    alone says little ("admin" of a buyer, of a supplier, of a regulator).
    """
    kinds = frozenset(org_kinds) if org_kinds is not None else None

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                raise Unauthorized("Sign in to continue.")
            if roles and current_user.role not in roles:
                raise PermissionDenied("Your role does not give access to this page.")
            if kinds is not None and current_user.org.kind not in kinds:
                raise PermissionDenied("Your organisation does not give access to this page.")
            return view(*args, **kwargs)

        wrapper.access = frozenset(roles) if roles else ANY_USER  # type: ignore[attr-defined]
        wrapper.org_kinds = kinds  # type: ignore[attr-defined]
        return wrapper

    return decorate


login_required = roles_required()
