"""parse_template: a template file's data -> a validated Template, or a TemplateError.

Pure module; re-exported by questionnaires.definitions. The rules it enforces are listed in
docs/questionnaires.md ("Template rules").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from questionnaires.conditions import Condition, ConditionError, parse_condition
from questionnaires.template import (
    FEE_RULE,
    INDICATORS,
    LANGUAGES,
    QUESTION_TYPES,
    STRENGTHS,
    TEXT_MAX,
    Option,
    Question,
    Section,
    SignalRule,
    Template,
    TemplateError,
)

# What a condition or rule may refer to: question code -> (type, option values)
_Refs = Mapping[str, tuple[str, frozenset[str]]]

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_KEY = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
_OPTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TEMPLATE_KEYS = {"key", "version", "title", "description", "sections"}
_SECTION_KEYS = {"code", "title", "questions"}
_QUESTION_KEYS = {"code", "type", "required", "text", "help", "options", "show_if", "signals",
                  "min", "max", "max_length"}
_ANSWER_RULE_KEYS = {"when", "indicator", "strength", "note"}
_FEE_RULE_KEYS = {"rule", "indicator", "wage", "currency", "wage_currency", "bands",
                  "unconverted", "note"}


class _Fail(Exception):
    """Raised inside the parser; parse_template adds the file name."""


def _texts(value: Any, what: str) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise _Fail(f"{what} must be an object with a text per language {list(LANGUAGES)}")
    unknown = sorted(set(value) - set(LANGUAGES), key=str)
    if unknown:
        raise _Fail(f"{what} has unknown language(s) {unknown}; languages are {list(LANGUAGES)}")
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise _Fail(f"{what} is missing the {lang!r} text")
    return MappingProxyType({lang: value[lang] for lang in LANGUAGES})


def _condition(raw: Any, refs: Mapping[str, tuple[str, frozenset[str]]],
               default: str | None = None) -> Condition:
    try:
        return parse_condition(raw, refs, default)
    except ConditionError as exc:
        raise _Fail(f"condition: {exc}") from None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Fail(f"{what} must be a finite number")
    return value


def _keys(data: Any, allowed: set[str], what: str) -> None:
    if not isinstance(data, Mapping):
        raise _Fail(f"{what} must be an object")
    unknown = sorted(set(data) - allowed, key=str)
    if unknown:
        raise _Fail(f"{what} has unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _options(raw: Any, qtype: str) -> tuple[tuple[Option, ...], dict[str, str]]:
    if qtype not in ("choice", "multi_choice"):
        if raw is not None:
            raise _Fail(f"a {qtype} question has no options")
        return (), {}
    if not isinstance(raw, list) or not raw:
        raise _Fail(f"a {qtype} question needs a non-empty list of options")
    options: list[Option] = []
    lookup: dict[str, str] = {}
    for i, item in enumerate(raw):
        _keys(item, {"value", "text"}, f"option {i + 1}")
        value = item.get("value")
        if not isinstance(value, str) or not _OPTION.match(value):
            raise _Fail(f"option {i + 1} value {value!r} must match {_OPTION.pattern}")
        if any(o.value == value for o in options):
            raise _Fail(f"duplicate option value {value!r}")
        text = _texts(item.get("text"), f"option {value!r} text")
        # coerce_text finds an option by its value or any of its texts: no two may collide.
        for label in (value, *text.values()):
            key = label.strip().casefold()
            if lookup.get(key, value) != value:
                raise _Fail(f"option {value!r}: {label!r} is also option {lookup[key]!r}")
            lookup[key] = value
        options.append(Option(value, text))
    return tuple(options), lookup


def _rule(raw: Any, code: str, refs: Mapping[str, tuple[str, frozenset[str]]]) -> SignalRule:
    if isinstance(raw, Mapping) and "rule" in raw:
        return _fee_rule(raw, code, refs)
    _keys(raw, _ANSWER_RULE_KEYS, "signal rule")
    indicator, strength = raw.get("indicator"), raw.get("strength")
    _indicator_strength(indicator, strength)
    if "when" not in raw:
        raise _Fail(f"signal rule for {indicator} needs a 'when' condition")
    when = _condition(raw["when"], refs, code)
    note = raw.get("note", f"{INDICATORS[indicator]}: raised by the answer to {code}")
    if not isinstance(note, str) or not note.strip():
        raise _Fail("a signal rule's note must be a non-empty English text")
    return SignalRule(indicator=indicator, strength=strength, when=when, note=note)


def _indicator_strength(indicator: Any, strength: Any) -> None:
    if indicator not in INDICATORS:
        raise _Fail(f"unknown indicator {indicator!r}; known: {', '.join(INDICATORS)}")
    if strength not in STRENGTHS:
        raise _Fail(f"unknown strength {strength!r}; known: {', '.join(STRENGTHS)}")


def _fee_rule(raw: Mapping, code: str, refs: _Refs) -> SignalRule:
    _keys(raw, _FEE_RULE_KEYS, "fee rule")
    if raw["rule"] != FEE_RULE:
        raise _Fail(f"unknown signal rule kind {raw['rule']!r}; known: {FEE_RULE!r}")
    if refs[code][0] != "money":
        raise _Fail(f"the {FEE_RULE} rule belongs on a money question")
    indicator, strength = raw.get("indicator"), raw.get("unconverted", "moderate")
    _indicator_strength(indicator, strength)
    for key in ("wage", "currency"):
        if not isinstance(raw.get(key), str):
            raise _Fail(f"the {FEE_RULE} rule needs {key!r}, a question code")
    bands_raw = raw.get("bands")
    if not isinstance(bands_raw, list) or not bands_raw:
        raise _Fail(f"the {FEE_RULE} rule needs bands: [{{'above': months, 'strength': ...}}]")
    bands: list[tuple[float, str]] = []
    for band in bands_raw:
        _keys(band, {"above", "strength"}, "fee band")
        above = _number(band.get("above"), "a fee band's 'above'")
        _indicator_strength(indicator, band.get("strength"))
        if above < 0 or (bands and above >= bands[-1][0]):
            raise _Fail("fee bands must be >= 0 and listed from the highest 'above' down")
        bands.append((float(above), band["strength"]))
    note = raw.get("note", "Worker-paid recruitment fee")
    if not isinstance(note, str) or not note.strip():
        raise _Fail("a signal rule's note must be a non-empty English text")
    wage_currency = raw.get("wage_currency")
    if wage_currency is not None and not isinstance(wage_currency, str):
        raise _Fail(f"the {FEE_RULE} rule's wage_currency must be a question code")
    return SignalRule(indicator=indicator, strength=strength, when=None, note=note, kind=FEE_RULE,
                      wage=raw["wage"], currency=raw["currency"], wage_currency=wage_currency,
                      bands=tuple(bands))


def _question(raw: Any, section: str, refs: dict[str, tuple[str, frozenset[str]]]) -> Question:
    if not isinstance(raw, Mapping):
        raise _Fail("a question must be an object")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise _Fail(f"question code {code!r} must match {_CODE.pattern}")
    if code in refs:
        raise _Fail(f"duplicate question code {code!r}")
    try:
        _keys(raw, _QUESTION_KEYS, "the question")
        return _question_body(raw, code, section, refs)
    except _Fail as exc:
        raise _Fail(f"question {code}: {exc}") from None


def _question_body(raw: Mapping, code: str, section: str,
                   refs: dict[str, tuple[str, frozenset[str]]]) -> Question:
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise _Fail(f"unknown type {qtype!r}; known: {', '.join(QUESTION_TYPES)}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _Fail("'required' must be true or false")
    if required and qtype == "file":
        raise _Fail("file questions are never required")
    options, lookup = _options(raw.get("options"), qtype)
    # show_if sees only earlier questions: refs does not hold this one yet.
    show_if = None if raw.get("show_if") is None else _condition(raw["show_if"], refs)
    low, high, max_length = _bounds(raw, qtype)
    refs[code] = (qtype, frozenset(o.value for o in options))
    signals_raw = raw.get("signals", [])
    if not isinstance(signals_raw, list):
        raise _Fail("'signals' must be a list of rules")
    if signals_raw and qtype == "file":
        raise _Fail("a file question raises no signals")
    signals = tuple(_rule(r, code, refs) for r in signals_raw)
    return Question(
        code=code, type=qtype, required=required, text=_texts(raw.get("text"), "text"),
        help=_texts(raw["help"], "help") if "help" in raw else MappingProxyType({}),
        options=options, show_if=show_if, signals=signals, section=section,
        min=low, max=high, max_length=max_length, lookup=MappingProxyType(lookup),
    )


def _bounds(raw: Mapping, qtype: str) -> tuple[float | None, float | None, int]:
    if qtype not in ("number", "money") and ("min" in raw or "max" in raw):
        raise _Fail(f"a {qtype} question has no min/max")
    if qtype != "text" and "max_length" in raw:
        raise _Fail(f"a {qtype} question has no max_length")
    low = None if raw.get("min") is None else _number(raw["min"], "min")
    high = None if raw.get("max") is None else _number(raw["max"], "max")
    if qtype == "money":
        low = 0 if low is None else low
        if low < 0:
            raise _Fail("money is never below 0")
    if low is not None and high is not None and low > high:
        raise _Fail("min is above max")
    max_length = raw.get("max_length", TEXT_MAX)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or not (
        1 <= max_length <= TEXT_MAX
    ):
        raise _Fail(f"max_length must be a whole number from 1 to {TEXT_MAX}")
    return low, high, max_length


def _check_fee_rules(sections: Sequence[Section], refs: _Refs) -> None:
    """Fee rules may name later questions (the currency follows the amount): check them last."""
    for q in (q for s in sections for q in s.questions):
        for rule in (r for r in q.signals if r.kind == FEE_RULE):
            wanted = {rule.wage: "money", rule.currency: "choice", rule.wage_currency: "choice"}
            for ref, qtype in wanted.items():
                if ref is None:
                    continue
                if ref not in refs or refs[ref][0] != qtype:
                    raise _Fail(f"question {q.code}: the {FEE_RULE} rule names {ref!r}, "
                                f"which is not a {qtype} question of this template")
                bad = sorted(v for v in refs[ref][1] if not _CURRENCY.match(v))
                if qtype == "choice" and bad:
                    raise _Fail(f"question {ref}: currency options must be ISO 4217 codes: {bad}")


def parse_template(data: Mapping, *, source: str = "<data>") -> Template:
    """A validated Template; TemplateError names `source` and the offending code."""
    try:
        _keys(data, _TEMPLATE_KEYS, "the template")
        key, version = data.get("key"), data.get("version")
        if not isinstance(key, str) or not _KEY.match(key):
            raise _Fail(f"template key {key!r} must match {_KEY.pattern}")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise _Fail(f"version {version!r} must be a whole number from 1")
        title = _texts(data.get("title"), "title")
        description = _texts(data.get("description"), "description")
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            raise _Fail("a template needs a non-empty list of sections")
        refs: dict[str, tuple[str, frozenset[str]]] = {}
        sections: list[Section] = []
        for raw in raw_sections:
            sections.append(_section(raw, refs, {s.code for s in sections}))
        _check_fee_rules(sections, refs)
    except _Fail as exc:
        raise TemplateError(f"{source}: {exc}") from None
    return Template(key=key, version=version, title=title, description=description,
                    sections=tuple(sections))


def _section(raw: Any, refs: dict[str, tuple[str, frozenset[str]]], seen: set[str]) -> Section:
    _keys(raw, _SECTION_KEYS, "a section")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise _Fail(f"section code {code!r} must match {_CODE.pattern}")
    if code in seen:
        raise _Fail(f"duplicate section code {code!r}")
    try:
        title = _texts(raw.get("title"), "title")
        questions = raw.get("questions")
        if not isinstance(questions, list) or not questions:
            raise _Fail("a section needs a non-empty list of questions")
    except _Fail as exc:
        raise _Fail(f"section {code}: {exc}") from None
    return Section(code=code, title=title,
                   questions=tuple(_question(q, code, refs) for q in questions))
