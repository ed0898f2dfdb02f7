"""Findings rows: validation of an uploaded findings table (read with app.spreadsheets) or an API
body, through the severity crosswalk, the indicator names and the money rules.

Pure: no Flask, no database. The service opens the file with app.spreadsheets.open_table (the
hostile-file defences), checks that REQUIRED columns are there, feeds the rows here, and writes
nothing if any error comes back. Documented in docs/audits.md ("Findings upload").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from audits.crosswalk import (
    UnknownSeverity,
    normalise_scheme,
    scheme_value,
    scheme_values,
    tierlight_severity,
)
from audits.indicators import parse_indicators
from audits.money import normalise_currency, to_minor

__all__ = [
    "CHILD_LABOUR_GROUPS",
    "COLUMN_HELP",
    "FINDING_COLUMNS",
    "LIMITS",
    "MAX_WORKERS",
    "REQUIRED",
    "WORKER_GROUPS",
    "ParsedFinding",
    "parse_findings",
]

FINDING_COLUMNS = ("code", "clause", "description", "scheme_severity", "indicators",
                   "workers_affected", "worker_groups", "recruitment_fee_amount", "fee_currency",
                   "root_cause", "evidence")
REQUIRED = ("description", "scheme_severity")
# Groups of workers a finding can concern. "child": below the legal minimum working age;
# "young": young workers above it but under 18; "student": interns, apprentices and student
# workers; "homeworker": people working from home for the site or its contractors.
WORKER_GROUPS = ("migrant", "agency", "child", "young", "student", "female", "contract",
                 "temporary", "piece_rate", "homeworker", "other")
# A finding concerning these groups concerns child labour, for the SMETA rule of the crosswalk:
# SMETA grades young workers under the ETI Base Code's child-labour clause, and hazardous work
# by anyone under 18 is a worst form of child labour (ILO C182).
CHILD_LABOUR_GROUPS = frozenset({"child", "young"})
MAX_WORKERS = 10_000_000  # more than any single employer's site; catches typos and IDs
# Characters per text column. code and clause fit the columns in audits/models.py.
LIMITS = {"code": 40, "clause": 200, "description": 4000, "scheme_severity": 60,
          "indicators": 500, "worker_groups": 500, "root_cause": 2000, "evidence": 2000}
_MULTILINE = frozenset({"description", "root_cause", "evidence"})

_GROUP_SPELLINGS: dict[str, str] = {
    **{g: g for g in WORKER_GROUPS},
    "migrants": "migrant", "migrant_worker": "migrant", "migrant_workers": "migrant",
    "foreign": "migrant", "foreign_workers": "migrant",
    "agency_worker": "agency", "agency_workers": "agency", "dispatched": "agency",
    "children": "child", "child_labour": "child", "child_workers": "child",
    "young_worker": "young", "young_workers": "young", "juvenile": "young",
    "juvenile_workers": "young",
    "students": "student", "student_workers": "student", "intern": "student",
    "interns": "student", "apprentice": "student", "apprentices": "student",
    "women": "female", "woman": "female", "female_workers": "female",
    "contract_workers": "contract", "contractor": "contract", "contractors": "contract",
    "temporary_workers": "temporary", "temp": "temporary", "temps": "temporary",
    "seasonal": "temporary", "seasonal_workers": "temporary",
    "piece_rate_workers": "piece_rate", "piecework": "piece_rate", "pieceworkers": "piece_rate",
    "homeworkers": "homeworker", "home_workers": "homeworker", "home_worker": "homeworker",
}

COLUMN_HELP: dict[str, str] = {
    "code": "The finding's reference in the audit report, such as \"NC-03\" (up to 40 "
            "characters), unique in the file; uploading again updates the finding with the same "
            "code (compared ignoring case).",
    "clause": 'The scheme clause or standard breached, such as "ETI 1.1" or "RBA A.1" (up to '
              "200 characters).",
    "description": "Required. What the auditor found (up to 4,000 characters; line breaks "
                   "are kept).",
    "scheme_severity": "Required. The severity in the audit scheme's own terms; Tierlight "
                       "maps it to critical, high, medium or low (see the severities below). "
                       "Case, spaces and hyphens do not matter.",
    "indicators": "ILO forced-labour indicators the finding concerns, separated by \";\": codes "
                  'FL01 to FL11 (such as "FL07") or names such as "Retention of identity '
                  'documents", "Debt bondage" or "Excessive overtime", in any case.',
    "workers_affected": f"How many workers the finding concerns: a whole number from 0 to "
                        f"{MAX_WORKERS:,}.",
    "worker_groups": "Which groups of workers it concerns, separated by \";\": "
                     + ", ".join(WORKER_GROUPS) + '. "young" or "child" make a SMETA '
                     "non-compliance critical.",
    "recruitment_fee_amount": "Recruitment fees or related costs each affected worker paid, in "
                              'major units (such as "3500.50"), with no more decimals than the '
                              "currency has. Needs fee_currency.",
    "fee_currency": 'ISO 4217 code of the fee\'s currency, such as "NPR", "MYR" or "USD". '
                    "Needs recruitment_fee_amount.",
    "root_cause": "Why it happened, as the audit found (up to 2,000 characters).",
    "evidence": "The evidence seen: documents, interviews, photos (up to 2,000 characters). "
                "Files are attached on the finding's page.",
}

_LABELS = {"code": "Code", "clause": "Clause", "description": "Description",
           "scheme_severity": "Scheme severity", "indicators": "Indicators",
           "workers_affected": "Workers affected", "worker_groups": "Worker groups",
           "recruitment_fee_amount": "Recruitment fee amount", "fee_currency": "Fee currency",
           "root_cause": "Root cause", "evidence": "Evidence"}
# C0 controls but tab, LF and CR; DEL; C1 controls; lone surrogates (which no file can hold
# but a JSON body can, and PostgreSQL refuses).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAKS = re.compile(r"[\t\r\n]+")
_NEUTRALISED = ("'=", "'+", "'-", "'@")  # how app.exports writes text a spreadsheet would run
_WHOLE = re.compile(r"(?:[0-9]{1,3}(?:[,\u00a0\u202f ][0-9]{3})+|[0-9]+)(?:\.0*)?")
_GROUP_SEPARATORS = re.compile(r"[,\u00a0\u202f ]")
_VOCAB_JUNK = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class ParsedFinding:
    row: int
    code: str | None
    clause: str | None
    description: str
    scheme_severity: str   # the scheme's own spelling ("Non-compliance"), whatever was typed
    severity: str          # Tierlight: critical, high, medium, low
    indicators: tuple[str, ...]
    workers_affected: int | None
    worker_groups: tuple[str, ...]
    fee_minor: int | None
    fee_currency: str | None
    root_cause: str | None
    evidence: str | None


class _Row:
    """The errors of one row, as {"row", "column", "message"}."""

    __slots__ = ("code", "errors", "row")

    def __init__(self, row: int) -> None:
        self.row, self.errors = row, []
        self.code: str | None = None  # the row's valid code, for the duplicate check

    def error(self, column: str | None, message: str) -> None:
        self.errors.append({"row": self.row, "column": column, "message": message})

    def has_error(self, column: str) -> bool:
        return any(e["column"] == column for e in self.errors)


def _shown(value: object, limit: int = 60) -> str:
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _text(value: object, column: str, at: _Row) -> str | None:
    """Trimmed text or None. Control characters are an error, not silently dropped: they hide
    things (a NUL before "=" once hid a formula). Tabs and line breaks are kept in the
    multi-line columns and become one space in the others; numbers become their digits."""
    label = _LABELS[column]
    if value is None:
        return None
    if isinstance(value, bool):
        at.error(column, f"{label} must be text, not {value}.")
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, date | time):
        at.error(column, f"{label} looks like a date ({value}): format the column as text in "
                         "the spreadsheet.")
        return None
    elif isinstance(value, str):
        text = value
    else:
        at.error(column, f"{label} must be text.")
        return None
    if not text.isprintable():  # the fast path: almost every value is printable
        bad = _CONTROL.search(text)
        if bad:
            at.error(column, f"{label} contains a control character (U+{ord(bad.group()):04X}), "
                             "which is not allowed: remove it and upload again.")
            return None
        if column in _MULTILINE:
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        else:
            text = _BREAKS.sub(" ", text)
    text = text.strip()
    if text.startswith(_NEUTRALISED):  # an exported "=" text reads back as it was
        text = text[1:]
    if not text:
        return None
    limit = LIMITS[column]
    if len(text) > limit:
        at.error(column, f"{label} is {len(text):,} characters long; the limit is {limit:,}.")
        return None
    return text


def _count(value: object, column: str, at: _Row) -> int | None:
    """A whole number of people: 120, 120.0, "1,200", "1 200"; not 12.5, -3 or "abc"."""
    label = _LABELS[column]
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        negative = text.startswith("-")
        digits = text.removeprefix("-").strip()
        if len(digits) <= 30 and _WHOLE.fullmatch(digits):
            number = int(_GROUP_SEPARATORS.sub("", digits).split(".")[0])
            number = -number if negative else number
    if number is None:
        at.error(column, f'{label} must be a whole number (got "{_shown(value)}").')
    elif number < 0:
        at.error(column, f"{label} cannot be negative (got {number:,}).")
    elif number > MAX_WORKERS:
        at.error(column, f"{label} ({_shown(f'{number:,}')}) is implausibly large; the limit is "
                         f"{MAX_WORKERS:,}.")
    else:
        return number
    return None


def group_of(text: str) -> str:
    """One worker group in any accepted spelling ("Migrants" -> "migrant"); ValueError else."""
    group = _GROUP_SPELLINGS.get(_VOCAB_JUNK.sub("_", text.casefold()).strip("_"))
    if group is None:
        raise ValueError(f'"{_shown(text, 40)}" is not a worker group.')
    return group


def _groups(value: object, at: _Row) -> tuple[str, ...]:
    text = _text(value, "worker_groups", at)
    if text is None:
        return ()
    found: set[str] = set()
    bad: list[str] = []
    for part in re.split(r"[;,]", text):
        key = _VOCAB_JUNK.sub("_", part.casefold()).strip("_")
        if not key:
            continue
        group = _GROUP_SPELLINGS.get(key)
        if group is None:
            bad.append(_shown(part, 40))
        else:
            found.add(group)
    if bad:
        at.error("worker_groups", ", ".join(f'"{b}"' for b in bad[:5]) + " "
                 + ("is not a worker group" if len(bad) == 1 else "are not worker groups")
                 + ": use " + ", ".join(WORKER_GROUPS) + ', separated by ";".')
        return ()
    return tuple(g for g in WORKER_GROUPS if g in found)


def _fee(amount: object, currency: object, at: _Row) -> tuple[int | None, str | None]:
    blank_amount = amount is None or (isinstance(amount, str) and not amount.strip())
    blank_currency = currency is None or (isinstance(currency, str) and not currency.strip())
    if blank_amount and blank_currency:
        return None, None
    if blank_currency:
        at.error("fee_currency", "A recruitment fee amount needs its currency: fill in "
                                 'fee_currency, such as "NPR" or "USD".')
        return None, None
    if blank_amount:
        at.error("recruitment_fee_amount", "A fee currency needs an amount: fill in "
                                           "recruitment_fee_amount, or clear fee_currency.")
        return None, None
    try:
        code = normalise_currency(currency)  # type: ignore[arg-type]
    except ValueError as exc:
        at.error("fee_currency", str(exc))
        return None, None
    try:
        return to_minor(amount, code), code
    except ValueError as exc:
        at.error("recruitment_fee_amount", str(exc))
        return None, None


def _finding(number: int, values: Mapping[str, Any], scheme: str, at: _Row
             ) -> ParsedFinding | None:
    get = values.get
    code = at.code = _text(get("code"), "code", at)
    clause = _text(get("clause"), "clause", at)
    description = _text(get("description"), "description", at)
    if description is None and not at.has_error("description"):
        at.error("description", "Description is required.")
    raw_severity = _text(get("scheme_severity"), "scheme_severity", at)
    if raw_severity is None and not at.has_error("scheme_severity"):
        at.error("scheme_severity", "Scheme severity is required: use one of "
                                    f"{', '.join(scheme_values(scheme))}.")
    indicators: list[str] = []
    raw_indicators = _text(get("indicators"), "indicators", at)
    if raw_indicators is not None:
        try:
            indicators = parse_indicators(raw_indicators)
        except ValueError as exc:
            at.error("indicators", str(exc))
    workers = _count(get("workers_affected"), "workers_affected", at)
    groups = _groups(get("worker_groups"), at)
    fee_minor, fee_currency = _fee(get("recruitment_fee_amount"), get("fee_currency"), at)
    root_cause = _text(get("root_cause"), "root_cause", at)
    evidence = _text(get("evidence"), "evidence", at)
    severity = value = None
    if raw_severity is not None:
        try:
            value = scheme_value(scheme, raw_severity)
            severity = tierlight_severity(scheme, value, indicators=indicators,
                                          child_labour=bool(CHILD_LABOUR_GROUPS & set(groups)))
        except UnknownSeverity as exc:
            at.error("scheme_severity", str(exc))
    if at.errors or description is None or value is None or severity is None:
        return None
    return ParsedFinding(
        row=number, code=code, clause=clause, description=description, scheme_severity=value,
        severity=severity, indicators=tuple(indicators), workers_affected=workers,
        worker_groups=groups, fee_minor=fee_minor, fee_currency=fee_currency,
        root_cause=root_cause, evidence=evidence,
    )


def parse_findings(rows: Iterable[tuple[int, Mapping[str, Any]]], scheme: str
                   ) -> tuple[list[ParsedFinding], list[dict]]:
    """Validate every row, collecting every error as {"row", "column", "message"}.

    `rows` are (row number, {column: value}) as app.spreadsheets.Table.rows yields them;
    `scheme` is the audit's scheme. Only rows without errors are in the returned findings; a
    code used on two rows (ignoring case) is an error on the later one. ValueError for an
    unknown scheme (the caller's bug: an audit's scheme is validated when it is created).
    """
    scheme = normalise_scheme(scheme)
    findings: list[ParsedFinding] = []
    errors: list[dict] = []
    first_row: dict[str, int] = {}
    for number, values in rows:
        at = _Row(number)
        finding = _finding(number, values, scheme, at)
        if at.code is not None:  # checked on rows with other errors too: one fix, not two
            earlier = first_row.setdefault(at.code.casefold(), number)
            if earlier != number:
                at.error("code", f'The code "{at.code}" is already used on row {earlier}: '
                                 "each finding's code appears once.")
        if at.errors:
            errors.extend(at.errors)
        elif finding is not None:
            findings.append(finding)
    return findings, errors
