"""Questionnaire templates as values: constants, the frozen dataclasses, language choice.

Pure module. Built by questionnaires.template_parser from template files; everything here is
re-exported by questionnaires.definitions, which is what callers import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.indicators import INDICATORS as INDICATORS  # re-exported: the one list lives in app
from questionnaires.conditions import Condition

LANGUAGES: tuple[str, ...] = ("en", "es", "zh")
QUESTION_TYPES = ("yes_no", "number", "money", "choice", "multi_choice", "text", "date", "file")
STRENGTHS: tuple[str, ...] = ("weak", "moderate", "strong")

FEE_RULE = "fee_months_of_wage"
TEXT_MAX = 4000  # characters, the default and the ceiling of a text question's max_length
MONEY_LIMIT = 10**12  # money answers are below this; so is the size of any number answer


class TemplateError(ValueError):
    """A template file breaks the rules; the message names the file and the code."""


def tr(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, falling back to English."""
    return texts.get(lang) or texts.get("en", "")


def _supported(tag: object) -> str | None:
    if isinstance(tag, tuple):  # werkzeug's LanguageAccept yields (value, quality)
        if len(tag) != 2 or not tag[1]:
            return None
        tag = tag[0]
    if not isinstance(tag, str):
        return None
    # "es-MX" -> "es", "zh-Hans-CN" -> "zh": we have one Spanish and one (Simplified) Chinese,
    # and Simplified serves zh-TW/zh-HK readers better than English does.
    primary = tag.split(";")[0].strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def pick_language(requested: str | None, accept_languages: Sequence[Any] = ()) -> str:
    """`?lang=` if supported, then the first supported Accept-Language entry, else English."""
    chosen = _supported(requested)
    if chosen:
        return chosen
    for tag in accept_languages:
        chosen = _supported(tag)
        if chosen:
            return chosen
    return "en"


@dataclass(frozen=True)
class Option:
    value: str
    text: Mapping[str, str]


@dataclass(frozen=True)
class SignalRule:
    """Which answers to one question raise which indicator, and how strongly.

    kind "answer": raises `indicator` at `strength` when `when` holds. kind
    "fee_months_of_wage" (on a money question): grades the fee by `bands`, (months above, strength)
    from the highest; when the fee cannot be compared with the wage it raises `strength`.
    """

    indicator: str
    strength: str
    when: Condition | None
    note: str
    kind: str = "answer"
    wage: str | None = None
    currency: str | None = None
    wage_currency: str | None = None
    bands: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    required: bool
    text: Mapping[str, str]
    help: Mapping[str, str]
    options: tuple[Option, ...]
    show_if: Condition | None
    signals: tuple[SignalRule, ...]
    section: str
    min: float | None = None  # number and money; money is never below 0
    max: float | None = None
    max_length: int = TEXT_MAX  # text
    # option value, and every option text in every language casefolded -> value (coerce_text)
    lookup: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Section:
    code: str
    title: Mapping[str, str]
    questions: tuple[Question, ...]


@dataclass(frozen=True, eq=False)  # identity: one object per file, cheap to hash and cache on
class Template:
    key: str
    version: int
    title: Mapping[str, str]
    description: Mapping[str, str]
    sections: tuple[Section, ...]
    _questions: tuple[Question, ...] = field(init=False, repr=False)
    _by_code: dict[str, Question] = field(init=False, repr=False)
    _position: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ordered = tuple(q for s in self.sections for q in s.questions)
        object.__setattr__(self, "_questions", ordered)
        object.__setattr__(self, "_by_code", {q.code: q for q in ordered})
        object.__setattr__(self, "_position", {q.code: i for i, q in enumerate(ordered)})

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in order (sections in order, questions in order within each)."""
        return self._questions

    def question(self, code: str) -> Question:
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise KeyError(
                f"Unknown question code {code!r} in {self.key} v{self.version}"
            ) from None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._by_code)

    def position(self, code: str) -> int:
        """The question's index in template order."""
        return self._position[code]
