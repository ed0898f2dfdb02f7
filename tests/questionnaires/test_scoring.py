"""questionnaires.scoring: the signal rules of the built-in templates, and the fee rule."""

from __future__ import annotations

import pytest

from questionnaires.conditions import Condition
from questionnaires.definitions import FEE_RULE, get_template
from questionnaires.scoring import Signal, fee_months, fx_rates, score, strongest


def _found(key: str, answers: dict) -> set[tuple[str, str, str]]:
    return {(s.indicator, s.strength, s.question) for s in score(get_template(key), answers)}


def test_done_when_fees_of_five_months_and_retained_documents():
    answers = {"workers_paid_fees": True, "fee_amount": 1500, "fee_currency": "USD",
               "monthly_wage": 300, "identity_documents_retained": True}
    best = strongest(score(get_template("recruitment"), answers))
    assert best["FL09"].strength == "strong"
    assert best["FL09"].question == "fee_amount" and best["FL09"].answer == 1500
    assert best["FL09"].note == "Fee of 1,500 USD is 5.0 months of the 300 USD monthly wage"
    assert best["FL07"].strength == "strong"
    assert best["FL07"].question == "identity_documents_retained"
    assert set(best) == {"FL07", "FL09"}


# Each row: answers -> a signal that must be raised, or (a bare code) nothing from that question.
CASES = [
    ("recruitment", {"identity_documents_retained": True}, ("FL07", "strong",
                                                            "identity_documents_retained")),
    ("recruitment", {"identity_documents_retained": True, "documents_returned_on_request": False},
     ("FL07", "strong", "documents_returned_on_request")),
    ("recruitment", {"accommodation_provided": True, "free_to_leave_accommodation": False},
     ("FL03", "strong", "free_to_leave_accommodation")),
    ("recruitment", {"resignation_notice_days": 31}, ("FL03", "weak", "resignation_notice_days")),
    ("recruitment", {"resignation_notice_days": 30}, "resignation_notice_days"),
    ("recruitment", {"loans_to_workers": True, "loan_repaid_by_deduction": True,
                     "max_deduction_percent": 51}, ("FL09", "strong", "max_deduction_percent")),
    ("recruitment", {"loans_to_workers": True, "loan_repaid_by_deduction": True,
                     "max_deduction_percent": 50}, "max_deduction_percent"),
    ("recruitment", {"workers_paid_fees": True, "fee_categories": ["travel", "deposit_bond"]},
     ("FL09", "moderate", "fee_categories")),
    ("recruitment", {"workers_paid_fees": True, "fee_categories": ["travel"]}, "fee_categories"),
    ("recruitment", {"migrant_workers_employed": True, "contract_substitution": True},
     ("FL02", "strong", "contract_substitution")),
    ("recruitment", {"bank_cards_held": True}, ("FL08", "strong", "bank_cards_held")),
    ("recruitment", {"grievance_mechanism": False}, ("FL04", "weak", "grievance_mechanism")),
    ("labour-standards", {"weekly_hours_max": 60}, "weekly_hours_max"),
    ("labour-standards", {"weekly_hours_max": 61}, ("FL11", "moderate", "weekly_hours_max")),
    ("labour-standards", {"weekly_hours_max": 72}, ("FL11", "moderate", "weekly_hours_max")),
    ("labour-standards", {"weekly_hours_max": 72.5}, ("FL11", "strong", "weekly_hours_max")),
    ("labour-standards", {"weekly_hours_typical": 61}, ("FL11", "strong", "weekly_hours_typical")),
    ("labour-standards", {"wages_withheld": True}, ("FL08", "strong", "wages_withheld")),
    ("labour-standards", {"wages_withheld": False}, "wages_withheld"),
    ("labour-standards", {"accommodation_provided": True, "free_to_leave_accommodation": False},
     ("FL03", "strong", "free_to_leave_accommodation")),
    ("labour-standards", {"accommodation_provided": True, "free_to_leave_accommodation": True},
     "free_to_leave_accommodation"),
    ("labour-standards", {"pay_frequency": "less_often"}, ("FL08", "moderate", "pay_frequency")),
    ("labour-standards", {"pay_frequency": "monthly"}, "pay_frequency"),
    ("labour-standards", {"deductions_taken": ["recruitment_costs"]},
     ("FL09", "moderate", "deductions_taken")),
    ("labour-standards", {"deductions_taken": ["savings_held"]},
     ("FL08", "moderate", "deductions_taken")),
    ("labour-standards", {"deductions_taken": ["tax_social_security"]}, "deductions_taken"),
    ("labour-standards", {"minimum_hiring_age": 14}, ("FL01", "strong", "minimum_hiring_age")),
    ("labour-standards", {"minimum_hiring_age": 15}, "minimum_hiring_age"),
    ("labour-standards", {"workers_under_18": True, "youngest_worker_age": 13},
     ("FL01", "strong", "youngest_worker_age")),
    ("labour-standards", {"workers_under_18": True, "young_workers_hazardous": True},
     ("FL01", "strong", "young_workers_hazardous")),
    ("labour-standards", {"age_verified": False}, ("FL01", "moderate", "age_verified")),
    ("labour-standards", {"job_matches_promises": False}, ("FL02", "strong",
                                                          "job_matches_promises")),
    ("labour-standards", {"threats_used": True}, ("FL06", "strong", "threats_used")),
    ("labour-standards", {"overtime_voluntary": False}, ("FL06", "weak", "overtime_voluntary")),
    ("labour-standards", {"violence_reported": True}, ("FL05", "strong", "violence_reported")),
    ("labour-standards", {"remote_location": True}, ("FL04", "moderate", "remote_location")),
    ("labour-standards", {"accommodation_provided": True,
                          "accommodation_meets_standards": False},
     ("FL10", "moderate", "accommodation_meets_standards")),
]


