"""Filed statements for tests, inserted directly (independent of the filing service): the
frozen content is drafted from facts, the PDF rendered with render_pdf from that content and
kept with reports.files.keep, and its SHA-256 recorded, as filing does."""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import UTC, date, datetime
from typing import Any

from flask import has_app_context
from sqlalchemy import select

from reports import completeness, drafting, files
from reports.frameworks import FRAMEWORKS
from reports.models import Evidence, Statement
from reports.pdf import render_pdf
from tests.reports.statement_facts import rich_facts

APPROVAL = {"approved_by": "Board of directors", "approval_date": "2025-06-12",
            "signatory": "Amelia Hart", "signatory_role": "Chief Executive and Director"}
_PDFS: dict[str, bytes] = {}


def _app_context():
    if has_app_context():
        return nullcontext()
    from tests.conftest import CURRENT_APP

    return CURRENT_APP[0].app_context()


def complete_sections(framework: str, facts: dict, company: str) -> dict[str, str]:
    """The draft with every marker answered, so every section criterion is covered."""
    out = {}
    for key, text in drafting.draft(framework, facts, company_name=company).items():
        for asked in completeness.markers(text):
            text = text.replace(f"[To complete: {asked}]",
                                f"We set out here {asked}, as approved by the board.")
        out[key] = text
    return out


def statement_content(company: dict[str, Any], framework: str = "uk_msa", *,
                      period: tuple[date, date] = (date(2024, 4, 1), date(2025, 3, 31)),
                      version: int = 1, supersedes_id: int | None = None,
                      sections: dict[str, str] | None = None,
                      approval: dict[str, Any] | None = None,
                      facts: dict | None = None) -> dict[str, Any]:
    spec = FRAMEWORKS[framework]
    facts = facts if facts is not None else rich_facts(company["name"])
    sections = sections if sections is not None else complete_sections(
        framework, facts, company["name"])
    approval = dict(APPROVAL if approval is None else approval)
    figures = facts.get("figures", {})
    return {
        "company": dict(company), "framework": framework, "framework_name": spec.name,
        "jurisdiction": spec.jurisdiction,
        "period": {"start": period[0].isoformat(), "end": period[1].isoformat()},
        "title": f"{spec.short_name} statement {period[1].year}", "version": version,
        "supersedes_id": supersedes_id,
        "sections": [{"key": s.key, "title": s.title, "reference": s.reference,
                      "text": sections.get(s.key, ""),
                      "figures": [{"key": k, "label": figures[k]["label"],
                                   "value": figures[k]["value"], "unit": figures[k]["unit"]}
                                  for k in drafting.figures_for(framework, s.key)
                                  if k in figures]}
                     for s in spec.sections],
        "approval": approval,
        "completeness": [r.as_json() for r in completeness.check(framework, sections, approval)],
        "filed_at": datetime.now(UTC).isoformat(),
    }


def render_statement(content: dict[str, Any]) -> bytes:
    """The PDF of a content dict (cached: the matrix makes many identical statements)."""
    key = json.dumps({k: v for k, v in content.items() if k != "filed_at"}, sort_keys=True)
    if key not in _PDFS:
        with _app_context():
            _PDFS[key] = render_pdf("reports/statement_pdf.html", statement=content)
    return _PDFS[key]


def _evidence(db, org, start: date, end: date) -> Evidence:
    found = db.scalar(select(Evidence).where(Evidence.org_id == org.id,
                                             Evidence.period_start == start,
                                             Evidence.period_end == end))
    if found is None:
        found = Evidence(org_id=org.id, period_start=start, period_end=end,
                         facts=rich_facts(org.name))
        db.add(found)
        db.flush()
    return found


def make_statement(db, org, framework: str = "uk_msa", *, status: str = "filed",
                   period: tuple[date, date] = (date(2024, 4, 1), date(2025, 3, 31)),
                   supersedes: Statement | None = None, company_name: str | None = None,
                   sections: dict[str, str] | None = None,
                   approval: dict[str, Any] | None = None,
                   filed_at: datetime | None = None) -> Statement:
    """A statement of `org`: filed (content frozen, PDF kept, hash recorded) unless `status` is
    "draft". `supersedes` is marked superseded, as an amendment does."""
    spec = FRAMEWORKS[framework]
    version = supersedes.version + 1 if supersedes is not None else 1
    company = {"id": org.id, "name": company_name or org.name}
    statement = Statement(org_id=org.id, framework=framework, jurisdiction=spec.jurisdiction,
                          period_start=period[0], period_end=period[1],
                          evidence_id=_evidence(db, org, *period).id,
                          title=f"{spec.short_name} statement {period[1].year}",
                          status=status, version=version,
                          supersedes_id=supersedes.id if supersedes is not None else None)
    if status == "draft":
        statement.sections = drafting.draft(framework, rich_facts(), company_name=company["name"])
    else:
        content = statement_content(company, framework, period=period, version=version,
                                    supersedes_id=statement.supersedes_id, sections=sections,
                                    approval=approval)
        statement.content = content
        statement.sections = {s["key"]: s["text"] for s in content["sections"]}
        with _app_context():
            key, size, digest = files.keep(None, render_statement(content))
        statement.storage_key, statement.pdf_size, statement.sha256 = key, size, digest
        statement.filed_at = filed_at or datetime.now(UTC)
    db.add(statement)
    if supersedes is not None:
        supersedes.status = "superseded"
    db.flush()
    return statement
