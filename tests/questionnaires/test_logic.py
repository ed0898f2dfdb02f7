"""questionnaires.logic: conditions, visibility, coercion, clean answers, what is missing."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from questionnaires.definitions import get_template, parse_template
from questionnaires.logic import (
    AnswerError,
    AnswerProblem,
    clean_answers,
    coerce,
    coerce_text,
    effective_answers,
    is_visible,
    missing_required,
    progress,
    visible_questions,
)


def T(text: str) -> dict[str, str]:
    return {"en": text, "es": f"{text} (es)", "zh": f"{text}（中）"}


def _template(questions: list[dict]):
    return parse_template({"key": "probe", "version": 1, "title": T("T"), "description": T("D"),
                           "sections": [{"code": "main", "title": T("S"), "questions": questions}]})


# One question of each kind, and a "probe" whose show_if each condition case sets.
BASE = [
    {"code": "flag", "type": "yes_no", "text": T("Flag")},
    {"code": "pick", "type": "choice", "text": T("Pick"),
     "options": [{"value": "always", "text": T("Always")}, {"value": "often", "text": T("Often")},
                 {"value": "never", "text": T("Never")}]},
    {"code": "many", "type": "multi_choice", "text": T("Many"),
     "options": [{"value": "a", "text": T("Alpha")}, {"value": "b", "text": T("Beta")},
                 {"value": "c", "text": T("Gamma")}]},
    {"code": "hours", "type": "number", "text": T("Hours"), "min": 0, "max": 168},
    {"code": "fee", "type": "money", "text": T("Fee")},
    {"code": "note", "type": "text", "text": T("Note"), "max_length": 10},
    {"code": "when", "type": "date", "text": T("When")},
    {"code": "child", "type": "yes_no", "text": T("Child"),
     "show_if": {"question": "flag", "equals": True}},
]


def _probe(show_if: dict):
    return _template([*BASE, {"code": "probe", "type": "yes_no", "required": True,
                              "text": T("Probe"), "show_if": show_if}])


CONDITIONS = [
    ({"question": "flag", "equals": True}, {"flag": True}, True),
    ({"question": "flag", "equals": True}, {"flag": False}, False),
    ({"question": "flag", "equals": True}, {}, False),
    ({"question": "flag", "equals": True}, {"flag": 1}, False),  # 1 is not True
    ({"question": "flag", "equals": True}, {"flag": "yes"}, False),  # raw strings do not count
    ({"question": "flag", "equals": False}, {"flag": False}, True),
    ({"question": "flag", "equals": False}, {}, False),  # unanswered is not "no"
    ({"question": "pick", "equals": "often"}, {"pick": "often"}, True),
    ({"question": "pick", "in": ["always", "often"]}, {"pick": "always"}, True),
    ({"question": "pick", "in": ["always", "often"]}, {"pick": "never"}, False),
    ({"question": "pick", "in": ["always", "often"]}, {"pick": ["always"]}, False),
    ({"question": "many", "any_of": ["b", "c"]}, {"many": ["a", "c"]}, True),
    ({"question": "many", "any_of": ["b", "c"]}, {"many": ["a"]}, False),
    ({"question": "many", "any_of": ["b", "c"]}, {"many": []}, False),
    ({"question": "many", "any_of": ["b"]}, {"many": "b"}, False),  # a string is not a list
    ({"question": "hours", "above": 60}, {"hours": 60}, False),
    ({"question": "hours", "above": 60}, {"hours": 60.5}, True),
    ({"question": "hours", "at_least": 60}, {"hours": 60}, True),
    ({"question": "hours", "at_least": 60}, {"hours": 59.9}, False),
    ({"question": "hours", "below": 15}, {"hours": 14}, True),
    ({"question": "hours", "below": 15}, {"hours": 15}, False),
    ({"question": "hours", "at_most": 15}, {"hours": 15}, True),
    ({"question": "hours", "above": 0}, {"hours": True}, False),  # a boolean is no number
    ({"question": "hours", "above": 0}, {"hours": math.nan}, False),
    ({"question": "hours", "equals": 40}, {"hours": 40.0}, True),
    ({"question": "fee", "above": 0}, {"fee": 0.01}, True),
    ({"question": "note", "answered": True}, {"note": "x"}, True),
    ({"question": "note", "answered": True}, {"note": ""}, False),
    ({"question": "note", "answered": False}, {}, True),
    ({"question": "when", "answered": True}, {"when": "2024-01-01"}, True),
    ({"all": [{"question": "flag", "equals": True}, {"question": "hours", "above": 60}]},
     {"flag": True, "hours": 70}, True),
    ({"all": [{"question": "flag", "equals": True}, {"question": "hours", "above": 60}]},
     {"flag": True, "hours": 50}, False),
    ({"any": [{"question": "flag", "equals": True}, {"question": "hours", "above": 60}]},
     {"flag": False, "hours": 70}, True),
    ({"any": [{"question": "flag", "equals": True}, {"question": "hours", "above": 60}]},
     {}, False),
    ({"any": [{"all": [{"question": "flag", "equals": True},
                       {"question": "pick", "in": ["often"]}]},
              {"question": "many", "any_of": ["c"]}]}, {"flag": True, "pick": "often"}, True),
    # child is hidden unless flag: a condition on a hidden question is false, even "not answered"
    ({"question": "child", "equals": True}, {"flag": False, "child": True}, False),
    ({"question": "child", "equals": True}, {"flag": True, "child": True}, True),
    ({"question": "child", "answered": False}, {"flag": False}, False),
    ({"question": "child", "answered": False}, {"flag": True}, True),
    ({"any": [{"question": "child", "equals": True}, {"question": "hours", "above": 1}]},
     {"flag": False, "child": True, "hours": 2}, True),
]


@pytest.mark.parametrize(("condition", "answers", "visible"), CONDITIONS)
def test_condition_language(condition, answers, visible):
    t = _probe(condition)
    assert is_visible(t, t.question("probe"), answers) is visible
    assert ("probe" in missing_required(t, answers)) is visible  # hidden: never required


RECRUITMENT = [
    ({}, "fee_amount", False),
    ({"workers_paid_fees": True}, "fee_amount", True),
    ({"workers_paid_fees": False}, "fee_amount", False),
    ({"workers_paid_fees": True}, "fee_currency", True),
    ({"workers_paid_fees": True}, "fee_categories", True),
    ({}, "monthly_wage", True),
    ({}, "wage_currency", True),
    ({"uses_recruitment_agencies": True}, "uses_sub_agents", True),
    ({"uses_recruitment_agencies": True}, "sub_agent_countries", False),
    ({"uses_recruitment_agencies": True, "uses_sub_agents": True}, "sub_agent_countries", True),
    # the parent of sub_agent_countries is hidden, so it is hidden whatever uses_sub_agents says
    ({"uses_recruitment_agencies": False, "uses_sub_agents": True}, "sub_agent_countries", False),
    ({"written_contract": True, "migrant_workers_employed": True}, "contract_before_departure",
     True),
    ({"written_contract": True, "migrant_workers_employed": False},
     "contract_before_departure", False),
    ({"written_contract": False, "migrant_workers_employed": True},
     "contract_before_departure", False),
    ({"loans_to_workers": True, "loan_repaid_by_deduction": True}, "max_deduction_percent", True),
    ({"loans_to_workers": False, "loan_repaid_by_deduction": True}, "max_deduction_percent",
     False),
    ({"accommodation_provided": False}, "free_to_leave_accommodation", False),
    ({"accommodation_provided": True}, "free_to_leave_accommodation", True),
]


@pytest.mark.parametrize(("answers", "code", "visible"), RECRUITMENT)
def test_recruitment_conditions(answers, code, visible):
    t = get_template("recruitment")
    assert is_visible(t, t.question(code), answers) is visible
    assert (code in [q.code for q in visible_questions(t, answers)]) is visible


LABOUR = [
    ({"deductions_taken": ["none"]}, "deductions_agreed_in_writing", False),
    ({"deductions_taken": ["tax_social_security"]}, "deductions_agreed_in_writing", False),
    ({"deductions_taken": ["tax_social_security", "food"]}, "deductions_agreed_in_writing", True),
    ({"workers_under_18": True}, "youngest_worker_age", True),
    ({"workers_under_18": False}, "young_workers_hazardous", False),
    ({"accommodation_provided": True}, "accommodation_meets_standards", True),
    ({"violence_reported": True}, "violence_action", True),
]


@pytest.mark.parametrize(("answers", "code", "visible"), LABOUR)
def test_labour_standards_conditions(answers, code, visible):
    t = get_template("labour-standards")
    assert is_visible(t, t.question(code), answers) is visible


def test_missing_required_follows_visibility():
    t = get_template("recruitment")
    empty = missing_required(t, {})
    assert "workers_paid_fees" in empty and "fee_amount" not in empty
    paid = missing_required(t, {"workers_paid_fees": True})
    assert {"fee_amount", "fee_currency", "fee_categories", "fees_repaid"} <= set(paid)
    assert "workers_paid_fees" not in paid
    assert paid == [q.code for q in t.questions if q.code in paid]  # template order
    assert not any(t.question(c).type == "file" for c in empty + paid)
    assert "wage_currency" not in paid  # optional


@pytest.mark.parametrize(("answers", "expected"), [
    ({}, (0, 6)),
    ({"flag": True}, (1, 7)),
    ({"flag": False, "child": True}, (1, 6)),  # the hidden answer does not count
    ({"flag": True, "child": False, "note": "", "many": []}, (2, 7)),
    ({"flag": True, "unknown": 1}, (1, 7)),
])
def test_progress(answers, expected):
    t = _template(BASE[:1] + BASE[2:])  # drop "pick": 7 questions, child depends on flag
    assert progress(t, answers) == expected


def test_effective_answers_keep_only_visible_answered_questions():
    t = get_template("recruitment")
    answers = {"workers_paid_fees": False, "fee_amount": 1500, "fee_currency": "USD",
               "monthly_wage": 300, "wage_currency": None, "nope": 1}
    assert effective_answers(t, answers) == {"workers_paid_fees": False, "monthly_wage": 300}


# -- coercion ----------------------------------------------------------------------------------

Q = _template([*BASE, {"code": "count", "type": "number", "text": T("Count")},
               {"code": "proof", "type": "file", "text": T("Proof")}])
OK, ERR = "ok", "error"

COERCE = [
    ("flag", True, OK, True), ("flag", False, OK, False), ("flag", None, OK, None),
    ("flag", "", OK, None), ("flag", "yes", ERR, "JSON boolean"), ("flag", 1, ERR, "boolean"),
    ("flag", 0, ERR, "boolean"),
    ("hours", 60, OK, 60), ("hours", 60.5, OK, 60.5), ("hours", 0, OK, 0),
    ("hours", True, ERR, "Enter a number"), ("hours", "60", ERR, "Enter a number"),
    ("hours", math.nan, ERR, "finite"), ("hours", math.inf, ERR, "finite"),
    ("hours", -1, ERR, "at least 0"), ("hours", 168.5, ERR, "at most 168"),
    ("count", -5, OK, -5), ("count", 10**12, ERR, "between"), ("count", [1], ERR, "number"),
    ("fee", 0, OK, 0), ("fee", 1500.5, OK, 1500.5), ("fee", 10**12 - 1, OK, 10**12 - 1),
    ("fee", 10**12, ERR, "below 1,000,000,000,000"), ("fee", -0.01, ERR, "negative"),
    ("fee", False, ERR, "number"),
    ("pick", "often", OK, "often"), ("pick", "Often", ERR, "Choose one of: always, often"),
    ("pick", "zzz", ERR, "Choose one of"), ("pick", 1, ERR, "Choose one of"),
    ("pick", ["often"], ERR, "Choose one of"),
    ("many", ["c", "a"], OK, ["a", "c"]), ("many", ("b",), OK, ["b"]), ("many", [], OK, None),
    ("many", ["a", "a"], ERR, "chosen twice"), ("many", "a", ERR, "list of options"),
    ("many", ["z"], ERR, "Unknown option 'z'"), ("many", [1], ERR, "list of options"),
    ("note", "hi", OK, "hi"), ("note", " hi \n", OK, "hi"), ("note", "a\r\nb\rc", OK, "a\nb\nc"),
    ("note", "tab\there", OK, "tab\there"), ("note", "   ", OK, None),
    ("note", "x\x00y", ERR, "control characters"), ("note", "bell\x07", ERR, "control"),
    ("note", "c\x85d", ERR, "control"), ("note", "x" * 11, ERR, "limited to 10"),
    ("note", "\ud800", ERR, "not valid Unicode"), ("note", 5, ERR, "Enter text"),
    ("note", "中文也可以", OK, "中文也可以"),
    ("when", "2024-02-29", OK, "2024-02-29"), ("when", "2023-02-29", ERR, "not a calendar date"),
    ("when", "2024-2-1", ERR, "YYYY-MM-DD"), ("when", "01/02/2024", ERR, "YYYY-MM-DD"),
    ("when", "1899-12-31", ERR, "between 1900-01-01"), ("when", "2024-01-01T00:00", ERR, "YYYY"),
    ("when", dt.date(2024, 1, 1), ERR, "YYYY-MM-DD"),
    ("proof", [3, 1], OK, [3, 1]), ("proof", [1, 1], ERR, "distinct"),
    ("proof", [True], ERR, "evidence ids"), ("proof", ["1"], ERR, "evidence ids"),
]


@pytest.mark.parametrize(("code", "value", "outcome", "expected"), COERCE)
def test_coerce(code, value, outcome, expected):
    q = Q.question(code)
    if outcome == OK:
        assert coerce(q, value) == expected
    else:
        with pytest.raises(AnswerProblem, match=expected):
            coerce(q, value)


COERCE_TEXT = [
    *[("flag", word, OK, True) for word in ("yes", "Yes", " y ", "TRUE", "1", "sí", "Sí", "si",
                                            "SI", "是")],
    *[("flag", word, OK, False) for word in ("no", "NO", "n", "false", "0", "否")],
    ("flag", "maybe", ERR, "yes or no"), ("flag", True, OK, True), ("flag", 0, OK, False),
    ("flag", 1.0, OK, True), ("flag", 2, ERR, "yes or no"), ("flag", "  ", OK, None),
    ("fee", "1,500.50", OK, 1500.5), ("fee", "1500", OK, 1500), ("fee", "1 500", OK, 1500),
    ("fee", "1\u00a0500", OK, 1500), ("fee", "1,234,567", OK, 1234567),
    ("fee", "1,5", ERR, "a point for decimals"), ("fee", "1.500,50", ERR, "point"),
    ("fee", "1,500 000", ERR, "point"), ("fee", "12,34", ERR, "point"),
    ("fee", "abc", ERR, "Enter a number such as"),
    ("fee", "-3", ERR, "negative"), ("fee", "1e5", ERR, "point"), ("fee", 1500.0, OK, 1500.0),
    ("count", "-3.25", OK, -3.25), ("hours", "60", OK, 60), ("hours", "200", ERR, "at most"),
    ("hours", True, ERR, "number"),
    ("pick", "often", OK, "often"), ("pick", " OFTEN ", OK, "often"),
    ("pick", "Often (es)", OK, "often"), ("pick", "often（中）", OK, "often"),
    ("pick", "sometimes", ERR, "Unknown option 'sometimes'"),
    ("many", "a; c", OK, ["a", "c"]), ("many", "Gamma;alpha", OK, ["a", "c"]),
    ("many", "Beta (es); ", OK, ["b"]), ("many", ";", OK, None),
    ("many", "a;a", ERR, "chosen twice"), ("many", "a;d", ERR, "Unknown option 'd'"),
    ("note", "hello", OK, "hello"), ("note", 12345.0, OK, "12345"), ("note", 12.5, OK, "12.5"),
    ("when", dt.date(2024, 5, 1), OK, "2024-05-01"),
    ("when", dt.datetime(2024, 5, 1, 8, 30), OK, "2024-05-01"),
    ("when", "2024-05-01", OK, "2024-05-01"), ("when", "2024-05-01 00:00:00", OK, "2024-05-01"),
    ("when", "2024-05-01T08:30", OK, "2024-05-01"), ("when", "1/5/2024", ERR, "YYYY-MM-DD"),
    ("when", 45000, ERR, "YYYY-MM-DD"), ("flag", dt.date(2024, 5, 1), ERR, "not a valid"),
]


@pytest.mark.parametrize(("code", "raw", "outcome", "expected"), COERCE_TEXT)
def test_coerce_text(code, raw, outcome, expected):
    q = Q.question(code)
    if outcome == OK:
        assert coerce_text(q, raw) == expected
    else:
        with pytest.raises(AnswerProblem, match=expected):
            coerce_text(q, raw)


def test_coerce_text_finds_options_in_every_language():
    q = get_template("recruitment").question("fee_categories")
    assert coerce_text(q, "Examen médico; 交通和差旅费; DEPOSIT_BOND") == [
        "travel", "medical_exam", "deposit_bond"]
    currency = get_template("recruitment").question("fee_currency")
    assert coerce_text(currency, "myr") == "MYR"
    assert coerce_text(currency, "NPR – rupia nepalí") == "NPR"


def test_clean_answers():
    answers = {"flag": True, "hours": "60", "proof": [1], "note": None, "pick": "often",
               "nope": 1, "x" * 500: 2, "many": ["a"]}
    cleaned, errors = clean_answers(Q, answers)
    assert cleaned == {"flag": True, "pick": "often", "many": ["a"]}
    assert list(cleaned) == ["flag", "pick", "many"]  # template order
    assert errors == [AnswerError("hours", "Enter a number"),
                      AnswerError("nope", "Unknown question code"),
                      AnswerError("x" * 80, "Unknown question code")]


def test_clean_answers_from_text():
    cleaned, errors = clean_answers(Q, {"flag": "sí", "hours": "1,5", "fee": "1,500",
                                        "when": dt.date(2024, 1, 31)}, from_text=True)
    assert cleaned == {"flag": True, "fee": 1500, "when": "2024-01-31"}
    assert [e.code for e in errors] == ["hours"]


def test_a_hidden_answer_is_kept_in_a_draft_but_not_submitted():
    t = get_template("recruitment")
    cleaned, errors = clean_answers(t, {"workers_paid_fees": False, "fee_amount": 100})
    assert errors == [] and cleaned["fee_amount"] == 100
    assert "fee_amount" not in effective_answers(t, cleaned)