@pytest.mark.parametrize(("key", "answers", "expected"), CASES)
def test_signal_rules(key, answers, expected):
    found = _found(key, answers)
    if isinstance(expected, str):
        assert [f for f in found if f[2] == expected] == []
    else:
        assert expected in found, found
        # one signal per (indicator, question): the strongest rule wins
        assert len([f for f in found if f[0] == expected[0] and f[2] == expected[2]]) == 1


@pytest.mark.parametrize(("key", "answers"), [
    ("recruitment", {"workers_paid_fees": False, "fee_amount": 1500, "fee_currency": "USD",
                     "monthly_wage": 300}),
    ("recruitment", {"accommodation_provided": False, "free_to_leave_accommodation": False}),
    ("recruitment", {"uses_recruitment_agencies": False, "uses_sub_agents": True}),
    ("labour-standards", {"workers_under_18": False, "youngest_worker_age": 12}),
])
def test_hidden_answers_raise_nothing(key, answers):
    assert _found(key, answers) == set()


@pytest.mark.parametrize(("answers", "note"), [
    ({"minimum_hiring_age": 12}, "Child labour: workers are hired below 15"),
    ({"workers_under_18": True, "youngest_worker_age": 14}, "Child labour: a worker is under 15"),
    ({"workers_under_18": True, "young_workers_hazardous": True}, "Child labour: workers under"),
    ({"age_verified": False}, "Child labour risk"),
])
def test_child_labour_is_named_in_the_note(answers, note):
    (signal,) = score(get_template("labour-standards"), answers)
    assert signal.indicator == "FL01" and signal.note.startswith(note)


def _reveal(template, cond: Condition | None, answers: dict) -> None:
    """Answers that make `cond` hold (the built-in show_ifs are equals/any_of and all)."""
    if cond is None:
        return
    if cond.op == "all":
        for part in cond.parts:
            _reveal(template, part, answers)
        return
    assert cond.op in ("equals", "any_of"), cond
    answers[cond.question] = cond.value if cond.op == "equals" else sorted(cond.value)[:1]
    _reveal(template, template.question(cond.question).show_if, answers)


