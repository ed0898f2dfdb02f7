"""A supplier merged into another (app.signals.supplier_merging, inside the merge's
transaction): the cases linked to the duplicate and the workplace it was listed as move to the
record that is kept. Returns what moved, for the merge's activity-log entry."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from grievances.models import ChannelSupplier, Grievance


def on_merging(_sender, *, session, org_id: int, keep_id: int, duplicate_id: int,
               **_kw) -> dict[str, int]:
    cases = session.execute(update(Grievance).where(
        Grievance.org_id == org_id, Grievance.supplier_id == duplicate_id).values(
        supplier_id=keep_id)).rowcount or 0
    listed = set(session.scalars(select(ChannelSupplier.channel_id).where(
        ChannelSupplier.org_id == org_id, ChannelSupplier.supplier_id == keep_id)))
    # a workplace listed under both records stays listed once, under the kept one
    dropped = 0
    if listed:
        dropped = session.execute(delete(ChannelSupplier).where(
            ChannelSupplier.org_id == org_id, ChannelSupplier.supplier_id == duplicate_id,
            ChannelSupplier.channel_id.in_(listed))).rowcount or 0
    moved = session.execute(update(ChannelSupplier).where(
        ChannelSupplier.org_id == org_id, ChannelSupplier.supplier_id == duplicate_id).values(
        supplier_id=keep_id)).rowcount or 0
    counts = {"grievance cases": cases,
              "workplaces listed on the grievance channel": moved + dropped}
    return {label: n for label, n in counts.items() if n}  # what moved, nothing else


def connect() -> None:
    from app.signals import supplier_merging

    supplier_merging.connect(on_merging)
