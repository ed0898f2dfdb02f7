"""questionnaires.definitions: the template rules, loading, versions, languages, built-ins."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest

from questionnaires import docgen
from questionnaires.definitions import (
    INDICATORS,
    LANGUAGES,
    TEMPLATES_DIR,
    TemplateError,
    builtin,
    get_template,
    latest_versions,
    load_directory,
    parse_template,
    pick_language,
    same_questions,
    tr,
)
from questionnaires.scoring import fx_rates


def T(text: str) -> dict[str, str]:
    return {"en": text, "es": f"{text} (es)", "zh": f"{text}（中文）"}


def minimal(version: int = 1) -> dict:
    """A small valid template: every type, a condition, an answer rule and a fee rule."""
    return {
        "key": "mini",
        "version": version,
        "title": T("Mini"),
        "description": T("A small template"),
        "sections": [
            {"code": "main", "title": T("Main"), "questions": [
                {"code": "paid", "type": "yes_no", "required": True, "text": T("Paid?"),
                 "help": T("Any fee"),
                 "signals": [{"when": {"equals": True}, "indicator": "FL09",
                              "strength": "weak", "note": "Fees"}]},
                {"code": "amount", "type": "money", "text": T("Amount"),
                 "show_if": {"question": "paid", "equals": True},
                 "signals": [{"rule": "fee_months_of_wage", "indicator": "FL09",
                              "wage": "wage", "currency": "currency",
                              "bands": [{"above": 1, "strength": "strong"},
                                        {"above": 0, "strength": "weak"}]}]},
                {"code": "currency", "type": "choice", "text": T("Currency"),
                 "options": [{"value": "USD", "text": T("Dollar")},
                             {"value": "EUR", "text": T("Euro")}]},
                {"code": "wage", "type": "money", "text": T("Wage")},
                {"code": "kinds", "type": "multi_choice", "text": T("Kinds"),
                 "options": [{"value": "a", "text": T("A")}, {"value": "b", "text": T("B")}],
                 "signals": [{"when": {"any_of": ["b"]}, "indicator": "FL08",
                              "strength": "moderate"}]},
                {"code": "hours", "type": "number", "text": T("Hours"), "min": 0, "max": 168,
                 "signals": [{"when": {"above": 60}, "indicator": "FL11",
                              "strength": "moderate"}]},
                {"code": "notes", "type": "text", "text": T("Notes"), "max_length": 10},
                {"code": "since", "type": "date", "text": T("Since")},
                {"code": "proof", "type": "file", "text": T("Proof")},
            ]},
        ],
    }


def _q(data: dict, code: str) -> dict:
    return next(q for s in data["sections"] for q in s["questions"] if q["code"] == code)


def test_the_minimal_template_is_valid():
    t = parse_template(minimal(), source="mini.json")
    assert [q.code for q in t.questions] == [
        "paid", "amount", "currency", "wage", "kinds", "hours", "notes", "since", "proof"]
    assert t.question("amount").section == "main"
    assert t.codes == frozenset(q.code for q in t.questions)
    assert t.question("hours").max == 168 and t.question("amount").min == 0


def _set(code, key, value):
    def change(d):
        _q(d, code)[key] = value
    return change


def _drop(code, key):
    def change(d):
        del _q(d, code)[key]
    return change


def _questions(change):
    def apply(d):
        change(d["sections"][0]["questions"])
    return apply


BAD = [
    ("unknown type", _set("hours", "type", "integer"), "hours", "unknown type 'integer'"),
    ("duplicate code", _set("wage", "code", "currency"), "currency",
     "duplicate question code 'currency'"),
    ("show_if on a later question", _set("paid", "show_if", {"question": "hours", "above": 1}),
     "paid", "not an earlier question"),
    ("show_if on an unknown question", _set("hours", "show_if", {"question": "nope",
                                                                 "answered": True}),
     "hours", "'nope', which is not an earlier question"),
    ("show_if on itself", _set("hours", "show_if", {"question": "hours", "above": 1}),
     "hours", "not an earlier question"),
    ("show_if on a file question", _questions(lambda qs: qs.append(
        {"code": "after", "type": "yes_no", "text": T("After"),
         "show_if": {"question": "proof", "answered": True}})), "after", "file question"),
    ("a required file question", _set("proof", "required", True), "proof",
     "file questions are never required"),
    ("required not a boolean", _set("paid", "required", "yes"), "paid", "'required'"),
    ("choice without options", _drop("currency", "options"), "currency",
     "needs a non-empty list of options"),
    ("multi_choice with no options", _set("kinds", "options", []), "kinds",
     "needs a non-empty list of options"),
    ("options on a yes_no", _set("paid", "options", [{"value": "y", "text": T("Y")}]), "paid",
     "has no options"),
    ("duplicate option values", _set("kinds", "options", [{"value": "a", "text": T("A")},
                                                          {"value": "a", "text": T("B")}]),
     "kinds", "duplicate option value 'a'"),
    ("two options with one text", _set("kinds", "options", [{"value": "a", "text": T("Same")},
                                                            {"value": "b", "text": T("same")}]),
     "kinds", "is also option 'a'"),
    ("bad option value", _set("kinds", "options", [{"value": "a b", "text": T("A")}]), "kinds",
     "value 'a b' must match"),
    ("signal on an unknown indicator", _set("paid", "signals", [
        {"when": {"equals": True}, "indicator": "FL12", "strength": "weak"}]), "paid",
     "unknown indicator 'FL12'"),
    ("signal with an unknown strength", _set("paid", "signals", [
        {"when": {"equals": True}, "indicator": "FL09", "strength": "severe"}]), "paid",
     "unknown strength 'severe'"),
    ("signal naming an unknown option", _set("kinds", "signals", [
        {"when": {"any_of": ["c"]}, "indicator": "FL08", "strength": "weak"}]), "kinds",
     "unknown option(s) ['c']"),
    ("signal without when", _set("paid", "signals", [{"indicator": "FL09",
                                                      "strength": "weak"}]), "paid",
     "needs a 'when'"),
    ("signal on a file question", _set("proof", "signals", [
        {"when": {"answered": True}, "indicator": "FL09", "strength": "weak"}]), "proof",
     "raises no signals"),
    ("show_if naming an unknown option", _set("hours", "show_if", {"question": "kinds",
                                                                   "any_of": ["z"]}),
     "hours", "unknown option(s) ['z']"),
    ("equals on a yes_no takes a boolean", _set("amount", "show_if", {"question": "paid",
                                                                      "equals": "yes"}),
     "amount", "takes true or false"),
    ("a number operator on a yes_no", _set("amount", "show_if", {"question": "paid",
                                                                 "above": 0}),
     "amount", "'above' does not apply to 'paid', a yes_no question"),
    ("in on a multi_choice", _set("hours", "show_if", {"question": "kinds", "in": ["a"]}),
     "hours", "'in' does not apply"),
    ("two operators in one leaf", _set("hours", "show_if", {"question": "paid",
                                                            "equals": True, "answered": True}),
     "hours", "one operator"),
    ("an empty all", _set("hours", "show_if", {"all": []}), "hours", "non-empty list"),
    ("a boolean threshold", _set("hours", "signals", [
        {"when": {"above": True}, "indicator": "FL11", "strength": "weak"}]), "hours",
     "takes a number"),
    ("text missing a language", _set("paid", "text", {"en": "Paid?", "es": "¿Pagó?"}), "paid",
     "missing the 'zh' text"),
    ("help missing a language", _set("paid", "help", {"en": "x", "zh": "x"}), "paid",
     "missing the 'es' text"),
    ("an empty translation", _set("paid", "text", {"en": "Paid?", "es": " ", "zh": "付"}),
     "paid", "missing the 'es' text"),
    ("an unknown language", _set("paid", "text", {**T("Paid?"), "fr": "Payé ?"}), "paid",
     "unknown language(s) ['fr']"),
    ("option text missing a language", _set("kinds", "options", [
        {"value": "a", "text": {"en": "A", "es": "A"}}]), "kinds", "'zh' text"),
    ("an upper-case code", _set("hours", "code", "Hours"), "Hours", "must match"),
    ("a one-letter code", _set("hours", "code", "h"), "'h'", "must match"),
    ("a code with a dash", _set("hours", "code", "work-hours"), "work-hours", "must match"),
    ("an unknown question key", _set("hours", "show-if", {}), "hours", "unknown key(s)"),
    ("min above max", _set("hours", "min", 200), "hours", "min is above max"),
    ("negative money", _set("wage", "min", -1), "wage", "never below 0"),
    ("bounds on text", _set("notes", "max", 3), "notes", "has no min/max"),
    ("max_length too long", _set("notes", "max_length", 5000), "notes", "max_length"),
    ("fee bands not descending", _set("amount", "signals", [
        {"rule": "fee_months_of_wage", "indicator": "FL09", "wage": "wage",
         "currency": "currency", "bands": [{"above": 0, "strength": "weak"},
                                           {"above": 1, "strength": "strong"}]}]), "amount",
     "from the highest"),
    ("fee rule wage not money", _set("amount", "signals", [
        {"rule": "fee_months_of_wage", "indicator": "FL09", "wage": "hours",
         "currency": "currency", "bands": [{"above": 0, "strength": "weak"}]}]), "amount",
     "'hours', which is not a money question"),
    ("fee rule on a number question", _set("hours", "signals", [
        {"rule": "fee_months_of_wage", "indicator": "FL09", "wage": "wage",
         "currency": "currency", "bands": [{"above": 0, "strength": "weak"}]}]), "hours",
     "belongs on a money question"),
    ("fee currency options not ISO codes", _set("currency", "options", [
        {"value": "dollar", "text": T("Dollar")}]), "currency", "ISO 4217"),
    ("an unknown rule kind", _set("amount", "signals", [{"rule": "ratio"}]), "amount",
     "unknown signal rule kind 'ratio'"),
]


@pytest.mark.parametrize(("change", "code", "message"), [c[1:] for c in BAD],
                         ids=[c[0] for c in BAD])
def test_template_rules_are_enforced(change, code, message):
    data = copy.deepcopy(minimal())
    change(data)
    with pytest.raises(TemplateError) as caught:
        parse_template(data, source="bad/v1.json")
    text = str(caught.value)
    assert text.startswith("bad/v1.json: "), text
    assert code in text and message in text, text


@pytest.mark.parametrize(("key", "value", "message"), [
    ("version", 0, "version 0"), ("version", True, "version True"), ("version", "1", "version"),
    ("key", "Mini", "template key 'Mini'"), ("sections", [], "non-empty list of sections"),
    ("title", {"en": "Mini"}, "title is missing the 'es' text"),
    ("extra", 1, "unknown key(s) ['extra']"),
])
def test_template_level_rules(key, value, message):
    data = minimal()
    data[key] = value
    with pytest.raises(TemplateError, match=re.escape(message)):
        parse_template(data, source="x.json")


# -- files and versions ------------------------------------------------------------------------


def _write(root: Path, key: str, version: int, data: dict) -> Path:
    folder = root / key
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"v{version}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def versions(tmp_path):
    """mini v1; v2 adds a question; v3 rewords v1 without changing its codes."""
    v1 = minimal(1)
    v2 = minimal(2)
    v2["sections"][0]["questions"].append({"code": "extra", "type": "yes_no",
                                           "text": T("New in v2")})
    v3 = minimal(3)
    _q(v3, "paid")["text"] = T("Did workers pay anything?")
    for number, data in ((1, v1), (2, v2), (3, v3)):
        _write(tmp_path, "mini", number, data)
    (tmp_path / "mini" / "README.md").write_text("not a template")
    (tmp_path / "README.md").write_text("not a folder")
    return load_directory(tmp_path)


def test_versions_latest_and_old(versions):
    assert sorted(versions["mini"]) == [1, 2, 3]
    assert get_template("mini", templates=versions).version == 3
    old = get_template("mini", 1, templates=versions)
    assert old.version == 1 and "extra" not in old.codes
    assert "extra" in get_template("mini", 2, templates=versions).codes
    assert latest_versions(templates=versions) == {"mini": 3}


@pytest.mark.parametrize(("a", "b", "same"), [(1, 1, True), (1, 2, False), (1, 3, True),
                                              (2, 3, False)])
def test_same_questions_across_versions(versions, a, b, same):
    assert same_questions(versions["mini"][a], versions["mini"][b]) is same


def test_same_questions_needs_the_same_key(versions):
    other = copy.deepcopy(minimal())
    other["key"] = "other"
    assert not same_questions(versions["mini"][1], parse_template(other))


@pytest.mark.parametrize(("key", "version"), [("nope", None), ("mini", 4), ("mini", 0),
                                              ("mini", True)])
def test_unknown_templates_and_versions_are_key_errors(versions, key, version):
    with pytest.raises(KeyError):
        get_template(key, version, templates=versions)


def test_unknown_question_is_a_key_error(versions):
    with pytest.raises(KeyError, match="nope"):
        versions["mini"][1].question("nope")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("v2.json", json.dumps(minimal(1)), "version 1; the file name says 'mini' version 2"),
    ("v1.json", json.dumps({**minimal(1), "key": "other"}), "holds 'other'"),
    ("v1.json", "{not json", "not a valid template file"),
    ("v1.json", '{"key": "mini", "key": "mini"}', "duplicate JSON key(s) ['key']"),
    ("v1.json", b"\xff\xfe{}", "not a valid template file"),  # not UTF-8
])
def test_bad_files(tmp_path, name, content, message):
    (tmp_path / "mini").mkdir()
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    (tmp_path / "mini" / name).write_bytes(raw)
    with pytest.raises(TemplateError, match=re.escape(message)):
        load_directory(tmp_path)


def test_a_code_keeps_its_type_across_versions(tmp_path):
    _write(tmp_path, "mini", 1, minimal(1))
    v2 = minimal(2)
    _q(v2, "notes")["type"] = "date"
    del _q(v2, "notes")["max_length"]
    _write(tmp_path, "mini", 2, v2)
    with pytest.raises(TemplateError, match="question notes is a date question but a text one"):
        load_directory(tmp_path)


# -- languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("texts", "lang", "expected"), [
    ({"en": "Yes", "es": "Sí", "zh": "是"}, "es", "Sí"),
    ({"en": "Yes", "es": "Sí", "zh": "是"}, "zh", "是"),
    ({"en": "Yes", "es": "Sí"}, "zh", "Yes"),
    ({"en": "Yes", "es": ""}, "es", "Yes"),
    ({"en": "Yes"}, "fr", "Yes"),
    ({}, "en", ""),
])
def test_tr_falls_back_to_english(texts, lang, expected):
    assert tr(texts, lang) == expected


@pytest.mark.parametrize(("requested", "accept", "expected"), [
    ("es", ["zh-CN"], "es"),
    ("ES", [], "es"),
    ("zh", ["es"], "zh"),
    ("fr", ["es-MX", "en"], "es"),
    (None, ["fr-FR", "zh-CN", "es"], "zh"),
    (None, ["zh-Hans"], "zh"),
    (None, ["zh-TW"], "zh"),
    (None, ["zh_Hant_HK"], "zh"),
    ("", ["de", "en-GB"], "en"),
    (None, ["de", "fr"], "en"),
    (None, [], "en"),
    (None, ["es-419;q=0.9"], "es"),
    (None, [("fr", 1.0), ("es", 0.8)], "es"),  # werkzeug LanguageAccept items
    (None, [("es", 0), ("zh", 0.5)], "zh"),  # q=0 means "not this one"
    ("x" * 10_000, ["*"], "en"),
])
def test_pick_language(requested, accept, expected):
    assert pick_language(requested, accept) == expected


# -- the built-in templates --------------------------------------------------------------------


def _all_questions():
    return [(t.key, q) for versions in builtin().values() for t in versions.values()
            for q in t.questions]


def test_builtin_templates_and_versions():
    assert latest_versions() == {"labour-standards": 1, "recruitment": 1}
    copy_ = builtin()
    copy_["recruitment"].clear()  # builtin() hands out a copy: the cache is untouched
    assert get_template("recruitment").version == 1


@pytest.mark.parametrize(("key", "code", "qtype", "required"), [
    ("recruitment", "uses_recruitment_agencies", "yes_no", True),
    ("recruitment", "agency_countries", "text", True),
    ("recruitment", "uses_sub_agents", "yes_no", True),
    ("recruitment", "sub_agent_countries", "text", False),
    ("recruitment", "workers_paid_fees", "yes_no", True),
    ("recruitment", "fee_categories", "multi_choice", True),
    ("recruitment", "fee_amount", "money", True),
    ("recruitment", "fee_currency", "choice", True),
    ("recruitment", "monthly_wage", "money", True),
    ("recruitment", "wage_currency", "choice", False),
    ("recruitment", "identity_documents_retained", "yes_no", True),
    ("recruitment", "free_to_leave_accommodation", "yes_no", True),
    ("recruitment", "recruitment_agreement_file", "file", False),
    ("labour-standards", "weekly_hours_max", "number", True),
    ("labour-standards", "wages_withheld", "yes_no", True),
    ("labour-standards", "free_to_leave_accommodation", "yes_no", True),
    ("labour-standards", "minimum_hiring_age", "number", True),
    ("labour-standards", "age_verified", "yes_no", True),
    ("labour-standards", "labour_policy_file", "file", False),
])
def test_builtin_questions_the_issue_names(key, code, qtype, required):
    q = get_template(key).question(code)
    assert (q.type, q.required) == (qtype, required)


@pytest.mark.parametrize("code", ["fee_categories", "fee_amount", "fee_currency"])
def test_fee_questions_are_shown_when_fees_were_paid(code):
    cond = get_template("recruitment").question(code).show_if
    assert (cond.op, cond.question, cond.value) == ("equals", "workers_paid_fees", True)


def test_fee_categories_are_the_ilo_cost_categories():
    assert get_template("recruitment").question("fee_categories").values == (
        "recruitment_service_fee", "travel", "visa_work_permit", "medical_exam",
        "training_orientation", "documents", "deposit_bond", "other")


REQUIRED_CURRENCIES = [
    "USD", "EUR", "GBP", "MYR", "THB", "SGD", "AED", "SAR", "QAR", "KWD", "NPR", "BDT", "INR",
    "PKR", "LKR", "PHP", "IDR", "VND", "MMK", "KHR", "CNY", "HKD", "TWD", "JPY", "KRW", "MXN",
    "BRL", "TRY", "ETB", "KES",
]


@pytest.mark.parametrize("code", ["fee_currency", "wage_currency"])
def test_currencies_offered_have_rates(code):
    offered = get_template("recruitment").question(code).values
    assert set(REQUIRED_CURRENCIES) <= set(offered)
    rates = fx_rates().units_per_usd
    assert [c for c in offered if c not in rates] == []


def test_fx_file_has_its_provenance_and_matches_the_docs():
    rates = fx_rates()
    assert rates.as_of == "2024-12-31" and rates.source and rates.note
    doc = (Path(docgen.DOC)).read_text(encoding="utf-8")
    assert f"as of {rates.as_of}" in doc
    documented = {c: float(r) for c, r in re.findall(r"\| ([A-Z]{3}) \| ([0-9.]+) ", doc)}
    assert documented == {c: float(r) for c, r in rates.units_per_usd.items()}


@pytest.mark.parametrize("key", ["recruitment", "labour-standards"])
def test_builtin_size_and_sections(key):
    t = get_template(key)
    assert 20 <= len(t.questions) <= 40
    assert len(t.sections) >= 5
    assert all(q.help for q in t.questions), "every built-in question has help text"


def test_labour_standards_covers_all_eleven_indicators():
    t = get_template("labour-standards")
    assert {r.indicator for q in t.questions for r in q.signals} == set(INDICATORS)


# yes/no questions with no "bad" answer: they only open follow-up questions.
NEUTRAL = {"migrant_workers_employed", "uses_recruitment_agencies", "accommodation_provided",
           "workers_under_18"}


@pytest.mark.parametrize(("key", "q"), [(k, q) for k, q in _all_questions()
                                        if q.type == "yes_no"], ids=lambda v: getattr(v, "code", v))
def test_every_yes_no_has_a_rule_or_is_neutral(key, q):
    assert bool(q.signals) != (q.code in NEUTRAL), f"{key}.{q.code}"


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts_of(t):
    yield f"{t.key}.title", t.title
    yield f"{t.key}.description", t.description
    for s in t.sections:
        yield f"{t.key}.{s.code}", s.title
        for q in s.questions:
            yield f"{t.key}.{q.code}.text", q.text
            yield f"{t.key}.{q.code}.help", q.help


@pytest.mark.parametrize(("where", "texts"), [
    pair for versions in builtin().values() for t in versions.values() for pair in _texts_of(t)
], ids=lambda v: v if isinstance(v, str) else "")
def test_builtin_texts_are_translated(where, texts):
    assert set(texts) == set(LANGUAGES)
    assert texts["es"] != texts["en"], f"{where}: Spanish is a copy of the English"
    assert _CJK.search(texts["zh"]), f"{where}: Chinese has no Chinese characters"
    assert "TODO" not in " ".join(texts.values())


def test_option_texts_are_translated():
    for _key, q in _all_questions():
        for option in q.options:
            assert set(option.text) == set(LANGUAGES)
            assert _CJK.search(option.text["zh"]), f"{q.code}.{option.value}"


# -- published versions are frozen ---------------------------------------------------------------


def _published() -> dict[str, str]:
    lines = (TEMPLATES_DIR / "PUBLISHED.sha256").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


@pytest.mark.parametrize(("name", "digest"), sorted(_published().items()))
def test_published_versions_are_unchanged(name, digest):
    data = (TEMPLATES_DIR / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest, (
        f"{name} was edited after publication: put the change in a new version file "
        "(questionnaires/data/templates/README.md)"
    )


def test_every_template_file_is_published():
    files = {p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.glob("*/v*.json")}
    assert files == set(_published())


def test_docs_list_the_current_questions_and_rules():
    text = docgen.DOC.read_text(encoding="utf-8")
    assert docgen.updated(text) == text, "run: python -m questionnaires.docgen"
