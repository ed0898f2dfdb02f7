"""Entity lists and their editions: loading one (all or nothing), the shipped ones, and which
lists an organisation screens against.

A list belongs to one organisation (its administrator loaded it) or to the platform (shipped,
or loaded with `flask risk load-list --platform`): every buying company screens against the
platform's lists and its own, never another's. Loading an edition of a list in a scope creates
the list on first use and marks the previous current edition superseded in the same
transaction; editions and their entries are never changed afterwards, so a hit keeps naming the
entry and edition it was found in. Services flush, never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.spreadsheets import SpreadsheetError
from app.uploads import as_app_error, safe_filename
from risk.models import EntityList, ListEdition, ListEntry
from risk.screening import importer

__all__ = ["LIST_LOADED", "Checked", "check_list", "current_editions", "get_list", "load_list",
           "visible_lists"]

# Called as hook(session, edition, entity_list) once an edition is written, in the same
# transaction (risk/screening/receivers.py asks for screening runs once it commits).
LIST_LOADED: list[Callable[[Session, ListEdition, EntityList], None]] = []

LIMITS = {"name": 200, "issuer": 200, "edition": 100, "source_url": 500}


@dataclass(frozen=True)
class Checked:
    """A validated edition, ready to write (or the answer of a dry run)."""

    meta: dict[str, Any]
    rows: list[importer.ListRow]
    sha256: str
    filename: str
    unknown_columns: list[str]


def _scope(org_id: int | None) -> int:
    return org_id or 0


def _field(name: str, value: object, *, required: bool) -> tuple[str | None, str | None]:
    text = "" if value is None else str(value).strip()
    if not text:
        return None, (f"{name} is required" if required else None)
    if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in text):
        return None, f"{name} contains control characters"
    if len(text) > LIMITS[name]:
        return None, f"{name} is {len(text):,} characters long; the most is {LIMITS[name]}"
    if name == "source_url":
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
            return None, "source_url is not a web address (http:// or https://)"
    return text, None


def _metadata(name: object, issuer: object, edition: object, source_url: object
              ) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    problems = []
    for key, value, required in (("name", name, True), ("issuer", issuer, True),
                                 ("edition", edition, True), ("source_url", source_url, False)):
        clean[key], problem = _field(key, value, required=required)
        if problem:
            problems.append({"field": key, "message": problem})
    if problems:
        raise ValidationFailed(problems[0]["message"].capitalize() + ".", problems)
    return clean


def _existing(session: Session, scope: int, name: str) -> EntityList | None:
    return session.scalar(select(EntityList).where(EntityList.scope_key == scope,
                                                   EntityList.name == name))


def _refuse_clashes(session: Session, scope: int, meta: dict[str, Any]) -> None:
    found = _existing(session, scope, meta["name"])
    if found is None:
        return
    if found.issuer != meta["issuer"]:
        raise Conflict(f'The list "{found.name}" is issued by {found.issuer}, not '
                       f"{meta['issuer']}: name a new list differently.",
                       [{"field": "issuer", "message": f"the list's issuer is {found.issuer}"}])
    if session.scalar(select(ListEdition.id).where(ListEdition.list_id == found.id,
                                                   ListEdition.edition == meta["edition"])):
        raise Conflict(f'"{found.name}" already has an edition "{meta["edition"]}": give the '
                       "new one another edition label.",
                       [{"field": "edition", "message": "already loaded"}])


def check_list(session: Session, *, filename: str, data: bytes, name: str, issuer: str,
               edition: str, source_url: str | None = None, org_id: int | None = None,
               today: date | None = None) -> Checked:
    """Everything load_list checks, writing nothing (a dry run): ValidationFailed with every
    row error, Conflict for an edition label the list has or another issuer's list name."""
    meta = _metadata(name, issuer, edition, source_url)
    _refuse_clashes(session, _scope(org_id), meta)
    filename = safe_filename(filename)
    try:
        result = importer.parse_file(filename, data, today=today or utcnow().date())
    except SpreadsheetError as exc:
        raise as_app_error(exc) from exc
    if result.errors:
        n = len(result.errors)
        raise ValidationFailed(f"{n} problem{'s' if n != 1 else ''} in the file: nothing was "
                               "loaded.", result.errors)
    if not result.rows:
        raise ValidationFailed("The file holds no entries to load.",
                               [{"field": "file", "message": "no rows"}])
    return Checked(meta, result.rows, hashlib.sha256(data).hexdigest(), filename,
                   result.unknown_columns)


