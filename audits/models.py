"""Audits, findings, corrective actions (CAP items) and the recruitment-fee ledger.

Every row belongs to the buying company (`org_id`) and names the buyer's supplier record
through a composite foreign key (org_id, supplier_id), so the database itself refuses a
finding or fee entry that points at another tenant's supplier. An audit is addressed to its
auditor (`auditor_user_id`) and, once submitted, to the supplier organisation its supplier
record is connected to (audits/sharing.py). Money is integer minor units of an ISO 4217
currency (audits/money.py), never a float. Evidence files of findings and actions are
`AuditEvidence` rows; their bytes are kept by the shared store (app/filestore.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organization, User
from app.db import Base, utcnow
from app.tenancy import TenantMixin
from suppliers.models import Supplier

AUDIT_STATUSES: tuple[str, ...] = ("planned", "in_progress", "submitted", "accepted")
AUDIT_TYPES: tuple[str, ...] = ("announced", "semi_announced", "unannounced")
FINDING_STATUSES: tuple[str, ...] = ("open", "closed")
# The states of audits/remediation.py (a pure module); repeated here for the check constraint.
ACTION_STATES: tuple[str, ...] = ("open", "in_progress", "submitted", "verified")
# ILO "General principles and operational guidelines for fair recruitment and definition of
# recruitment fees and related costs" (2019): the cost categories a worker must never pay.
FEE_CATEGORIES: tuple[str, ...] = (
    "recruitment_fee", "travel", "visa_permit", "medical", "training", "documents",
    "deposit", "accommodation", "other",
)
SHARED_STATUSES: tuple[str, ...] = ("submitted", "accepted")  # the supplier sees these


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _supplier_fk(name: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["org_id", "supplier_id"], ["suppliers.org_id", "suppliers.id"],
        name=name, ondelete="CASCADE",
    )


class Audit(TenantMixin, Base):
    __tablename__ = "audits"
    __label__ = "audit"
    __table_args__ = (
        _supplier_fk("fk_audits_org_supplier"),
        Index("ix_audits_org_supplier", "org_id", "supplier_id"),
        Index("ix_audits_org_status", "org_id", "status"),
        Index("ix_audits_auditor", "auditor_user_id"),
        CheckConstraint(_in("status", AUDIT_STATUSES), name="status"),
        CheckConstraint(_in("audit_type", AUDIT_TYPES), name="audit_type"),
        CheckConstraint("end_date IS NULL OR end_date >= audit_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column()
    scheme: Mapped[str] = mapped_column(String(20))
    scheme_variant: Mapped[str | None] = mapped_column(String(40))  # SMETA "2-pillar"
    audit_type: Mapped[str] = mapped_column(String(20), default="announced")
    audit_date: Mapped[date]
    end_date: Mapped[date | None]
    # The firm and the person doing the audit; null until the invited auditor joins.
    audit_firm_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    audit_firm_name: Mapped[str | None] = mapped_column(String(200))
    auditor_email: Mapped[str] = mapped_column(String(254))
    auditor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(12), default="planned")
    # The buyer's own notes: never shown to the auditor's firm or the supplier.
    internal_notes: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    supplier: Mapped[Supplier] = relationship(
        primaryjoin="Audit.supplier_id == Supplier.id", foreign_keys=[supplier_id],
        lazy="joined", viewonly=True,
    )
    organization: Mapped[Organization] = relationship(
        primaryjoin="Audit.org_id == Organization.id", foreign_keys="Audit.org_id",
        lazy="joined", viewonly=True,
    )
    auditor: Mapped[User | None] = relationship(foreign_keys=[auditor_user_id])


class Finding(TenantMixin, Base):
    __tablename__ = "audit_findings"
    __label__ = "finding"
    __table_args__ = (
        _supplier_fk("fk_audit_findings_org_supplier"),
        # Re-uploading a workbook matches findings by code within the audit (NULLs never clash).
        UniqueConstraint("audit_id", "code", name="uq_audit_findings_audit_code"),
        Index("ix_audit_findings_org_supplier", "org_id", "supplier_id"),
        CheckConstraint(_in("status", FINDING_STATUSES), name="status"),
        CheckConstraint(_in("severity", ("critical", "high", "medium", "low")), name="severity"),
        CheckConstraint("fee_minor IS NULL OR fee_minor >= 0", name="fee"),
        CheckConstraint("workers_affected IS NULL OR workers_affected >= 0", name="workers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column()
    code: Mapped[str | None] = mapped_column(String(40))
    clause: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    scheme_severity: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)
    workers_affected: Mapped[int | None]
    worker_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Recruitment fees workers paid, as found by the audit (minor units).
    fee_minor: Mapped[int | None] = mapped_column(BigInteger)
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    root_cause: Mapped[str | None] = mapped_column(Text)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    # Closed when every corrective action is verified (services.actions); open otherwise.
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    audit: Mapped[Audit] = relationship(lazy="joined")

    @property
    def has_fees(self) -> bool:
        return bool(self.fee_minor and self.fee_minor > 0)


class Action(TenantMixin, Base):
    """A corrective action (CAP item) on a finding: state machine in audits/remediation.py."""

    __tablename__ = "audit_actions"
    __label__ = "corrective action"
    __table_args__ = (
        _supplier_fk("fk_audit_actions_org_supplier"),
        Index("ix_audit_actions_org_state_due", "org_id", "state", "due_date"),
        Index("ix_audit_actions_org_supplier", "org_id", "supplier_id"),
        CheckConstraint(_in("state", ACTION_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("audit_findings.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    preventive_action: Mapped[str | None] = mapped_column(Text)
    owner_email: Mapped[str] = mapped_column(String(254))
    due_date: Mapped[date]
    state: Mapped[str] = mapped_column(String(12), default="open")
    return_reason: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None]
    # The day the daily job flagged it overdue (and mailed the owner, once).
    overdue_flagged_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    finding: Mapped[Finding] = relationship(lazy="joined")

    @property
    def overdue(self) -> bool:
        return self.state != "verified" and self.due_date < utcnow().date()


class FeeEntry(TenantMixin, Base):
    """A cohort of workers who paid recruitment fees: owed, repaid, confirmed by workers."""

    __tablename__ = "audit_fee_entries"
    __label__ = "fee entry"
    __table_args__ = (
        _supplier_fk("fk_audit_fee_entries_org_supplier"),
        ForeignKeyConstraint(
            ["org_id", "agency_supplier_id"], ["suppliers.org_id", "suppliers.id"],
            # No ON DELETE: SET NULL would null org_id too; the reference counter keeps
            # an agency that fee entries name from being purged.
            name="fk_audit_fee_entries_org_agency",
        ),
        Index("ix_audit_fee_entries_org_supplier", "org_id", "supplier_id"),
        CheckConstraint(_in("category", FEE_CATEGORIES), name="category"),
        CheckConstraint("workers >= 1", name="workers"),
        CheckConstraint("owed_minor >= 0 AND repaid_minor >= 0 AND fee_per_worker_minor >= 0",
                        name="amounts"),
        CheckConstraint("workers_confirmed >= 0 AND workers_confirmed <= workers",
                        name="confirmed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column()
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_findings.id", ondelete="SET NULL"), index=True
    )
    workers: Mapped[int]
    origin_country: Mapped[str | None] = mapped_column(String(2))
    # The agency's supplier record when it is in the buyer's network, else just its name.
    agency_supplier_id: Mapped[int | None] = mapped_column()
    agency_name: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(20), default="recruitment_fee")
    fee_per_worker_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    owed_minor: Mapped[int] = mapped_column(BigInteger)
    repaid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # The workers' monthly wage, in the entry's currency (minor units), when the audit found
    # it: risk weighs an unpaid fee in months of wages.
    monthly_wage_minor: Mapped[int | None] = mapped_column(BigInteger)
    repaid_on: Mapped[date | None]
    method: Mapped[str | None] = mapped_column(String(100))
    workers_confirmed: Mapped[int] = mapped_column(default=0)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def status(self) -> str:
        """owed (nothing repaid), partly_repaid, repaid (all of it)."""
        if self.repaid_minor <= 0:
            return "owed"
        return "repaid" if self.repaid_minor >= self.owed_minor else "partly_repaid"


class AuditEvidence(TenantMixin, Base):
    """A file attached to a finding (the auditor's evidence) or to a corrective action (proof
    of remediation): exactly one of the two. The bytes live in app/filestore.py's store."""

    __tablename__ = "audit_evidence"
    __label__ = "evidence file"
    __table_args__ = (
        CheckConstraint("(finding_id IS NULL AND action_id IS NOT NULL) OR "
                        "(finding_id IS NOT NULL AND action_id IS NULL)", name="one_parent"),
        # A deleted file's id is never given to another (SQLite reuses the highest rowid
        # otherwise): a link to a deleted file must not open someone else's.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_findings.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_actions.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")
