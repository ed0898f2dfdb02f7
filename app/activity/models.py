"""Append-only activity log with one hash chain per organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254), default="system")
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def chained_fields(self) -> dict[str, Any]:
        """Everything the hash commits to (actor_id is left out: deleting a user nulls it)."""
        return {
            "org_id": self.org_id,
            "seq": self.seq,
            "created_at": self.created_at,
            "actor_email": self.actor_email,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "details": self.details,
        }


class ActivityHead(Base):
    """The last entry of an organisation's chain; locked while appending so chains stay linear."""

    __tablename__ = "activity_heads"

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
