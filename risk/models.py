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
