"""Tenancy: every customer record carries its organisation, and lookups are scoped by it.

Views and services call `get_owned` / `owned` with the signed-in user's organisation, never with
an id taken from the request, so another tenant's id is simply not found (404).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ForeignKey, Select, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from app.errors import NotFound

T = TypeVar("T")


class TenantMixin:
    """Adds `org_id`; mix into every model that holds customer data."""

    @declared_attr
    def org_id(cls) -> Mapped[int]:
        return mapped_column(
            ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=False
        )


def owned(model: type[T], org_id: int) -> Select[tuple[T]]:
    """A select of `model` limited to one organisation."""
    return select(model).where(model.org_id == org_id)  # type: ignore[attr-defined]


def get_owned(session: Session, model: type[T], obj_id: Any, org_id: int) -> T:
    """The object with this id if the organisation owns it; otherwise NotFound (404)."""
    try:
        key = int(obj_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    obj = session.get(model, key)
    if obj is None or obj.org_id != org_id:  # type: ignore[attr-defined]
        raise NotFound(f"No such {getattr(model, '__label__', model.__name__.lower())}.")
    return obj
