"""Append-only activity log with one hash chain per organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.activity.chain import HASH_VERSION, V2_FIELDS, hashed_fields
from app.db import Base, utcnow
from app.tenancy import TenantMixin


class ActivityEntry(TenantMixin, Base):
    __tablename__ = "activity_entries"
    __table_args__ = (
        UniqueConstraint("org_id", "seq"),
        Index("ix_activity_entries_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # No ON DELETE: users are deactivated, never deleted, so the actor of an entry stays
    # known; deleting an organisation still removes its users and its entries together.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_email: Mapped[str] = mapped_column(String(254), default="system")
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Which field set `hash` covers (app.activity.chain.HASH_VERSIONS).
    hash_version: Mapped[int] = mapped_column(default=HASH_VERSION)

    def chained_fields(self) -> dict[str, Any]:
        """Everything the hash commits to (app.activity.chain.hashed_fields)."""
        return hashed_fields({name: getattr(self, name) for name in V2_FIELDS})


class ActivityHead(Base):
    """The last entry of an organisation's chain; locked while appending so chains stay linear."""

    __tablename__ = "activity_heads"

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str] = mapped_column(String(64))


class ActivityCheckpoint(TenantMixin, Base):
    """A keyed seal over an organisation's head (see app.activity.checkpoints).

    The key is never stored here: whoever can write these rows still cannot forge `mac`.
    """

    __tablename__ = "activity_checkpoints"
    __table_args__ = (Index("ix_activity_checkpoints_org_seq", "org_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    entry_id: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    mac: Mapped[str] = mapped_column(String(64))

    def sealed_fields(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id, "seq": self.seq, "entry_id": self.entry_id,
            "head_hash": self.head_hash, "created_at": self.created_at,
        }
