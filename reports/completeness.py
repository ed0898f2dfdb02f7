"""The completeness check: each criterion of a framework as covered or missing, and why.

A pure module (no Flask, no session). A section's criteria are missing while its text is
empty, too short to describe anything (under MIN_CHARS characters once the markers are taken
out), or still holds a `[To complete: ...]` marker from the draft; the message names what the
marker asks for. An approval criterion is missing while any approval field it needs is blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reports.frameworks import FRAMEWORKS, Criterion

MIN_CHARS = 40
# Bounded so a hostile, huge section cannot make the search slow; `[^\]]` keeps it linear.
_MARKER = re.compile(r"\[\s*To complete\s*:\s*([^\]]{0,2000})\]", re.IGNORECASE)
FIELD_LABELS = {"approved_by": "the body that approved the statement",
                "approval_date": "the date of approval",
                "signatory": "the name of the person who signed it",
                "signatory_role": "the signatory's position"}


@dataclass(frozen=True)
class CriterionResult:
    key: str
    title: str
    reference: str
    covered: bool
    missing: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "reference": self.reference,
                "covered": self.covered, "missing": list(self.missing)}


def markers(text: str) -> list[str]:
    """What each `[To complete: ...]` marker in the text asks for."""
    return [" ".join(m.group(1).split())[:300] for m in _MARKER.finditer(text)]


def _section_missing(title: str, text: Any) -> tuple[str, ...]:
    text = text if isinstance(text, str) else ""
    asked = markers(text)
    if asked:
        return tuple(f"Write {what}." for what in asked)
    body = " ".join(_MARKER.sub(" ", text).replace("\x00", " ").split())
    if not body:
        return (f"The section on {title.lower()} is empty.",)
    if len(body) < MIN_CHARS:
        return (f"Too short to describe {title.lower()}: write at least {MIN_CHARS} "
                "characters.",)
    return ()


def _blank(field: str, value: Any) -> bool:
    if field == "approval_date":
        return _as_date(value) is None
    return not (isinstance(value, str) and value.replace("\x00", "").strip())


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _approval_missing(criterion: Criterion, approval: dict[str, Any]) -> tuple[str, ...]:
    missing = []
    for field in criterion.fields:
        if _blank(field, approval.get(field)):
            value = approval.get(field)
            if field == "approval_date" and isinstance(value, str) and value.strip():
                missing.append("The approval date is not a date (use YYYY-MM-DD).")
            else:
                missing.append(f"Give {FIELD_LABELS.get(field, field)}.")
    return tuple(missing)


def check(framework_key: str, sections: dict[str, str] | None,
          approval: dict[str, Any] | None) -> list[CriterionResult]:
    """Every section criterion, then every approval criterion, covered or missing."""
    framework = FRAMEWORKS[framework_key]
    sections = sections if isinstance(sections, dict) else {}
    approval = approval if isinstance(approval, dict) else {}
    results = []
    for section in framework.sections:
        missing = _section_missing(section.title, sections.get(section.key))
        results += [CriterionResult(c.key, c.title, c.reference, not missing, missing)
                    for c in section.criteria]
    for criterion in framework.approval:
        missing = _approval_missing(criterion, approval)
        results.append(CriterionResult(criterion.key, criterion.title, criterion.reference,
                                       not missing, missing))
    return results


def summary(results: list[CriterionResult]) -> dict[str, Any]:
    covered = sum(1 for r in results if r.covered)
    return {"covered": covered, "total": len(results), "complete": covered == len(results)}
