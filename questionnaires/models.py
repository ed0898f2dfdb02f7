"""Campaigns, assignments (one questionnaire sent to one supplier), signals, evidence, consent.

An assignment belongs to the buying company (`org_id`) and is addressed to the supplier
organisation its supplier record is connected to (`supplier_org_id`, DESIGN.md section 5).
The supplier's working copy (`answers`) and what it submitted (`submitted_answers`) are kept
apart: the buyer only ever reads what was submitted, so a draft, or answers carried over from
another buyer's questionnaire, reach the buyer only when the supplier submits them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organization, User
from app.db import Base, utcnow
from app.tenancy import TenantMixin
from questionnaires.states import EDITABLE, STATUSES
from suppliers.models import Supplier

STATUS_CHECK = "status IN (" + ", ".join(repr(s) for s in STATUSES) + ")"


def _supplier_fk(name: str) -> ForeignKeyConstraint:
    # Both the assignment and its supplier belong to the same buyer, enforced by the database.
    return ForeignKeyConstraint(
        ["org_id", "supplier_id"], ["suppliers.org_id", "suppliers.id"],
        name=name, ondelete="CASCADE",
    )


class Campaign(TenantMixin, Base):
    """One sending of a template to many suppliers."""

    __tablename__ = "questionnaire_campaigns"
    __label__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_key: Mapped[str] = mapped_column(String(40))
    template_version: Mapped[int]
    due_date: Mapped[date]
    contact_email: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(String(2000))
    assignment_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class Assignment(TenantMixin, Base):
    __tablename__ = "questionnaire_assignments"
    __label__ = "assignment"
    __table_args__ = (
        _supplier_fk("fk_questionnaire_assignments_org_supplier"),
        Index("ix_qassign_org_status", "org_id", "status"),
        Index("ix_qassign_org_supplier", "org_id", "supplier_id"),
        Index("ix_qassign_org_due", "org_id", "due_date"),
        Index("ix_qassign_addressee", "supplier_org_id", "template_key", "status"),
        CheckConstraint(STATUS_CHECK, name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_campaigns.id", ondelete="SET NULL"), index=True
    )
    supplier_id: Mapped[int] = mapped_column()
    # The supplier organisation it is addressed to: set while the record is connected.
    supplier_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    template_key: Mapped[str] = mapped_column(String(40))
    # The version it was sent with; later versions never change it.
    template_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="sent")
    due_date: Mapped[date]
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The emailed link: token = HMAC(secret key, nonce); only its SHA-256 is looked up.
    link_nonce: Mapped[str] = mapped_column(String(64))
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    language: Mapped[str | None] = mapped_column(String(5))
    opened_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    attestation_name: Mapped[str | None] = mapped_column(String(200))
    attestation_title: Mapped[str | None] = mapped_column(String(200))
    returned_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The company's comment when it returns the questionnaire: addressed to the supplier.
    review_comment: Mapped[str | None] = mapped_column(Text)
    # Answers carried over (with consent) from this earlier assignment of the same supplier.
    reused_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_assignments.id", ondelete="SET NULL")
    )
    last_reminded_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    supplier: Mapped[Supplier] = relationship(
        primaryjoin="Assignment.supplier_id == Supplier.id", foreign_keys=[supplier_id],
        lazy="joined",
    )
    organization: Mapped[Organization] = relationship(
        primaryjoin="Assignment.org_id == Organization.id", foreign_keys="Assignment.org_id",
        lazy="joined", viewonly=True,
    )
    campaign: Mapped[Campaign | None] = relationship()

    @property
    def overdue(self) -> bool:
        return self.status in EDITABLE and self.due_date < utcnow().date()


class Signal(TenantMixin, Base):
    """An ILO indicator raised by a submitted answer (questionnaires.scoring)."""

    __tablename__ = "questionnaire_signals"
    __table_args__ = (
        _supplier_fk("fk_questionnaire_signals_org_supplier"),
        Index("ix_qsignal_org_supplier", "org_id", "supplier_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_assignments.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column()
    indicator: Mapped[str] = mapped_column(String(4))
    strength: Mapped[str] = mapped_column(String(10))
    weight: Mapped[float]
    question: Mapped[str] = mapped_column(String(64))
    answer: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def as_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "strength": self.strength, "weight": self.weight,
                "question": self.question, "answer": self.answer, "note": self.note}


class Evidence(TenantMixin, Base):
    """A file the supplier attached to a question; stored in the instance folder."""

    __tablename__ = "questionnaire_evidence"
    __label__ = "evidence file"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_assignments.id", ondelete="CASCADE"), index=True
    )
    question_code: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question_code, "filename": self.filename,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256,
                "uploaded_at": self.uploaded_at.isoformat()}


class Consent(TenantMixin, Base):
    """The supplier agreed to start this buyer's assignment from its answers to another one.

    `org_id` is the buyer who will receive the answers once they are submitted."""

    __tablename__ = "questionnaire_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_assignments.id", ondelete="CASCADE"), index=True
    )
    source_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_assignments.id", ondelete="SET NULL")
    )
    supplier_org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answers_copied: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
