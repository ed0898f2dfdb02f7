"""Risk: reference-data editions and their rows, scores with their lineage, daily history.

Reference data (`DataEdition`, `ReferenceRow`) is not customer data: the editions shipped in
the repository belong to the platform (`org_id` NULL) and every organisation reads them; an
organisation's administrator may load its own edition of a data set, which then applies to
that organisation alone (never to another tenant). A score records the edition ids it used, and
editions are never deleted while a score names them, so an old score stays explainable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.tenancy import TenantMixin
from risk.weights import BANDS, DATASETS


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class DataEdition(Base):
    """One edition of one reference data set (e.g. the ILAB List of Goods, 2022)."""

    __tablename__ = "risk_data_editions"
    __label__ = "data edition"
    __table_args__ = (
        # scope_key is org_id or 0: NULLs never collide in a unique constraint.
        UniqueConstraint("scope_key", "dataset", "edition"),
        Index("ix_risk_data_editions_current", "dataset", "scope_key", "superseded_at"),
        CheckConstraint(_in("dataset", DATASETS), name="dataset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the platform's edition, read by every organisation.
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    scope_key: Mapped[int] = mapped_column(default=0)
    dataset: Mapped[str] = mapped_column(String(30))
    edition: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(1000))
    licence: Mapped[str | None] = mapped_column(String(300))
    retrieved_on: Mapped[date | None]
    # SHA-256 of the file(s) as loaded, in the order given (hex).
    sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    row_count: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # Set when a newer edition of the same data set (same scope) is loaded; None = current.
    superseded_at: Mapped[datetime | None]


class ReferenceRow(Base):
    """One row of an edition: a country (ISO alpha-2), an item (a good, or "" for a country
    value) and the values the method reads, with the source row number for evidence."""

    __tablename__ = "risk_reference_rows"
    __table_args__ = (Index("ix_risk_reference_rows_edition_country", "edition_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("risk_data_editions.id", ondelete="CASCADE"))
    row_no: Mapped[int]
    country: Mapped[str] = mapped_column(String(2))
    source_country: Mapped[str] = mapped_column(String(200))
    item: Mapped[str] = mapped_column(String(200), default="")
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RiskScore(TenantMixin, Base):
    """A supplier's current score, with everything needed to explain it."""

    __tablename__ = "risk_scores"
    __table_args__ = (
        UniqueConstraint("supplier_id"),
        Index("ix_risk_scores_org_score", "org_id", "score"),
        CheckConstraint(_in("band", BANDS), name="band"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"))
    score: Mapped[float]
    band: Mapped[str] = mapped_column(String(10))
    own_score: Mapped[float]
    inherited_score: Mapped[float] = mapped_column(default=0.0)
    inherited_from_id: Mapped[int | None]
    # Supplier ids from the one it inherits from down to this supplier, both included.
    inherited_path: Mapped[list[int]] = mapped_column(JSON, default=list)
    # [{code, label, points, evidence: [...], lower: str | None}]
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # {dataset: edition id}
    editions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    method_version: Mapped[str] = mapped_column(String(20))
    # SHA-256 of everything above: a recompute rewrites only the rows whose digest changed.
    digest: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the score or its factors last changed (computed_at moves on every recompute).
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RiskSnapshot(TenantMixin, Base):
    """One row per supplier per day: the last score of that day (not a row per recompute)."""

    __tablename__ = "risk_snapshots"
    __table_args__ = (
        UniqueConstraint("supplier_id", "day"),
        Index("ix_risk_snapshots_org_day", "org_id", "day"),
        CheckConstraint(_in("band", BANDS), name="band"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"))
    day: Mapped[date]
    score: Mapped[float]
    band: Mapped[str] = mapped_column(String(10))


class RiskSummary(TenantMixin, Base):
    """The dashboard's aggregates for one organisation and day, precomputed by each recompute
    (the latest row is today's dashboard; earlier rows are its trend)."""

    __tablename__ = "risk_summaries"
    __table_args__ = (UniqueConstraint("org_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {suppliers, scored, mean, bands{}, by_country[], by_tier[], top[], editions{}, method_version}
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- screening against forced-labour entity lists (risk/screening/) ---------------------------

HIT_STATUSES = ("open", "confirmed", "dismissed")


class EntityList(Base):
    """A list of entities (the UFLPA Entity List, a WRO list, Brazil's "lista suja"), loaded by
    an administrator: `org_id` NULL for one shipped with the platform (everyone's)."""

    __tablename__ = "risk_entity_lists"
    __label__ = "entity list"
    __table_args__ = (UniqueConstraint("scope_key", "name", name="uq_risk_entity_lists_name"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    scope_key: Mapped[int] = mapped_column(default=0)  # org_id or 0, for the unique name
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListEdition(Base):
    """One loaded edition of a list; a newer one supersedes it, and hits keep naming theirs."""

    __tablename__ = "risk_list_editions"
    __label__ = "list edition"
    __table_args__ = (UniqueConstraint("list_id", "edition", name="uq_risk_list_editions"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("risk_entity_lists.id", ondelete="CASCADE"),
                                         index=True)
    edition: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None]


class ListEntry(Base):
    """One listed entity of one edition, as the list gives it."""

    __tablename__ = "risk_list_entries"
    __label__ = "list entry"
    __table_args__ = (Index("ix_risk_list_entries_edition_country", "edition_id", "country"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("risk_list_editions.id", ondelete="CASCADE"))
    row: Mapped[int]  # in the uploaded file, for the evidence
    name: Mapped[str] = mapped_column(String(500))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str | None] = mapped_column(String(2))
    identifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    listed_on: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(String(2000))
    source_url: Mapped[str | None] = mapped_column(String(500))
    # sha256 of what the entry says (name, aliases, country, identifiers): a dismissed pair
    # comes back only when this or the supplier's fingerprint changes
    fingerprint: Mapped[str] = mapped_column(String(64))


class ScreeningHit(TenantMixin, Base):
    """A possible match of one supplier and one list entry, waiting for review or decided."""

    __tablename__ = "risk_screening_hits"
    __label__ = "screening hit"
    __table_args__ = (
        UniqueConstraint("supplier_id", "entry_id", name="uq_risk_screening_hits_pair"),
        CheckConstraint(_in("status", HIT_STATUSES), name="status"),
        Index("ix_risk_screening_hits_org_status", "org_id", "status", "score"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"),
                                             index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("risk_list_entries.id",
                                                     ondelete="CASCADE"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("risk_entity_lists.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("risk_list_editions.id",
                                                       ondelete="CASCADE"))
    score: Mapped[float]
    certain: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    supplier_fingerprint: Mapped[str] = mapped_column(String(64))
    entry_fingerprint: Mapped[str] = mapped_column(String(64))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(1000))


class ScreeningRun(TenantMixin, Base):
    """When screening last ran for an organisation, and what it found (the review queue says)."""

    __tablename__ = "risk_screening_runs"
    __label__ = "screening run"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20))  # import, list, nightly, manual
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    suppliers: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)
    new_hits: Mapped[int] = mapped_column(default=0)
