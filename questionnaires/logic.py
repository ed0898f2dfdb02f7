"""Answers: which questions are visible, checking and coercing values, what is still missing.

Pure module. Answers are language-neutral values keyed by question code: bool (yes_no),
int or float (number, money), an option value (choice), a list of option values
(multi_choice), str (text), "YYYY-MM-DD" (date), and for file questions a list of evidence ids
(stored by the caller; never answered through clean_answers).

A question is visible when it has no show_if, or its show_if holds on the answers to earlier
visible questions; a condition on a hidden question is false, so a question that depends on a
hidden one is hidden too. A hidden question is never required, and its answer is neither
submitted nor scored (effective_answers), though a draft keeps it in case it reappears.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.conditions import holds, is_answered, is_number
from questionnaires.definitions import MONEY_LIMIT, Question, Template

__all__ = [
    "AnswerError",
    "AnswerProblem",
    "Answers",
    "clean_answers",
    "coerce",
    "coerce_text",
    "effective_answers",
    "is_visible",
    "missing_required",
    "progress",
    "visible_codes",
    "visible_questions",
]

Answers = Mapping[str, Any]

DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "1500", "1,500.50", "1 500", "-3.5": a comma or a space only between groups of three digits,
# so "1,5" (a decimal comma) is refused rather than read as 15.
_NUMBER_TEXT = re.compile(
    r"^[+-]?(?:\d{1,3}(?P<sep>[, \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:\.\d+)?$"
)
_YES = {"yes", "y", "true", "1", "sí", "si", "是"}
_NO = {"no", "n", "false", "0", "否"}
_CODE_SHOWN = 80  # an unknown code is echoed back at most this long


class AnswerProblem(ValueError):
    """A value that is not a valid answer to the question; the message says why."""


@dataclass(frozen=True)
class AnswerError:
    code: str
    message: str


# -- visibility -----------------------------------------------------------------------------


def visible_codes(template: Template, answers: Answers) -> set[str]:
    """Codes of the visible questions."""
    visible: set[str] = set()
    for q in template.questions:  # show_if names only earlier questions: one pass suffices
        if q.show_if is None or holds(q.show_if, answers, visible):
            visible.add(q.code)
    return visible


def is_visible(template: Template, question: Question, answers: Answers) -> bool:
    return question.code in visible_codes(template, answers)


def visible_questions(template: Template, answers: Answers) -> list[Question]:
    visible = visible_codes(template, answers)
    return [q for q in template.questions if q.code in visible]


def effective_answers(template: Template, answers: Answers) -> dict[str, Any]:
    """The answers to visible questions, in template order: what is submitted and scored."""
    visible = visible_codes(template, answers)
    return {q.code: answers[q.code] for q in template.questions
            if q.code in visible and is_answered(answers.get(q.code))}


def missing_required(template: Template, answers: Answers) -> list[str]:
    """Codes of visible required questions without an answer, in template order."""
    return [q.code for q in visible_questions(template, answers)
            if q.required and not is_answered(answers.get(q.code))]


def progress(template: Template, answers: Answers) -> tuple[int, int]:
    """(answered visible questions, visible questions)."""
    shown = visible_questions(template, answers)
    return sum(1 for q in shown if is_answered(answers.get(q.code))), len(shown)


# -- coercion -------------------------------------------------------------------------------


def _listing(question: Question) -> str:
    values = question.values
    return ", ".join(values[:12]) + (f", ... ({len(values)} in all)" if len(values) > 12 else "")


def _check_number(question: Question, value: Any) -> int | float:
    if not is_number(value):
        if isinstance(value, float):  # NaN and infinities
            raise AnswerProblem("Enter a finite number")
        raise AnswerProblem("Enter a number")
    low, high = question.min, question.max
    if question.type == "money":
        if value < 0:
            raise AnswerProblem("An amount cannot be negative")
        if value >= MONEY_LIMIT:
            raise AnswerProblem(f"An amount must be below {MONEY_LIMIT:,}")
    elif abs(value) >= MONEY_LIMIT:
        raise AnswerProblem(f"A number must be between -{MONEY_LIMIT:,} and {MONEY_LIMIT:,}")
    if low is not None and value < low:
        raise AnswerProblem(f"Enter a number of at least {low:g}")
    if high is not None and value > high:
        raise AnswerProblem(f"Enter a number of at most {high:g}")
    return value


def _check_text(question: Question, value: Any) -> str | None:
    if not isinstance(value, str):
        raise AnswerProblem("Enter text")
    # HTML forms send textarea newlines as CRLF: normalise rather than refuse them.
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        return None
    if len(value) > question.max_length:
        raise AnswerProblem(f"Text is limited to {question.max_length:,} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise AnswerProblem("Text contains control characters")
    try:
        value.encode("utf-8")  # lone surrogates from JSON "\ud800" cannot be stored
    except UnicodeEncodeError:
        raise AnswerProblem("Text contains characters that are not valid Unicode") from None
    return value


def _check_date(value: Any) -> str:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise AnswerProblem("Enter a date as YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise AnswerProblem(f"{value} is not a calendar date") from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise AnswerProblem(f"Enter a date between {DATE_MIN} and {DATE_MAX}")
    return value


def _check_options(question: Question, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise AnswerProblem(f"Choose a list of options from: {_listing(question)}")
    unknown = [v for v in value if v not in question.values]
    if unknown:
        raise AnswerProblem(f"Unknown option {unknown[0][:_CODE_SHOWN]!r}: choose from "
                            f"{_listing(question)}")
    if len(set(value)) != len(value):
        raise AnswerProblem("An option is chosen twice")
    chosen = set(value)
    return [v for v in question.values if v in chosen]  # canonical: template order


def coerce(question: Question, value: Any) -> Any:
    """A JSON API value -> the stored answer (None = no answer); AnswerProblem if invalid."""
    if value is None or value == "":
        return None
    kind = question.type
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise AnswerProblem("Answer true or false (a JSON boolean)")
        return value
    if kind in ("number", "money"):
        return _check_number(question, value)
    if kind == "choice":
        if not isinstance(value, str) or value not in question.values:
            raise AnswerProblem(f"Choose one of: {_listing(question)}")
        return value
    if kind == "multi_choice":
        return _check_options(question, value) or None
    if kind == "text":
        return _check_text(question, value)
    if kind == "date":
        return _check_date(value)
    # file: a list of evidence ids, stored by the caller
    if (not isinstance(value, list | tuple) or not value
            or not all(type(v) is int and 0 < v < 2**63 for v in value)
            or len(set(value)) != len(value)):
        raise AnswerProblem("A file answer is a list of distinct evidence ids")
    return list(value)


def _option_from_text(question: Question, raw: str) -> str:
    found = question.lookup.get(raw.strip().casefold())
    if found is None:
        raise AnswerProblem(f"Unknown option {raw.strip()[:_CODE_SHOWN]!r}: choose one of: "
                            f"{_listing(question)}")
    return found


def _number_from_text(raw: str) -> int | float:
    text = raw.strip()
    if not _NUMBER_TEXT.match(text):
        raise AnswerProblem("Enter a number such as 1500 or 1,500.50 (a point for decimals)")
    text = re.sub(r"[, \u00a0\u202f]", "", text)
    return float(text) if "." in text else int(text)


def coerce_text(question: Question, raw: Any) -> Any:
    """A spreadsheet cell or HTML form string -> the stored answer (None = no answer).

    Accepts what people type: yes/no in the three languages, "1,500.50", an option's value or
    its text in any language (any case), ";"-separated options, ISO dates, and the date, number
    and boolean objects a spreadsheet reader returns.
    """
    if raw is None:
        return None
    if isinstance(raw, dt.date):  # and dt.datetime, its subclass
        if question.type != "date":
            raise AnswerProblem("A date is not a valid answer here")
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        return _check_date(day.isoformat())
    if not isinstance(raw, str):
        return _coerce_cell(question, raw)
    text = raw.strip()
    if not text:
        return None
    kind = question.type
    if kind == "yes_no":
        word = text.casefold()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise AnswerProblem("Answer yes or no")
    if kind in ("number", "money"):
        return coerce(question, _number_from_text(text))
    if kind == "choice":
        return _option_from_text(question, text)
    if kind == "multi_choice":
        parts = [p for p in text.split(";") if p.strip()]
        return coerce(question, [_option_from_text(question, p) for p in parts])
    if kind == "date":
        # "2024-05-01 00:00:00" or "2024-05-01T08:30" from a spreadsheet's text export
        if len(text) > 10 and text[10] in " T" and _ISO_DATE.match(text[:10]):
            text = text[:10]
        return _check_date(text)
    return coerce(question, raw)


def _coerce_cell(question: Question, raw: Any) -> Any:
    """A typed spreadsheet cell (bool, int, float) for `question`."""
    kind = question.type
    if kind == "yes_no":
        if isinstance(raw, bool) or raw in (0, 1):
            return bool(raw)
        raise AnswerProblem("Answer yes or no")
    if kind in ("text", "choice", "multi_choice") and is_number(raw):
        # 12345.0 read from a cell -> "12345", then as typed text
        text = str(int(raw)) if float(raw).is_integer() else str(raw)
        return coerce(question, text) if kind == "text" else coerce_text(question, text)
    if kind == "date":
        raise AnswerProblem("Enter a date as YYYY-MM-DD")
    return coerce(question, raw)


def clean_answers(template: Template, answers: Mapping[str, Any], *,
                  from_text: bool = False) -> tuple[dict[str, Any], list[AnswerError]]:
    """Coerce every answer: (answers in template order, errors).

    Unknown codes are errors; file questions are skipped (their answers are evidence,
    stored by the caller); a None (or empty) value drops the answer.
    """
    convert = coerce_text if from_text else coerce
    cleaned: dict[str, Any] = {}
    errors: list[AnswerError] = []
    for q in template.questions:
        if q.code not in answers or q.type == "file":
            continue
        try:
            value = convert(q, answers[q.code])
        except AnswerProblem as exc:
            errors.append(AnswerError(q.code, str(exc)))
            continue
        if value is not None:
            cleaned[q.code] = value
    known = template.codes
    for code in answers:
        if code not in known:
            errors.append(AnswerError(str(code)[:_CODE_SHOWN], "Unknown question code"))
    return cleaned, errors
