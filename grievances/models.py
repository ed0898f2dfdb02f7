"""Grievances: a buying company's anonymous channel, the cases workers open through it, the
messages between reporter and company, internal notes, and who may read them.

What a reporter writes (the account, the place typed, the contact, every message and note) is
stored encrypted (`*_enc` columns, grievances/crypto.py) and purged from closed cases after the
retention period; the timestamps, categories, status and links stay, so the statistics remain.
Nothing about the reporter's connection (address, user agent) is stored anywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.tenancy import TenantMixin
from grievances.states import STATUSES


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Channel(TenantMixin, Base):
    """One channel per buying company, reached at /g/<intake_key> (a random key)."""

    __tablename__ = "grievance_channels"
    __label__ = "grievance channel"
    __table_args__ = (UniqueConstraint("org_id", name="uq_grievance_channels_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_key: Mapped[str] = mapped_column(String(64), unique=True)
    # ISO 639-1 codes of the poster and of the page's language menu, in order
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    key_rotated_at: Mapped[datetime | None]


class ChannelSupplier(TenantMixin, Base):
    """A workplace the company lists on its channel, under the name workers know it by."""

    __tablename__ = "grievance_channel_suppliers"
    __label__ = "listed workplace"
    __table_args__ = (UniqueConstraint("channel_id", "supplier_id",
                                       name="uq_grievance_channel_suppliers"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("grievance_channels.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    public_name: Mapped[str] = mapped_column(String(200))


class Grievance(TenantMixin, Base):
    """A case. `case_code` is what the reporter quotes; `secret_hash` proves it is them."""

    __tablename__ = "grievances"
    __label__ = "grievance"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_grievances_org_status_due", "org_id", "status", "answer_due_on"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_code: Mapped[str] = mapped_column(String(20), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 of a 128-bit secret
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)  # of CATEGORIES
    language: Mapped[str] = mapped_column(String(8), default="en")  # ISO 639-1
    # chosen by the reporter from the listed workplaces, or linked by compliance
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    place_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # a place typed
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)   # what happened
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # optional
    status: Mapped[str] = mapped_column(String(16), default="received")
    retaliation: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledge_due_on: Mapped[date]   # received + 7 days
    answer_due_on: Mapped[date]        # received + 21 days (Norway's transparency act)
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]  # the company's first message to the reporter
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reopened: Mapped[int] = mapped_column(default=0)
    overdue_flagged_at: Mapped[datetime | None]  # set by the daily job
    purged_at: Mapped[datetime | None]  # free text removed after retention
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class Message(TenantMixin, Base):
    """Between the company and the reporter; `from_reporter` says which way."""

    __tablename__ = "grievance_messages"
    __label__ = "grievance message"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievances.id", ondelete="CASCADE"), index=True)
    from_reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Note(TenantMixin, Base):
    """Internal: never shown to the reporter."""

    __tablename__ = "grievance_notes"
    __label__ = "grievance note"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievances.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessWithdrawal(TenantMixin, Base):
    """Admins and compliance users read grievances by default; an admin can withdraw that
    from one person (a row here), and give it back (the row deleted)."""

    __tablename__ = "grievance_access_withdrawals"
    __label__ = "grievance access withdrawal"
    __table_args__ = (UniqueConstraint("user_id", name="uq_grievance_access_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow)
