"""Conditions, signal rules and answers in words, for the buyer's pages.

Pure module: templates' Condition trees and SignalRules (questionnaires.definitions) in, plain
English (or the question texts in `lang`) out. The buyer's template preview says when each
question appears and which answers raise which indicator; the review page shows each answer
as a person would read it. The supplier never sees the rules.
"""

from __future__ import annotations

from typing import Any

from questionnaires.conditions import Condition
from questionnaires.definitions import FEE_RULE, Question, SignalRule, Template, tr
from questionnaires.logic import visible_codes

_COMPARE = {"above": "is above", "at_least": "is at least", "below": "is below",
            "at_most": "is at most"}


def number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _option(question: Question, value: str, lang: str) -> str:
    for option in question.options:
        if option.value == value:
            return tr(option.text, lang)
    return value


def _subject(template: Template, code: str, lang: str) -> str:
    try:
        question = template.question(code)
    except KeyError:
        return code
    return f"“{tr(question.text, lang)}” ({code})"


def _options(question: Question | None, values: Any, lang: str) -> str:
    names = [_option(question, v, lang) if question else v for v in sorted(values)]
    return " or ".join(f"“{n}”" for n in names)


def condition_text(cond: Condition, template: Template, lang: str = "en",
                   own: str | None = None) -> str:
    """One condition as a sentence fragment: '“…” (code) is Yes'; a condition on the
    question `own` (a signal rule's own question) reads 'the answer is Yes'."""
    if cond.op in ("all", "any"):
        joiner = " and " if cond.op == "all" else " or "
        parts = [condition_text(p, template, lang, own) for p in cond.parts]
        return joiner.join(f"({p})" if (" and " in p or " or " in p) else p for p in parts)
    code = cond.question or ""
    subject = "the answer" if code == own else _subject(template, code, lang)
    try:
        question: Question | None = template.question(code)
    except KeyError:
        question = None
    value = cond.value
    if cond.op == "answered":
        return f"{subject} is answered" if value else f"{subject} is not answered"
    if cond.op == "equals":
        if isinstance(value, bool):
            return f"{subject} is {'Yes' if value else 'No'}"
        if isinstance(value, str):
            return f"{subject} is “{_option(question, value, lang) if question else value}”"
        return f"{subject} is {number_text(value)}"
    if cond.op == "in":
        return f"{subject} is {_options(question, value, lang)}"
    if cond.op == "any_of":
        return f"{subject} includes {_options(question, value, lang)}"
    if cond.op in _COMPARE:
        return f"{subject} {_COMPARE[cond.op]} {number_text(value)}"
    return f"{subject} {cond.op} {value!r}"


def rule_text(rule: SignalRule, question: Question, template: Template, lang: str = "en") -> str:
    """What raises the rule's indicator, in words (the strength is shown beside it)."""
    if rule.kind == FEE_RULE:
        wage = _subject(template, rule.wage, lang) if rule.wage else "the monthly wage"
        bands = ", ".join(f"{s} above {number_text(m)} month{'s' if m != 1 else ''}"
                          for m, s in rule.bands)
        return (f"A fee above 0, graded by the fee in months of {wage}: {bands}. A fee in "
                "another currency than the wage is converted at the documented fixed rates; "
                f"when it cannot be converted or compared it raises {rule.strength}, flagged "
                "as not converted.")
    if rule.when is None:
        return "Any answer."
    return f"When {condition_text(rule.when, template, lang, own=question.code)}."


def answer_text(question: Question, value: Any, lang: str = "en") -> str:
    """An answer as a person reads it; files are listed by the page itself."""
    if value is None or value == "" or value == []:
        return "Not answered"
    kind = question.type
    if kind == "yes_no" and isinstance(value, bool):
        return "Yes" if value else "No"
    if kind == "choice" and isinstance(value, str):
        return _option(question, value, lang)
    if kind == "multi_choice" and isinstance(value, list):
        return "; ".join(_option(question, v, lang) for v in value if isinstance(v, str))
    if kind in ("number", "money"):
        return number_text(value)
    if kind == "file" and isinstance(value, list):
        return f"{len(value)} file{'s' if len(value) != 1 else ''}"
    return str(value)


def answered_sections(template: Template, answers: dict[str, Any],
                      lang: str = "en") -> list[dict[str, Any]]:
    """The submitted answers section by section, questions hidden by a condition left out."""
    visible = visible_codes(template, answers)
    out = []
    for section in template.sections:
        rows = [{"question": q, "answer": answers.get(q.code),
                 "text": answer_text(q, answers.get(q.code), lang)}
                for q in section.questions if q.code in visible]
        if rows:
            out.append({"code": section.code, "title": tr(section.title, lang), "rows": rows})
    return out


__all__ = ["answer_text", "answered_sections", "condition_text", "number_text", "rule_text"]