def _yes_no_rules():
    for key in ("recruitment", "labour-standards"):
        t = get_template(key)
        for q in t.questions:
            for rule in q.signals:
                if q.type == "yes_no":
                    yield pytest.param(key, q.code, rule, id=f"{key}.{q.code}.{rule.indicator}")


@pytest.mark.parametrize(("key", "code", "rule"), list(_yes_no_rules()))
def test_every_yes_no_rule_fires_on_the_bad_answer_only(key, code, rule):
    t = get_template(key)
    assert rule.when.op == "equals" and rule.when.question == code
    answers: dict = {}
    _reveal(t, t.question(code).show_if, answers)
    bad = {**answers, code: rule.when.value}
    mine = [s for s in score(t, bad) if s.question == code and s.indicator == rule.indicator]
    assert [(s.strength, s.note) for s in mine] == [(rule.strength, rule.note)]
    good = {**answers, code: not rule.when.value}
    assert [s for s in score(t, good) if s.question == code] == []


FEES = [  # fee, wage, strength of the fee_amount signal (None: no signal)
    (1500, 300, "strong"), (301, 300, "strong"), (300, 300, "moderate"),
    (76, 300, "moderate"), (75, 300, "weak"), (1, 300, "weak"), (0.01, 300, "weak"),
    (0, 300, None),
]


@pytest.mark.parametrize(("fee", "wage", "strength"), FEES)
def test_fee_bands(fee, wage, strength):
    answers = {"workers_paid_fees": True, "fee_amount": fee, "fee_currency": "MYR",
               "monthly_wage": wage}
    got = [s.strength for s in score(get_template("recruitment"), answers)
           if s.question == "fee_amount"]
    assert got == ([] if strength is None else [strength])


def test_fee_in_another_currency_is_converted_at_the_documented_rate():
    answers = {"workers_paid_fees": True, "fee_amount": 150_000, "fee_currency": "NPR",
               "monthly_wage": 1_700, "wage_currency": "MYR"}
    (signal,) = [s for s in score(get_template("recruitment"), answers)
                 if s.question == "fee_amount"]
    rates = fx_rates().units_per_usd
    months = (150_000 / rates["NPR"]) / (1_700 / rates["MYR"])
    assert months > 1 and signal.strength == "strong"
    assert signal.note == (
        f"Fee of 150,000 NPR ({150_000 / rates['NPR']:,.2f} USD) is {months:.1f} months of the "
        f"1,700 MYR ({1_700 / rates['MYR']:,.2f} USD) monthly wage (rates of 2024-12-31)")


@pytest.mark.parametrize("wage_currency", [None, "USD"])
def test_wage_currency_defaults_to_the_fee_currency(wage_currency):
    answers = {"workers_paid_fees": True, "fee_amount": 60, "fee_currency": "USD",
               "monthly_wage": 300, "wage_currency": wage_currency}
    (signal,) = [s for s in score(get_template("recruitment"), answers)
                 if s.question == "fee_amount"]
    assert (signal.strength, signal.note) == (
        "weak", "Fee of 60 USD is 0.20 months of the 300 USD monthly wage")


@pytest.mark.parametrize(("extra", "why"), [
    ({"monthly_wage": 0}, "not converted: no monthly wage to compare the fee of 900 USD with"),
    ({}, "not converted: no monthly wage"),  # a draft scored before the wage is given
    ({"monthly_wage": 300, "fee_currency": None}, "not converted: the currency of the fee"),
])
def test_a_fee_that_cannot_be_compared_is_moderate_never_silent(extra, why):
    answers = {"workers_paid_fees": True, "fee_amount": 900, "fee_currency": "USD", **extra}
    (signal,) = [s for s in score(get_template("recruitment"), answers)
                 if s.question == "fee_amount"]
    assert signal.indicator == "FL09" and signal.strength == "moderate"
    assert signal.note.startswith(why), signal.note


