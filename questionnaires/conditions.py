"""The small condition language of ``show_if`` and of a signal rule's ``when``.

Pure module. A leaf tests one question's answer, ``{"question": code, <operator>: value}``;
``{"all": [...]}`` and ``{"any": [...]}`` combine conditions. In a signal rule's ``when`` the
question defaults to the rule's own. Operators, and the question types they apply to:

    equals    yes_no (true/false), choice (an option value), number, money
    in        choice: one of a list of option values
    any_of    multi_choice: at least one of a list of option values was chosen
    above, at_least, below, at_most    number, money: >, >=, <, <=
    answered  any type but file: true = has an answer, false = has none

A leaf on an unanswered question is false (except ``answered: false``); a leaf on a hidden
question is always false, so what depends on a hidden question is hidden too. Documented with
examples in docs/questionnaires.md.
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("equals", "in", "any_of", "above", "at_least", "below", "at_most", "answered")
GROUPS = ("all", "any")
_NUMERIC = ("above", "at_least", "below", "at_most")
_TYPES_FOR = {
    "equals": ("yes_no", "choice", "number", "money"),
    "in": ("choice",),
    "any_of": ("multi_choice",),
    **{op: ("number", "money") for op in _NUMERIC},
    "answered": ("yes_no", "number", "money", "choice", "multi_choice", "text", "date"),
}


class ConditionError(Exception):
    """A malformed condition (definitions turns it into a TemplateError naming the file)."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition: a leaf (op, question, value) or a group ("all"/"any", parts)."""

    op: str
    question: str | None = None
    value: Any = None  # in/any_of: frozenset of option values
    parts: tuple[Condition, ...] = ()

    @property
    def questions(self) -> frozenset[str]:
        """Every question code the condition reads."""
        if self.op in GROUPS:
            return frozenset().union(*(p.questions for p in self.parts))
        return frozenset({self.question})


def is_number(value: Any) -> bool:
    return (not isinstance(value, bool) and isinstance(value, int | float)
            and math.isfinite(value))


def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != ()


def parse_condition(raw: Any, refs: Mapping[str, tuple[str, frozenset[str]]],
                    default_question: str | None = None) -> Condition:
    """Parse `raw`; `refs` maps the codes it may name to (type, option values).

    Raises ConditionError.
    """
    return _parse(raw, refs, default_question)


def _parse(raw: Any, refs: Mapping[str, tuple[str, frozenset[str]]],
           default: str | None) -> Condition:
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(f"{raw!r} must be a non-empty object")
    groups = [g for g in GROUPS if g in raw]
    if groups:
        if len(raw) != 1:
            raise ConditionError(f"{groups[0]!r} must be the only key of its object")
        parts = raw[groups[0]]
        if not isinstance(parts, list) or not parts:
            raise ConditionError(f"{groups[0]!r} needs a non-empty list of conditions")
        return Condition(groups[0], parts=tuple(_parse(p, refs, default) for p in parts))
    ops = [k for k in raw if k in OPERATORS]
    unknown = sorted(set(raw) - {"question", *OPERATORS}, key=str)
    if unknown or len(ops) != 1:
        raise ConditionError(
            f"{dict(raw)!r}: a condition has one operator of {', '.join(OPERATORS)} "
            f"(or is {{'all': [...]}} / {{'any': [...]}}) and an optional 'question'"
        )
    op = ops[0]
    code = raw.get("question", default)
    if code is None:
        raise ConditionError(f"{dict(raw)!r} must name its 'question'")
    if not isinstance(code, str) or code not in refs:
        raise ConditionError(f"refers to {code!r}, which is not an earlier question of this "
                             "template")
    qtype, values = refs[code]
    if qtype == "file":
        raise ConditionError(f"refers to the file question {code!r}; file questions have no "
                             "answers to test")
    if qtype not in _TYPES_FOR[op]:
        raise ConditionError(f"{op!r} does not apply to {code!r}, a {qtype} question")
    return Condition(op, code, _value(op, raw[op], code, qtype, values))


def _value(op: str, value: Any, code: str, qtype: str, values: frozenset[str]) -> Any:
    if op == "answered":
        if not isinstance(value, bool):
            raise ConditionError(f"'answered' takes true or false, not {value!r}")
        return value
    if op in _NUMERIC or (op == "equals" and qtype in ("number", "money")):
        if not is_number(value):
            raise ConditionError(f"{op!r} on {code!r} takes a number, not {value!r}")
        return value
    if op == "equals" and qtype == "yes_no":
        if not isinstance(value, bool):
            raise ConditionError(f"{code!r} is yes/no: 'equals' takes true or false, not {value!r}")
        return value
    chosen = [value] if op == "equals" else value
    if not isinstance(chosen, list) or not chosen or not all(isinstance(v, str) for v in chosen):
        raise ConditionError(f"{op!r} on {code!r} takes a non-empty list of option values")
    if len(set(chosen)) != len(chosen):
        raise ConditionError(f"{op!r} on {code!r} lists an option twice")
    unknown = sorted(set(chosen) - values)
    if unknown:
        raise ConditionError(f"{op!r} on {code!r} names unknown option(s) {unknown}")
    return value if op == "equals" else frozenset(chosen)


def holds(cond: Condition, answers: Mapping[str, Any], visible: Container[str]) -> bool:
    """Whether `cond` holds for `answers`, reading only the questions in `visible`."""
    op = cond.op
    if op == "all":
        return all(holds(p, answers, visible) for p in cond.parts)
    if op == "any":
        return any(holds(p, answers, visible) for p in cond.parts)
    if cond.question not in visible:
        return False
    value = answers.get(cond.question)
    if op == "answered":
        return is_answered(value) is cond.value
    if not is_answered(value):
        return False
    want = cond.value
    if op == "equals":
        if isinstance(want, bool) or isinstance(value, bool):  # True == 1 must not match
            return value is want
        if isinstance(want, str):
            return value == want
        return is_number(value) and value == want
    if op == "in":
        return isinstance(value, str) and value in want
    if op == "any_of":
        return isinstance(value, list | tuple) and any(
            isinstance(v, str) and v in want for v in value
        )
    if not is_number(value):
        return False
    if op == "above":
        return value > want
    if op == "at_least":
        return value >= want
    if op == "below":
        return value < want
    return value <= want  # at_most