def load_list(session: Session, *, filename: str, data: bytes, name: str, issuer: str,
              edition: str, source_url: str | None = None, org_id: int | None = None,
              actor: Any = None, today: date | None = None) -> ListEdition:
    """Validate and write an edition; it becomes the list's current one."""
    checked = check_list(session, filename=filename, data=data, name=name, issuer=issuer,
                         edition=edition, source_url=source_url, org_id=org_id, today=today)
    return write(session, checked, org_id=org_id, actor=actor)


def write(session: Session, checked: Checked, *, org_id: int | None, actor: Any = None
          ) -> ListEdition:
    meta, scope, now = checked.meta, _scope(org_id), utcnow()
    try:
        with session.begin_nested():  # a concurrent load of the same label: Conflict, not 500
            found = _existing(session, scope, meta["name"])
            if found is None:
                found = EntityList(org_id=org_id, scope_key=scope, name=meta["name"],
                                   issuer=meta["issuer"], source_url=meta["source_url"])
                session.add(found)
                session.flush()
            elif meta["source_url"] and meta["source_url"] != found.source_url:
                found.source_url = meta["source_url"]
            new = ListEdition(list_id=found.id, edition=meta["edition"],
                              filename=checked.filename, sha256=checked.sha256,
                              entries=len(checked.rows), loaded_at=now,
                              loaded_by_id=getattr(actor, "id", None))
            session.add(new)
            session.flush()
    except IntegrityError:
        _refuse_clashes(session, scope, meta)
        raise
    # Core bulk insert: every row has the same keys (PITFALLS: NULLs in ORM bulk inserts).
    session.execute(insert(ListEntry.__table__), [
        {"edition_id": new.id, "row": r.row, "name": r.name, "aliases": list(r.aliases),
         "country": r.country, "identifiers": list(r.identifiers), "listed_on": r.listed_on,
         "reason": r.reason, "source_url": r.source_url, "fingerprint": r.fingerprint}
        for r in checked.rows])
    session.execute(update(ListEdition)
                    .where(ListEdition.list_id == found.id, ListEdition.id != new.id,
                           ListEdition.superseded_at.is_(None))
                    .values(superseded_at=now)
                    .execution_options(synchronize_session="fetch"))
    if org_id is not None:
        record(session, org_id=org_id, actor=actor, action="risk.list_loaded", obj=new,
               summary=f"{found.name}, edition {new.edition}: {new.entries:,} entries",
               details={"list": found.name, "issuer": found.issuer, "edition": new.edition,
                        "sha256": new.sha256, "file": new.filename})
    for hook in LIST_LOADED:
        hook(session, new, found)
    return new


def visible_lists(org_id: int):
    """A query of the lists an organisation screens against: the platform's and its own."""
    return select(EntityList).where(or_(EntityList.scope_key == 0,
                                        EntityList.scope_key == org_id))


def get_list(session: Session, list_id: int, org_id: int) -> EntityList:
    """A platform list or one of the organisation's; any other is 404."""
    found = session.get(EntityList, list_id)
    if found is None or found.scope_key not in (0, org_id):
        raise NotFound("No such entity list.")
    return found


def current_editions(session: Session, org_id: int) -> list[tuple[EntityList, ListEdition]]:
    """The editions in force for an organisation, one per list, by list name."""
    rows = session.execute(
        select(EntityList, ListEdition).join(ListEdition, ListEdition.list_id == EntityList.id)
        .where(ListEdition.superseded_at.is_(None),
               or_(EntityList.scope_key == 0, EntityList.scope_key == org_id))
        .order_by(EntityList.name, EntityList.id)).all()
    return [(lst, ed) for lst, ed in rows]
