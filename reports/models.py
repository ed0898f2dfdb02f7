"""Reports: generated report files, the evidence base of a period, statements and filings.

- `ReportFile`: one generated due-diligence report (pdf, xlsx or csv) for a period, made on the
  job queue and kept for download until a newer one of the same format replaces it.
- `Evidence`: the facts of one organisation for one period (counts, lists, figures with links
  to the records behind them), gathered once and shared by every statement of that period, so
  a second framework reuses the facts rather than copied text.
- `Statement`: a draft for one framework (uk_msa, au_msa, ca_s211) whose sections the user
  edits; filing freezes it: its content and PDF are stored and the PDF's SHA-256 recorded. An
  amendment is a new version that supersedes the filed one, which stays readable.
  `jurisdiction` is the explicit, queryable link through which regulators read it
  (DESIGN.md section 5).
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

FORMATS = ("pdf", "xlsx", "csv")
REPORT_STATUSES = ("queued", "running", "done", "failed")
STATEMENT_STATUSES = ("draft", "filed", "superseded")
FRAMEWORK_KEYS = ("uk_msa", "au_msa", "ca_s211")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ReportFile(TenantMixin, Base):
    __tablename__ = "report_files"
    __label__ = "report"
    __table_args__ = (
        CheckConstraint(_in("format", FORMATS), name="format"),
        CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
        CheckConstraint("period_start <= period_end", name="period"),
        Index("ix_report_files_org_kind_format", "org_id", "kind", "format", "created_at"),
        {"sqlite_autoincrement": True},  # ids never reused: an old link stays 404
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="due_diligence")
    format: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="queued")
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    storage_key: Mapped[str | None] = mapped_column(String(40))  # reports/files.py
    filename: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int | None]  # suppliers in the report
    error: Mapped[str | None] = mapped_column(String(1000))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Evidence(TenantMixin, Base):
    __tablename__ = "report_evidence"
    __label__ = "evidence base"
    __table_args__ = (
        UniqueConstraint("org_id", "period_start", "period_end",
                         name="uq_report_evidence_period"),
        CheckConstraint("period_start <= period_end", name="period"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    # reports/evidence.py: {"figures": {key: {...}}, "lists": {...}, ...}
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    gathered_at: Mapped[datetime] = mapped_column(default=utcnow)
    gathered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class Statement(TenantMixin, Base):
    __tablename__ = "statements"
    __label__ = "statement"
    __table_args__ = (
        CheckConstraint(_in("framework", FRAMEWORK_KEYS), name="framework"),
        CheckConstraint(_in("status", STATEMENT_STATUSES), name="status"),
        CheckConstraint("period_start <= period_end", name="period"),
        CheckConstraint("status = 'draft' OR sha256 IS NOT NULL", name="hash"),
        # the registry's query: filed statements of one jurisdiction
        Index("ix_statements_jurisdiction_status", "jurisdiction", "status", "filed_at"),
        Index("ix_statements_org_period", "org_id", "period_end", "framework"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework: Mapped[str] = mapped_column(String(10))
    jurisdiction: Mapped[str] = mapped_column(String(2))  # from the framework: UK, AU, CA
    period_start: Mapped[date]
    period_end: Mapped[date]
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("report_evidence.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    # {section_key: text}, the user's text (drafted from the facts at first)
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    approved_by: Mapped[str] = mapped_column(String(300), default="")  # the body
    approval_date: Mapped[date | None]
    signatory: Mapped[str] = mapped_column(String(200), default="")
    signatory_role: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("statements.id", ondelete="RESTRICT"), index=True)
    # optimistic locking: SQLAlchemy bumps it on every update (a stale edit is 409)
    lock_version: Mapped[int] = mapped_column(default=1)
    filed_at: Mapped[datetime | None]
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    storage_key: Mapped[str | None] = mapped_column(String(40))  # the filed PDF
    pdf_size: Mapped[int | None]
    # frozen at filing: sections, facts, approval, completeness, company name
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"
