"""The company's side of its channel: the workplaces it lists (under the names workers know),
the poster's languages, and a new intake key (which retires the old address at once).
Functions flush, never commit; each change goes to the activity log.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.tenancy import get_owned
from grievances.models import Channel, ChannelSupplier
from grievances.services.intake import DEFAULT_LANGUAGES, MAX_LINE, _text, listed_workplaces
from suppliers.models import Supplier

# The languages the public page and the poster are translated into (issue 12).
LANGUAGES: tuple[str, ...] = DEFAULT_LANGUAGES
MAX_WORKPLACES = 500


def _supplier(session: Session, channel: Channel, supplier_id: Any) -> Supplier:
    try:
        wanted = int(supplier_id)
    except (TypeError, ValueError):
        raise ValidationFailed("Please check the workplace.", [{
            "field": "supplier_id", "message": "Choose one of your suppliers."}]) from None
    supplier = get_owned(session, Supplier, wanted, channel.org_id)
    if supplier.archived_at is not None:
        # the supplier's state, not the input: 409 (restore it first)
        raise Conflict(f"{supplier.name} is archived: restore it to list it on the channel.",
                       [{"field": "supplier_id", "message": "This supplier is archived."}])
    return supplier


def _public_name(value: Any, supplier: Supplier) -> str:
    name = _text("public_name", value, MAX_LINE)
    return name or supplier.name[:MAX_LINE]


def add_workplace(session: Session, channel: Channel, *, actor: Any, supplier_id: Any,
                  public_name: Any = None) -> ChannelSupplier:
    """List a supplier on the channel; the public name defaults to the supplier's name."""
    supplier = _supplier(session, channel, supplier_id)
    name = _public_name(public_name, supplier)
    found = session.scalar(select(ChannelSupplier).where(
        ChannelSupplier.channel_id == channel.id, ChannelSupplier.supplier_id == supplier.id))
    if found is not None:
        raise Conflict(f"{supplier.name} is already listed, as \u201c{found.public_name}\u201d.")
    count = len(listed_workplaces(session, channel))
    if count >= MAX_WORKPLACES:
        raise Conflict(f"A channel lists at most {MAX_WORKPLACES} workplaces.")
    listed = ChannelSupplier(org_id=channel.org_id, channel_id=channel.id,
                             supplier_id=supplier.id, public_name=name)
    session.add(listed)
    session.flush()
    record(session, org_id=channel.org_id, actor=actor, action="grievances.workplace_listed",
           obj=channel, summary=f"{supplier.name} listed on the grievance channel as {name}",
           details={"supplier_id": supplier.id})
    return listed


def remove_workplace(session: Session, channel: Channel, *, actor: Any,
                     workplace_id: Any) -> None:
    listed = get_owned(session, ChannelSupplier, workplace_id, channel.org_id)
    if listed.channel_id != channel.id:
        raise NotFound()
    session.delete(listed)
    session.flush()
    record(session, org_id=channel.org_id, actor=actor, action="grievances.workplace_removed",
           obj=channel, summary=f"{listed.public_name} no longer listed on the grievance channel",
           details={"supplier_id": listed.supplier_id})


def set_workplaces(session: Session, channel: Channel, *, actor: Any,
                   workplaces: list[dict[str, Any]]) -> list[ChannelSupplier]:
    """Replace the listed workplaces (the API's PATCH): [{supplier_id, public_name?}]."""
    if len(workplaces) > MAX_WORKPLACES:
        raise ValidationFailed("Too many workplaces.", [{
            "field": "workplaces", "message": f"At most {MAX_WORKPLACES}."}])
    wanted: dict[int, str] = {}
    errors: list[dict[str, str]] = []
    for i, item in enumerate(workplaces):
        try:
            supplier = _supplier(session, channel, item.get("supplier_id"))
            wanted[supplier.id] = _public_name(item.get("public_name"), supplier)
        except NotFound:
            errors.append({"field": f"workplaces.{i}.supplier_id",
                           "message": "No such supplier in your network."})
        except ValidationFailed as exc:
            errors += [{**d, "field": f"workplaces.{i}.{d['field']}"} for d in exc.details]
    if errors:
        raise ValidationFailed("Please check the workplaces.", errors)
    current = {w.supplier_id: w for w in listed_workplaces(session, channel)}
    for supplier_id, listed in current.items():
        if supplier_id not in wanted:
            session.delete(listed)
        elif listed.public_name != wanted[supplier_id]:
            listed.public_name = wanted[supplier_id]
    for supplier_id, name in wanted.items():
        if supplier_id not in current:
            session.add(ChannelSupplier(org_id=channel.org_id, channel_id=channel.id,
                                        supplier_id=supplier_id, public_name=name))
    session.flush()
    record(session, org_id=channel.org_id, actor=actor, action="grievances.workplaces_set",
           obj=channel, summary=f"Grievance channel lists {len(wanted)} workplaces",
           details={"supplier_ids": sorted(wanted)})
    return listed_workplaces(session, channel)


def set_languages(session: Session, channel: Channel, *, actor: Any,
                  languages: Any) -> Channel:
    """The poster's languages and the page's language menu, in order."""
    if isinstance(languages, str):
        languages = [languages]
    if not isinstance(languages, list | tuple) or not languages:
        raise ValidationFailed("Please check the languages.", [{
            "field": "languages", "message": "Choose at least one language."}])
    unknown = [str(v)[:12] for v in languages if v not in LANGUAGES]
    if unknown:
        raise ValidationFailed("Please check the languages.", [{
            "field": "languages",
            "message": f"Not a language of the channel: {', '.join(unknown)}. Choose from "
                       f"{', '.join(LANGUAGES)}."}])
    chosen = list(dict.fromkeys(languages))
    if chosen != list(channel.languages or []):
        channel.languages = chosen
        session.flush()
        record(session, org_id=channel.org_id, actor=actor, action="grievances.languages",
               obj=channel, summary=f"Grievance channel languages: {', '.join(chosen)}")
    return channel


def new_key(session: Session, channel: Channel, *, actor: Any) -> Channel:
    """A new intake key: the old address answers 404 from now on (posters need reprinting)."""
    channel.intake_key = secrets.token_urlsafe(18)
    channel.key_rotated_at = utcnow()
    session.flush()
    record(session, org_id=channel.org_id, actor=actor, action="grievances.key_rotated",
           obj=channel, summary="A new grievance channel address was issued; the old one "
                                "was retired")
    return channel
