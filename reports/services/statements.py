"""Statements: drafted from the period's evidence, edited, checked, filed (frozen and hashed)
and amended. Functions flush, never commit; the caller commits once.

One evidence base: every statement of a period points at the same `Evidence` row, and its
first text is drafted from those facts (reports/drafting.py), never copied from another
statement. Filing renders the PDF, keeps it, records its SHA-256 and freezes the content;
from then on edits are 409. An amendment is a new draft version that, once filed, supersedes
the old one, which stays readable in the registry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, ValidationFailed, field_error
from reports import completeness, drafting, files
from reports.evidence import get_or_gather
from reports.frameworks import FRAMEWORKS
from reports.models import Evidence, Statement
from reports.pdf import render_pdf

MAX_SECTION = 20_000
TEXT_LIMITS = {"title": 300, "approved_by": 300, "signatory": 200, "signatory_role": 200}
EDITABLE = ("title", "sections", "approved_by", "approval_date", "signatory", "signatory_role")


def framework_of(key: Any):
    found = FRAMEWORKS.get(key) if isinstance(key, str) else None
    if found is None:
        raise field_error("framework", f'"{str(key)[:40]}" is not a framework: choose one of '
                                       f'{", ".join(FRAMEWORKS)}.')
    return found


def check_period(period_start: date | None, period_end: date | None) -> tuple[date, date]:
    if period_start is None:
        raise field_error("period_start", "The period's first day is required.")
    if period_end is None:
        raise field_error("period_end", "The period's last day is required.")
    if period_start > period_end:
        raise field_error("period_end", "The period ends before it starts.")
    if (period_end - period_start).days > 731:
        raise field_error("period_end", "A statement covers a reporting period of at most two "
                                        "years.")
    return period_start, period_end


def _live(session: Session, org_id: int, framework: str, start: date, end: date):
    """The statement of this framework and period that is not superseded (draft or filed)."""
    return session.scalar(select(Statement).where(
        Statement.org_id == org_id, Statement.framework == framework,
        Statement.period_start == start, Statement.period_end == end,
        Statement.status != "superseded").order_by(Statement.version.desc()).limit(1))


def create_statement(session: Session, *, org: Any, actor: Any, framework: str,
                     period_start: date | None, period_end: date | None,
                     title: str | None = None) -> Statement:
    """A new draft for `framework` and the period, its sections drafted from the evidence."""
    fw = framework_of(framework)
    start, end = check_period(period_start, period_end)
    existing = _live(session, org.id, fw.key, start, end)
    if existing is not None:
        raise Conflict(f"A {fw.short_name} statement for this period already exists "
                       f"(statement {existing.id}, {existing.status}): "
                       + ("edit it." if existing.is_draft else "amend it instead."),
                       [{"field": "period_start", "message": f"statement {existing.id}"}])
    evidence = get_or_gather(session, org=org, period_start=start, period_end=end,
                             actor=actor)
    statement = Statement(
        org_id=org.id, framework=fw.key, jurisdiction=fw.jurisdiction, period_start=start,
        period_end=end, evidence_id=evidence.id, created_by_id=getattr(actor, "id", None),
        title=_clean_text("title", title or "") or default_title(org.name, fw, start, end),
        sections=drafting.draft(fw.key, evidence.facts, company_name=org.name))
    session.add(statement)
    session.flush()
    record(session, org_id=org.id, actor=actor, action="statements.drafted", obj=statement,
           summary=f"{fw.short_name} statement for {start} to {end} drafted",
           details={"framework": fw.key, "evidence_id": evidence.id})
    return statement


# What each statute calls the document, for a default title.
DOCUMENT_NAMES = {"uk_msa": "Slavery and human trafficking statement",
                  "au_msa": "Modern slavery statement",
                  "ca_s211": "Report on forced labour and child labour"}


def default_title(company: str, fw: Any, start: date, end: date) -> str:
    years = str(end.year) if start.year == end.year else f"{start.year}-{end.year % 100:02d}"
    return f"{company}: {DOCUMENT_NAMES.get(fw.key, 'Statement')} {years}"[:300]


def _clean_text(field: str, value: Any, limit: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise field_error(field, "Text is expected here.")
    if "\x00" in value:
        raise field_error(field, "The text holds a NUL character; remove it.")
    limit = limit or TEXT_LIMITS.get(field, MAX_SECTION)
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise field_error(field, f"At most {limit:,} characters ({len(value):,} given).")
    return value


def _approval_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise field_error("approval_date",
                          f'"{str(value)[:20]}" is not a date such as 2027-03-31.') from None


def require_draft(statement: Statement) -> None:
    if not statement.is_draft:
        raise Conflict(f"Statement {statement.id} was filed on "
                       f"{statement.filed_at:%Y-%m-%d} and can no longer be edited: amend it "
                       "to make a new version." if statement.filed_at else
                       "This statement can no longer be edited.")


def update_statement(session: Session, *, statement: Statement, actor: Any,
                     changes: dict[str, Any], lock_version: int | None = None) -> Statement:
    """Apply `changes` (any of EDITABLE) to a draft; `lock_version`, when given, must be the
    version the editor read (a stale edit is 409)."""
    require_draft(statement)
    if lock_version is not None and lock_version != statement.lock_version:
        raise Conflict("Someone else saved this statement since you opened it: reload it and "
                       "apply your changes again.",
                       [{"field": "lock_version", "message": f"now {statement.lock_version}"}])
    fw = framework_of(statement.framework)
    keys = [s.key for s in fw.sections]
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    for name, value in changes.items():
        try:
            if name == "sections":
                if not isinstance(value, dict):
                    raise field_error("sections", "An object of section texts is expected.")
                merged = dict(statement.sections or {})
                for key, text in value.items():
                    if key not in keys:
                        raise field_error(f"sections.{str(key)[:40]}",
                                          f"{fw.short_name} statements have no section "
                                          f'"{str(key)[:40]}": {", ".join(keys)}.')
                    merged[key] = _clean_text(f"sections.{key}", text)
                values["sections"] = merged
            elif name == "approval_date":
                values[name] = _approval_date(value)
            elif name in TEXT_LIMITS:
                values[name] = _clean_text(name, value)
            else:
                raise field_error(str(name)[:40], f'"{str(name)[:40]}" cannot be changed.')
        except ValidationFailed as exc:
            errors += exc.details
    if errors:
        raise ValidationFailed("Please check the statement.", errors)
    if values.get("title") == "":
        values["title"] = default_title(statement_company(session, statement), fw,
                                        statement.period_start, statement.period_end)
    for name, value in values.items():
        setattr(statement, name, value)
    session.flush()  # the version check happens here (StaleDataError: app/errors maps it)
    return statement


def statement_company(session: Session, statement: Statement) -> str:
    from app.auth.models import Organization

    return session.scalar(select(Organization.name).where(
        Organization.id == statement.org_id)) or ""


def refresh_evidence(session: Session, *, statement: Statement, actor: Any,
                     org: Any) -> Evidence:
    """Gather the period's facts again (drafts only); the text the user wrote stays."""
    require_draft(statement)
    return get_or_gather(session, org=org, period_start=statement.period_start,
                         period_end=statement.period_end, actor=actor, refresh=True)


