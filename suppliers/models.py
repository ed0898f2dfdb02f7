"""Suppliers and the directed relationships between them (one graph for goods and labour)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organization
from app.db import Base, utcnow
from app.jobs.models import Job
from app.tenancy import TenantMixin
from suppliers.kinds import RELATIONSHIP_KINDS, SUPPLIER_KINDS

# Risk bands, lowest first; the risk package writes them through services.set_risk.
RISK_BANDS: tuple[str, ...] = ("low", "medium", "high", "critical")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Supplier(TenantMixin, Base):
    __tablename__ = "suppliers"
    __label__ = "supplier"
    __table_args__ = (
        UniqueConstraint("org_id", "external_id"),
        UniqueConstraint("org_id", "os_id"),
        UniqueConstraint("org_id", "lei"),
        UniqueConstraint("org_id", "duns"),
        Index("ix_suppliers_org_name", "org_id", "name_key"),
        Index("ix_suppliers_org_country", "org_id", "country"),
        Index("ix_suppliers_org_tier", "org_id", "tier"),
        # Finds the (few) archived suppliers without reading every row of the organisation.
        Index("ix_suppliers_org_archived", "org_id", "archived_at"),
        CheckConstraint(_in("kind", SUPPLIER_KINDS), name="kind"),
        CheckConstraint("workers IS NULL OR workers >= 0", name="workers"),
        # What relationships' composite foreign keys point at (an index, not a table
        # constraint, so SQLite gets it without rebuilding a table that others reference).
        Index("uq_suppliers_org_id_id", "org_id", "id", unique=True),
        # ?band= on the supplier list and on GET /api/v1/risk: live suppliers of a band, by
        # score, counted and paged from the index alone.
        Index("ix_suppliers_org_risk_band", "org_id", "risk_band", "risk_score", "id",
              sqlite_where=text("archived_at IS NULL"),
              postgresql_where=text("archived_at IS NULL")),
        # GET /api/v1/risk: highest scores first, read backwards along this index; partial,
        # so counting the live scored suppliers never visits the table (SQLite: 75 -> 3 ms).
        Index("ix_suppliers_org_risk_score", "org_id", "risk_score", "id",
              sqlite_where=text("archived_at IS NULL"),
              postgresql_where=text("archived_at IS NULL")),
        CheckConstraint("risk_band IS NULL OR " + _in("risk_band", RISK_BANDS), name="risk_band"),
        CheckConstraint("risk_score IS NULL OR (risk_score >= 0 AND risk_score <= 100)",
                        name="risk_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    # Lower-cased name: exact-name references in imports and case-insensitive search.
    name_key: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(30), default="other")
    sector: Mapped[str | None] = mapped_column(String(200))
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    address: Mapped[str | None] = mapped_column(String(500))
    workers: Mapped[int | None]
    migrant_workers: Mapped[int | None]
    female_workers: Mapped[int | None]
    os_id: Mapped[str | None] = mapped_column(String(15))
    lei: Mapped[str | None] = mapped_column(String(20))
    duns: Mapped[str | None] = mapped_column(String(9))
    # Shortest distance to the buying company; recomputed whenever the graph changes.
    tier: Mapped[int | None]
    # Archived suppliers keep their history and edges but leave lists, the network and tiers.
    archived_at: Mapped[datetime | None]
    # The supplier organisation this record is connected to (DESIGN.md section 5).
    linked_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    # When it was connected (services/connection.py); None while not connected.
    connected_at: Mapped[datetime | None]
    # The supplier's contact: where a connection invitation went. Not in the spreadsheets.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # 0-100 and its band, from the risk package (services.set_risk); null until scored.
    risk_score: Mapped[float | None]
    risk_band: Mapped[str | None] = mapped_column(String(10))
    # The name in Latin script, for a supplier whose name is written in another (screening
    # and duplicate detection compare both).
    latin_name: Mapped[str | None] = mapped_column(String(300))
    # On a forced-labour entity list: a screening hit confirmed (set by risk/screening).
    listed: Mapped[bool] = mapped_column(default=False, server_default="0")

    __mapper_args__ = {"version_id_col": version}

    linked_org: Mapped[Organization | None] = relationship(foreign_keys=[linked_org_id])

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Relationship(TenantMixin, Base):
    """An edge: `supplier` sells to `customer` (another supplier, or None = the buying company)."""

    __tablename__ = "relationships"
    __label__ = "relationship"
    __table_args__ = (
        # customer_key is customer_id or 0, because NULLs never collide in a unique constraint.
        UniqueConstraint("supplier_id", "customer_key", "kind"),
        Index("ix_relationships_org_customer", "org_id", "customer_id"),
        CheckConstraint(_in("kind", RELATIONSHIP_KINDS), name="kind"),
        # Both ends belong to the edge's organisation: the database refuses an edge between
        # two tenants' suppliers, whatever the code above it does.
        ForeignKeyConstraint(
            ["org_id", "supplier_id"], ["suppliers.org_id", "suppliers.id"],
            name="fk_relationships_org_supplier_suppliers", ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["org_id", "customer_id"], ["suppliers.org_id", "suppliers.id"],
            name="fk_relationships_org_customer_suppliers", ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(index=True)
    customer_id: Mapped[int | None] = mapped_column()
    customer_key: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10), default="goods")
    product: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supplier: Mapped[Supplier] = relationship(
        primaryjoin="Relationship.supplier_id == Supplier.id",
        foreign_keys=[supplier_id], lazy="joined",
    )
    customer: Mapped[Supplier | None] = relationship(
        primaryjoin="Relationship.customer_id == Supplier.id",
        foreign_keys=[customer_id], lazy="joined",
    )


STALLED_AFTER = timedelta(hours=1)


class ImportJob(TenantMixin, Base):
    """One spreadsheet import: its progress while it runs, its outcome afterwards."""

    __tablename__ = "supplier_imports"
    __label__ = "import"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    dry_run: Mapped[bool] = mapped_column(default=False)
    # The queue's job that runs it (app/jobs); None for imports made before the queue.
    job_id: Mapped[int | None] = mapped_column(ForeignKey(Job.id, ondelete="SET NULL"))
    job: Mapped[Job | None] = relationship(lazy="joined")
    # queued -> reading -> writing -> done | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]  # an estimate, for the progress bar
    message: Mapped[str] = mapped_column(String(1000), default="")
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    # Row errors, capped (see MAX_STORED_ERRORS); error_count has the true total.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    error_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        ended = self.job is not None and self.job.finished  # e.g. failed before it began
        return self.status in ("done", "failed") or ended or self.stalled

    @property
    def stalled(self) -> bool:
        """An import from before the queue, still "running" long after any real import ends:
        the web process that ran it on a thread was restarted. Nothing was saved then.

        Imports on the queue are never stalled: a dead worker's job is run again or failed.
        """
        running = self.status not in ("done", "failed")
        return self.job_id is None and running and utcnow() - self.created_at > STALLED_AFTER


class DuplicateCandidate(TenantMixin, Base):
    """A pair of one network's suppliers that look like one company (suppliers/duplicates.py),
    `low_id` < `high_id`. Found by the duplicate job; a "not a duplicate" decision is kept with
    the fingerprints of both records, so the pair comes back only if either record changes."""

    __tablename__ = "supplier_duplicates"
    __label__ = "possible duplicate"
    __table_args__ = (
        UniqueConstraint("low_id", "high_id", name="uq_supplier_duplicates_pair"),
        CheckConstraint("low_id < high_id", name="ordered"),
        CheckConstraint(_in("status", ("open", "dismissed", "merged")), name="status"),
        Index("ix_supplier_duplicates_org_status", "org_id", "status", "score"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    high_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"),
                                         index=True)
    score: Mapped[float]
    certain: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    low_fingerprint: Mapped[str] = mapped_column(String(64))
    high_fingerprint: Mapped[str] = mapped_column(String(64))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(1000))
