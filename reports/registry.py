"""Read-only queries and shapes of the regulator registry and of public verification, shared
by reports/api_registry.py and reports/views_registry.py.

Regulators read filed statements through `filed_for_regulator` only (reports/sharing.py).
What they see of one is its frozen content (written at filing), its hash, its status and the
newer version that supersedes it, if any; never the owner's drafts or other records.
Verification answers anyone holding a PDF with the little the registry publishes about it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.auth.models import Organization
from app.errors import ValidationFailed
from app.sharing import Principal
from reports.frameworks import FRAMEWORKS, frameworks_for
from reports.models import Statement
from reports.sharing import PUBLISHED, filed_for_regulator

SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.casefold()}%"


def search(user: Principal, jurisdiction: str | None, *, q: str | None = None,
           year: int | None = None, framework: str | None = None) -> Select:
    """The filed statements addressed to the regulator, newest filing first. `q` matches the
    company's name (contains, any case); `year` is the year the period ends; `framework` must be
    one filed in the regulator's jurisdiction (422 naming the field otherwise)."""
    stmt = (filed_for_regulator.query(user)
            .join(Organization, Organization.id == Statement.org_id)
            .order_by(Statement.filed_at.desc(), Statement.id.desc()))
    if framework:
        allowed = [f.key for f in frameworks_for(jurisdiction)]
        if framework not in allowed:
            raise ValidationFailed(
                f"framework: {framework[:20]} is not filed in your jurisdiction "
                f"({jurisdiction}); use {' or '.join(allowed) or 'none'}.",
                [{"field": "framework", "message": f"must be one of {', '.join(allowed)}"}])
        stmt = stmt.where(Statement.framework == framework)
    if q and q.strip():
        stmt = stmt.where(func.lower(Organization.name).like(_contains(q.strip()), escape="\\"))
    if year:
        stmt = stmt.where(Statement.period_end >= date(year, 1, 1),
                          Statement.period_end < date(year + 1, 1, 1))
    return stmt


def superseded_by(session: Session, statement: Statement) -> Statement | None:
    """The published version that amends this one (same owner and jurisdiction), if any."""
    return session.scalar(select(Statement).where(
        Statement.supersedes_id == statement.id, Statement.org_id == statement.org_id,
        Statement.jurisdiction == statement.jurisdiction, Statement.status.in_(PUBLISHED)))


def criteria_of(statement: Statement) -> dict[str, Any]:
    results = list((statement.content or {}).get("completeness") or [])
    covered = sum(1 for r in results if isinstance(r, dict) and r.get("covered"))
    return {"covered": covered, "total": len(results),
            "items": [{"key": r.get("key"), "title": r.get("title"),
                       "reference": r.get("reference"), "covered": bool(r.get("covered"))}
                      for r in results if isinstance(r, dict)]}


def company_of(statement: Statement) -> dict[str, Any]:
    company = (statement.content or {}).get("company") or {}
    return {"id": statement.org_id, "name": str(company.get("name") or "")}


def framework_name(statement: Statement) -> str:
    content = statement.content or {}
    found = FRAMEWORKS.get(statement.framework)
    return str(content.get("framework_name") or (found.name if found else statement.framework))


def summary_json(statement: Statement, newer_id: int | None = None) -> dict[str, Any]:
    content = statement.content or {}
    criteria = criteria_of(statement)
    return {
        "id": statement.id, "company": company_of(statement),
        "framework": statement.framework, "framework_name": framework_name(statement),
        "jurisdiction": statement.jurisdiction, "title": str(content.get("title") or ""),
        "period_start": statement.period_start.isoformat(),
        "period_end": statement.period_end.isoformat(),
        "version": statement.version, "status": statement.status,
        "supersedes_id": statement.supersedes_id, "superseded_by_id": newer_id,
        "filed_at": statement.filed_at.isoformat() if statement.filed_at else None,
        "sha256": statement.sha256,
        "criteria": {"covered": criteria["covered"], "total": criteria["total"]},
    }


def detail_json(statement: Statement, newer_id: int | None) -> dict[str, Any]:
    content = statement.content or {}
    return summary_json(statement, newer_id) | {
        "sections": list(content.get("sections") or []),
        "approval": dict(content.get("approval") or {}),
        "completeness": list(content.get("completeness") or []),
    }


def verify(session: Session, sha256: str) -> tuple[Statement, Statement | None] | None:
    """The published statement whose PDF has this hash, and what supersedes it; or None."""
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256.strip()):
        return None
    found = session.scalar(select(Statement).where(
        Statement.sha256 == sha256.strip().lower(), Statement.status.in_(PUBLISHED))
        .order_by(Statement.id).limit(1))
    if found is None:
        return None
    return found, superseded_by(session, found)


def verification_json(statement: Statement, newer: Statement | None) -> dict[str, Any]:
    """Only what the registry publishes: who, which framework and period, which version, when
    filed, and whether a newer version supersedes it."""
    return {"sha256": statement.sha256, "company": company_of(statement)["name"],
            "framework": statement.framework, "framework_name": framework_name(statement),
            "jurisdiction": statement.jurisdiction,
            "period_start": statement.period_start.isoformat(),
            "period_end": statement.period_end.isoformat(), "version": statement.version,
            "filed_at": statement.filed_at.isoformat() if statement.filed_at else None,
            "superseded": statement.status == "superseded" or newer is not None}


MAX_PDF_BYTES = 10 * 1024 * 1024
CHUNK = 1024 * 1024


def hash_pdf(stream: Any, max_bytes: int = MAX_PDF_BYTES) -> str:
    """SHA-256 of an uploaded PDF, read in chunks (never whole); 413 above the limit, 415 when
    it does not start as a PDF does."""
    import hashlib

    from app.errors import PayloadTooLarge, UnsupportedMedia

    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(CHUNK):
        if len(head) < 5:
            head += chunk[:5]
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"The file is larger than the {max_bytes // CHUNK} MB limit.",
                                  [{"field": "file", "message": "Too large."}])
        digest.update(chunk)
    if not head.startswith(b"%PDF-"):
        raise UnsupportedMedia("That file is not a PDF.",
                               [{"field": "file", "message": "Not a PDF."}])
    return digest.hexdigest()