def redraft_section(session: Session, *, statement: Statement, section: str) -> Statement:
    """Replace one section's text with a fresh draft from the current facts."""
    require_draft(statement)
    evidence = session.get(Evidence, statement.evidence_id)
    drafted = drafting.draft(statement.framework, evidence.facts if evidence else {},
                             company_name=statement_company(session, statement))
    if section not in drafted:
        raise field_error("section", f'No section "{section[:40]}" in this statement.')
    statement.sections = {**(statement.sections or {}), section: drafted[section]}
    session.flush()
    return statement


def approval_of(statement: Statement) -> dict[str, Any]:
    return {"approved_by": statement.approved_by, "approval_date": statement.approval_date,
            "signatory": statement.signatory, "signatory_role": statement.signatory_role}


def check(statement: Statement) -> list[completeness.CriterionResult]:
    return completeness.check(statement.framework, statement.sections or {},
                              approval_of(statement))


def result_field(statement: Statement, result: Any) -> str:
    """The input field a criterion reads: a section's text, or an approval field."""
    fw = framework_of(statement.framework)
    if result.key in {s.key for s in fw.sections}:
        return f"sections.{result.key}"
    for criterion in fw.approval:
        if criterion.key == result.key and criterion.fields:
            return criterion.fields[0]
    return result.key


def result_json(statement: Statement, result: Any) -> dict[str, Any]:
    return {"key": result.key, "title": result.title, "reference": result.reference,
            "covered": bool(result.covered), "missing": list(result.missing),
            "field": result_field(statement, result)}


