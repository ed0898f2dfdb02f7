"""Sharing across organisations (DESIGN.md section 5): what one tenant addressed to another.

Most records are read through `get_owned` / `owned` (app/tenancy.py): the signed-in user's
organisation owns them, or they are 404. Some records are addressed to another organisation:
a questionnaire assignment to a supplier organisation, an audit to an audit firm, a corrective
action to a supplier, a filed statement to a jurisdiction's regulators, a buyer's supplier
record connected to a supplier organisation (`Supplier.linked_org_id`).

Each package reads those through ONE subclass of `AddressedTo` per kind of record, whose
`link(user)` is an SQL condition over an explicit, queryable column (the assignment's
supplier organisation, the audit's auditor, the statement's jurisdiction). The rules:

- never widen `get_owned`, and never let an id or a flag from the request decide who reads;
- `link` names the user's organisation (or its jurisdiction), never a value from the request;
- what the addressee may see is a separate serialiser, named in the issue; everything else of
  the owner stays 404 (NotFound, never 403), exactly as for a stranger;
- the access matrix has, for every shared route, at least owner, addressee and stranger.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from app.errors import NotFound

T = TypeVar("T")


class Principal(Protocol):
    """What sharing needs of the signed-in user (app.auth.models.User satisfies it)."""

    id: int
    org_id: int
    role: str


class AddressedTo(ABC, Generic[T]):
    """The records of `model` that their owners addressed to the user's organisation."""

    model: type[T]

    @abstractmethod
    def link(self, user: Principal) -> ColumnElement[bool]:
        """SQL condition: the record is addressed to `user` (through an explicit column)."""

    def query(self, user: Principal) -> Select[tuple[T]]:
        """Everything addressed to the user, as a select to filter, order and page."""
        return select(self.model).where(self.link(user))

    def get(self, session: Session, obj_id: Any, user: Principal) -> T:
        """One record addressed to the user; NotFound otherwise (also for its owner)."""
        try:
            key = int(obj_id)
        except (TypeError, ValueError):
            raise NotFound() from None
        found = session.scalar(self.query(user).where(self.model.id == key))  # type: ignore[attr-defined]
        if found is None:
            raise NotFound(f"No such {getattr(self.model, '__label__', 'record')}.")
        return found
