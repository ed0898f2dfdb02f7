"""Read-only queries the screening pages and API share: hits with their supplier, entry, list and
edition; lists with their editions. Always scoped by the organisation the caller passes (the
signed-in user's), never by an id from the request alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.errors import ValidationFailed
from risk.models import HIT_STATUSES, EntityList, ListEdition, ListEntry, ScreeningHit
from risk.screening.services import visible_lists
from suppliers.models import Supplier

STATUSES = (*HIT_STATUSES, "all")


def hit_filters(args: Mapping[str, Any], *, default_status: str = "open"
                ) -> tuple[str, int | None]:
    """(status, list id) from query arguments; 422 naming the argument otherwise."""
    status = str(args.get("status") or default_status).strip()
    if status not in STATUSES:
        raise ValidationFailed(f"status must be one of {', '.join(STATUSES)}.",
                               [{"field": "status", "message": f"one of {', '.join(STATUSES)}"}])
    raw = args.get("list")
    list_id = None
    if raw not in (None, ""):
        text = str(raw).strip()
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
            raise ValidationFailed("list must be the id of an entity list.",
                                   [{"field": "list", "message": "a list id"}])
        list_id = int(text)
    return status, list_id


def hits_query(org_id: int, status: str, list_id: int | None) -> Select:
    stmt = (select(ScreeningHit, Supplier, ListEntry, EntityList, ListEdition)
            .join(Supplier, Supplier.id == ScreeningHit.supplier_id)
            .join(ListEntry, ListEntry.id == ScreeningHit.entry_id)
            .join(EntityList, EntityList.id == ScreeningHit.list_id)
            .join(ListEdition, ListEdition.id == ScreeningHit.edition_id)
            .where(ScreeningHit.org_id == org_id, Supplier.org_id == org_id))
    if status != "all":
        stmt = stmt.where(ScreeningHit.status == status)
    if list_id is not None:
        stmt = stmt.where(ScreeningHit.list_id == list_id)
    # Certain first, then the strongest; the newest breaks ties.
    return stmt.order_by(ScreeningHit.certain.desc(), ScreeningHit.score.desc(),
                         ScreeningHit.id.desc())


def page_of_hits(session: Session, stmt: Select, page: int, per_page: int
                 ) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(ScreeningHit.id).order_by(None).subquery()))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total or 0


def counts(session: Session, org_id: int) -> dict[str, int]:
    found = dict(session.execute(
        select(ScreeningHit.status, func.count()).where(ScreeningHit.org_id == org_id)
        .group_by(ScreeningHit.status)).all())
    return {s: found.get(s, 0) for s in HIT_STATUSES}


def deciders(session: Session, rows: list[Any]) -> dict[int, str]:
    ids = {r[0].decided_by_id for r in rows if r[0].decided_by_id}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def hit_json(row: Any, emails: Mapping[int, str]) -> dict[str, Any]:
    hit, supplier, entry, listing, edition = row
    return {
        "id": hit.id, "status": hit.status, "score": hit.score, "certain": hit.certain,
        "reasons": list(hit.reasons or ()),
        "supplier": {"id": supplier.id, "name": supplier.name,
                     "latin_name": supplier.latin_name, "country": supplier.country},
        "entry": entry_json(entry),
        "list": {"id": listing.id, "name": listing.name, "issuer": listing.issuer},
        "edition": {"id": edition.id, "edition": edition.edition,
                    "superseded_at": edition.superseded_at.isoformat()
                    if edition.superseded_at else None},
        "found_at": hit.found_at.isoformat(),
        "decided_at": hit.decided_at.isoformat() if hit.decided_at else None,
        "decided_by": emails.get(hit.decided_by_id) if hit.decided_by_id else None,
        "note": hit.note,
    }


def entry_json(entry: ListEntry) -> dict[str, Any]:
    return {"id": entry.id, "row": entry.row, "name": entry.name,
            "aliases": list(entry.aliases or ()), "country": entry.country,
            "identifiers": list(entry.identifiers or ()),
            "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
            "reason": entry.reason, "source_url": entry.source_url}


def edition_json(edition: ListEdition) -> dict[str, Any]:
    return {"id": edition.id, "edition": edition.edition, "entries": edition.entries,
            "filename": edition.filename, "sha256": edition.sha256,
            "loaded_at": edition.loaded_at.isoformat(),
            "superseded_at": edition.superseded_at.isoformat()
            if edition.superseded_at else None}


def lists_with_editions(session: Session, org_id: int
                        ) -> list[tuple[EntityList, list[ListEdition]]]:
    lists = session.scalars(visible_lists(org_id).order_by(EntityList.name,
                                                           EntityList.id)).all()
    if not lists:
        return []
    editions: dict[int, list[ListEdition]] = {}
    for ed in session.scalars(select(ListEdition).where(
            ListEdition.list_id.in_([lst.id for lst in lists]))
            .order_by(ListEdition.loaded_at.desc(), ListEdition.id.desc())):
        editions.setdefault(ed.list_id, []).append(ed)
    return [(lst, editions.get(lst.id, [])) for lst in lists]


def list_json(listing: EntityList, editions: list[ListEdition]) -> dict[str, Any]:
    current = next((e for e in editions if e.superseded_at is None), None)
    return {"id": listing.id, "name": listing.name, "issuer": listing.issuer,
            "source_url": listing.source_url,
            "scope": "platform" if listing.org_id is None else "organisation",
            "current_edition": edition_json(current) if current else None,
            "editions": [edition_json(e) for e in editions]}