def sections_view(statement: Statement, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Each section with its title, reference, guidance, text and its traceable figures."""
    fw = framework_of(statement.framework)
    figures = (facts or {}).get("figures", {})
    out = []
    for section in fw.sections:
        shown = []
        for key in drafting.figures_for(fw.key, section.key):
            fig = figures.get(key)
            if fig is not None:
                shown.append({"key": key, "label": fig.get("label", key),
                              "value": fig.get("value"), "unit": fig.get("unit"),
                              "href": fig.get("href")})
        out.append({"key": section.key, "title": section.title,
                    "reference": section.reference, "guidance": section.guidance,
                    "text": (statement.sections or {}).get(section.key, ""),
                    "figures": shown})
    return out


def frozen_content(session: Session, statement: Statement, *, company: str) -> dict[str, Any]:
    fw = framework_of(statement.framework)
    evidence = session.get(Evidence, statement.evidence_id)
    facts = evidence.facts if evidence else {}
    sections = [{k: s[k] for k in ("key", "title", "reference", "text")}
                | {"figures": [{k: f[k] for k in ("key", "label", "value", "unit")}
                               for f in s["figures"]]}
                for s in sections_view(statement, facts)]
    approval = approval_of(statement)
    approval["approval_date"] = (approval["approval_date"].isoformat()
                                 if approval["approval_date"] else None)
    return {
        "company": {"id": statement.org_id, "name": company},
        "framework": fw.key, "framework_name": fw.name, "jurisdiction": fw.jurisdiction,
        "period": {"start": statement.period_start.isoformat(),
                   "end": statement.period_end.isoformat()},
        "title": statement.title, "version": statement.version,
        "supersedes_id": statement.supersedes_id, "sections": sections, "approval": approval,
        "completeness": [result_json(statement, r) for r in check(statement)],
        "evidence": {"id": statement.evidence_id,
                     "gathered_at": facts.get("gathered_at"),
                     "method_version": facts.get("method_version")},
        "filed_at": None,
    }


def file_statement(session: Session, *, statement: Statement, actor: Any,
                   company: str) -> Statement:
    """Freeze a complete draft: content and PDF kept, the PDF's SHA-256 recorded. 409 when it
    is not a draft, or lists every criterion still missing."""
    require_draft(statement)
    results = check(statement)
    missing = [r for r in results if not r.covered]
    if missing:
        # 409: the request is fine, the statement is not ready (its state, not the input)
        raise Conflict(
            f"{len(missing)} of {len(results)} criteria are not covered yet.",
            [{"field": result_field(statement, r), "message": f"{r.title} ({r.reference}): "
                                           + "; ".join(r.missing)} for r in missing])
    now = utcnow()
    content = frozen_content(session, statement, company=company)
    content["filed_at"] = now.isoformat()
    pdf = render_pdf("reports/statement_pdf.html", statement=content)
    key, size, digest = files.keep(session, pdf)
    previous = session.get(Statement, statement.supersedes_id) if statement.supersedes_id \
        else None
    statement.content = content
    statement.storage_key, statement.pdf_size, statement.sha256 = key, size, digest
    statement.status, statement.filed_at = "filed", now
    statement.filed_by_id = getattr(actor, "id", None)
    if previous is not None and previous.status == "filed":
        previous.status = "superseded"
    session.flush()
    fw = framework_of(statement.framework)
    record(session, org_id=statement.org_id, actor=actor, action="statements.filed",
           obj=statement,
           summary=f"{fw.short_name} statement for {statement.period_start} to "
                   f"{statement.period_end} filed (version {statement.version})",
           details={"sha256": digest, "size": size, "version": statement.version,
                    "supersedes_id": statement.supersedes_id, "jurisdiction": fw.jurisdiction})
    return statement


def amend_statement(session: Session, *, statement: Statement, actor: Any) -> Statement:
    """A new draft version of a filed statement, its text copied from the filed content (its
    own words, not another statement's); the approval must be given again."""
    if statement.status != "filed":
        raise Conflict("Only the current filed version can be amended"
                       + (": this one is still a draft." if statement.is_draft else
                          ": a newer version supersedes it."))
    pending = session.scalar(select(Statement.id).where(
        Statement.supersedes_id == statement.id, Statement.status == "draft"))
    if pending is not None:
        raise Conflict(f"Statement {pending} already amends this one: edit that draft.",
                       [{"field": "id", "message": f"statement {pending}"}])
    version = (session.scalar(select(func.max(Statement.version)).where(
        Statement.org_id == statement.org_id, Statement.framework == statement.framework,
        Statement.period_start == statement.period_start,
        Statement.period_end == statement.period_end)) or statement.version) + 1
    amendment = Statement(
        org_id=statement.org_id, framework=statement.framework,
        jurisdiction=statement.jurisdiction, period_start=statement.period_start,
        period_end=statement.period_end, evidence_id=statement.evidence_id,
        title=statement.title, sections=dict(statement.sections or {}), version=version,
        supersedes_id=statement.id, created_by_id=getattr(actor, "id", None))
    session.add(amendment)
    session.flush()
    record(session, org_id=statement.org_id, actor=actor, action="statements.amended",
           obj=amendment,
           summary=f"Version {version} drafted to amend statement {statement.id}",
           details={"supersedes_id": statement.id})
    return amendment


def superseded_by(session: Session, statement: Statement) -> int | None:
    return session.scalar(select(Statement.id).where(
        Statement.supersedes_id == statement.id, Statement.status != "draft"))


def delete_draft(session: Session, *, statement: Statement, actor: Any) -> None:
    require_draft(statement)
    record(session, org_id=statement.org_id, actor=actor, action="statements.discarded",
           obj=statement, summary=f"Draft statement {statement.id} discarded")
    session.delete(statement)
    session.flush()
