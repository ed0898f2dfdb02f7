"""The generic job record: what ran, for which organisation, how far it got, how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.tenancy import TenantMixin

STATUSES = ("queued", "running", "done", "failed")


class Job(TenantMixin, Base):
    __tablename__ = "jobs"
    __label__ = "job"
    __table_args__ = (Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(80))  # the handler, e.g. "suppliers.import"
    status: Mapped[str] = mapped_column(String(10), default="queued")
    stage: Mapped[str] = mapped_column(String(40), default="")  # the handler's current step
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the handler's input
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(1000))
    attempts: Mapped[int] = mapped_column(default=0)
    # "host:pid" of the worker running it, and when it last said it was alive.
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "status": self.status, "stage": self.stage,
                "progress": self.progress, "total": self.total, "result": self.result,
                "error": self.error, "attempts": self.attempts}