FEE_MONTHS = [
    ((1500, "USD", 300, None), 5.0, "Fee of 1,500 USD is 5.0 months of the 300 USD monthly wage"),
    ((1500.5, "USD", 300, "USD"), 1500.5 / 300, "Fee of 1,500.50 USD is 5.0 months"),
    ((100, "EUR", 50, "GBP"), 1.0, "Fee of 100 EUR (50 USD) is 1.00 months of the 50 GBP (50 USD)"),
    ((300, "EUR", 50, "GBP"), 3.0, "Fee of 300 EUR (150 USD) is 3.0 months"),
    ((100, "XXX", 10, "USD"), None, "not converted: no exchange rate for XXX"),
    ((100, "XXX", 10, "YYY"), None, "not converted: no exchange rate for XXX, YYY"),
    ((100, "USD", 10, "ZZZ"), None, "not converted: no exchange rate for ZZZ, so the fee of "
                                    "100 USD cannot be compared with the 10 ZZZ monthly wage"),
    ((100, "USD", None, None), None, "not converted: no monthly wage"),
    ((100, "USD", -5, None), None, "not converted: no monthly wage"),
    ((None, "USD", 300, None), None, "not converted: no fee amount"),
    ((True, "USD", 300, None), None, "not converted: no fee amount"),
    ((0, "USD", 300, None), 0.0, "Fee of 0 USD is 0.00 months"),
]


@pytest.mark.parametrize(("args", "months", "why"), FEE_MONTHS)
def test_fee_months(args, months, why):
    rates = {"USD": 1, "EUR": 2.0, "GBP": 1.0}
    got, explanation = fee_months(*args, rates=rates)
    assert got == (None if months is None else pytest.approx(months))
    assert explanation.startswith(why), explanation


def test_fee_months_uses_the_shipped_rates_by_default():
    months, why = fee_months(4470, "MYR", 500, "USD")
    assert months == pytest.approx(2.0)
    assert why.endswith("(rates of 2024-12-31)")


@pytest.mark.parametrize(("strengths", "expected"), [
    (["weak", "strong", "moderate"], "strong"),
    (["moderate", "weak"], "moderate"),
    (["weak"], "weak"),
])
def test_strongest_per_indicator(strengths, expected):
    signals = [Signal("FL09", s, f"q{i}", True, "n") for i, s in enumerate(strengths)]
    signals.append(Signal("FL07", "weak", "x", True, "n"))
    best = strongest(signals)
    assert list(best) == ["FL07", "FL09"]
    assert best["FL09"].strength == expected


def test_strongest_keeps_the_first_on_a_tie():
    a, b = Signal("FL01", "strong", "a", 1, "n"), Signal("FL01", "strong", "b", 2, "n")
    assert strongest([a, b])["FL01"] is a


@pytest.mark.parametrize(("strength", "weight"), [("weak", 0.33), ("moderate", 0.66),
                                                  ("strong", 1.0)])
def test_weights(strength, weight):
    assert Signal("FL01", strength, "q", True, "n").weight == weight


def test_signals_are_sorted_by_indicator_then_question():
    answers = {"workers_paid_fees": True, "fee_amount": 1500, "fee_currency": "USD",
               "monthly_wage": 300, "identity_documents_retained": True,
               "bank_cards_held": True, "wages_paid_on_time": False, "deposits_required": True}
    signals = score(get_template("recruitment"), answers)
    keys = [(s.indicator, s.question) for s in signals]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert score(get_template("recruitment"), dict(reversed(answers.items()))) == signals


def test_fee_rule_is_on_fee_amount():
    (rule,) = get_template("recruitment").question("fee_amount").signals
    assert rule.kind == FEE_RULE and rule.indicator == "FL09"
    assert rule.bands == ((1.0, "strong"), (0.25, "moderate"), (0.0, "weak"))
    assert rule.strength == "moderate"  # when the fee cannot be compared
    assert (rule.wage, rule.currency, rule.wage_currency) == (
        "monthly_wage", "fee_currency", "wage_currency")
