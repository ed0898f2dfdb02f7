"""Scoring: a questionnaire's answers -> ILO forced-labour indicator signals.

Pure module. The rules live in the template files beside each question (see
questionnaires.template_parser and docs/questionnaires.md for the table). Only the answers to
visible questions count (logic.effective_answers). Each signal names its indicator, strength,
the question and answer that raised it and a short English note for the reviewer.

The recruitment-fee rule ("fee_months_of_wage") grades a worker-paid fee by how many months of
the monthly wage it costs; a fee in another currency than the wage is converted to US dollars at
the fixed rates of data/fx_rates.json, and a fee that cannot be converted or compared still
raises its indicator, with a note saying "not converted: ...", never a silent comparison.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.conditions import holds, is_answered, is_number
from questionnaires.definitions import FEE_RULE, STRENGTHS, Question, SignalRule, Template
from questionnaires.logic import visible_codes

__all__ = ["WEIGHTS", "FxRates", "Signal", "fee_months", "fx_rates", "score", "strongest"]

FX_FILE = Path(__file__).resolve().parent / "data" / "fx_rates.json"
# How much one signal counts towards an indicator (risk uses these); strong = certain.
WEIGHTS: dict[str, float] = {"weak": 0.33, "moderate": 0.66, "strong": 1.0}
_RANK = {s: i for i, s in enumerate(STRENGTHS)}


@dataclass(frozen=True)
class Signal:
    indicator: str
    strength: str
    question: str
    answer: Any
    note: str

    @property
    def weight(self) -> float:
        return WEIGHTS[self.strength]


@dataclass(frozen=True)
class FxRates:
    units_per_usd: Mapping[str, float]
    source: str
    as_of: str
    note: str


@cache
def fx_rates() -> FxRates:
    """The fixed conversion rates shipped in data/fx_rates.json (units per US dollar)."""
    data = json.loads(FX_FILE.read_text(encoding="utf-8"))
    rates = data["units_per_usd"]
    if data.get("base") != "USD" or not all(is_number(r) and r > 0 for r in rates.values()):
        raise ValueError(f"{FX_FILE}: rates must be positive numbers of units per USD")
    return FxRates(units_per_usd=dict(rates), source=data["source"], as_of=data["as_of"],
                   note=data["note"])


def _amount(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _months(value: float) -> str:
    return f"{value:.1f}" if value >= 2 else f"{value:.2f}"


def fee_months(fee_amount: Any, fee_currency: str | None, monthly_wage: Any,
               wage_currency: str | None, rates: Mapping[str, float] | None = None,
               ) -> tuple[float | None, str]:
    """(the fee in months of the monthly wage, or None when it cannot be compared; why).

    An unanswered `wage_currency` means the wage is in the fee's currency. Different currencies
    are both converted to USD at `rates` (units per USD; default: data/fx_rates.json).
    """
    if not is_number(fee_amount) or fee_amount < 0:
        return None, "not converted: no fee amount given"
    if not fee_currency:
        return None, f"not converted: the currency of the fee of {_amount(fee_amount)} is not given"
    fee = f"{_amount(fee_amount)} {fee_currency}"
    wage_currency = wage_currency or fee_currency
    if not is_number(monthly_wage) or monthly_wage <= 0:
        return None, f"not converted: no monthly wage to compare the fee of {fee} with"
    wage = f"{_amount(monthly_wage)} {wage_currency}"
    if wage_currency == fee_currency:
        months = fee_amount / monthly_wage
        return months, f"Fee of {fee} is {_months(months)} months of the {wage} monthly wage"
    as_of = ""
    if rates is None:
        table = fx_rates()
        rates, as_of = table.units_per_usd, f" (rates of {table.as_of})"
    missing = [c for c in dict.fromkeys((fee_currency, wage_currency))
               if not (is_number(rates.get(c)) and rates[c] > 0)]
    if missing:
        return None, (f"not converted: no exchange rate for {', '.join(missing)}, so the fee of "
                      f"{fee} cannot be compared with the {wage} monthly wage")
    fee_usd = fee_amount / rates[fee_currency]
    wage_usd = monthly_wage / rates[wage_currency]
    months = fee_usd / wage_usd
    return months, (f"Fee of {fee} ({_amount(round(fee_usd, 2))} USD) is {_months(months)} months "
                    f"of the {wage} ({_amount(round(wage_usd, 2))} USD) monthly wage{as_of}")


def _fee_signal(rule: SignalRule, q: Question, answers: Mapping[str, Any]) -> Signal | None:
    fee = answers[q.code]
    if not is_number(fee) or fee <= 0:
        return None  # no fee paid: nothing to raise
    wage_currency = answers.get(rule.wage_currency) if rule.wage_currency else None
    months, why = fee_months(fee, answers.get(rule.currency), answers.get(rule.wage),
                             wage_currency)
    if months is None:
        return Signal(rule.indicator, rule.strength, q.code, fee, why)
    for above, strength in rule.bands:
        if months > above:
            return Signal(rule.indicator, strength, q.code, fee, why)
    return None


def score(template: Template, answers: Mapping[str, Any]) -> list[Signal]:
    """The signals raised by the answers, sorted by (indicator, question).

    Several rules of one question raising the same indicator (e.g. hours above 60 moderate,
    above 72 strong) give one signal, the strongest.
    """
    visible = visible_codes(template, answers)
    effective = {q.code: answers[q.code] for q in template.questions  # = effective_answers()
                 if q.code in visible and is_answered(answers.get(q.code))}
    best: dict[tuple[str, str], Signal] = {}
    for code, answer in effective.items():
        q = template.question(code)
        for rule in q.signals:
            if rule.kind == FEE_RULE:
                signal = _fee_signal(rule, q, effective)
            elif rule.when is not None and holds(rule.when, effective, visible):
                signal = Signal(rule.indicator, rule.strength, code, answer, rule.note)
            else:
                signal = None
            if signal is None:
                continue
            key = (signal.indicator, code)
            if key not in best or _RANK[signal.strength] > _RANK[best[key].strength]:
                best[key] = signal
    return [best[k] for k in sorted(best)]


def strongest(signals: Iterable[Signal]) -> dict[str, Signal]:
    """Per indicator, its strongest signal (the first one on a tie), by indicator."""
    found: dict[str, Signal] = {}
    for signal in signals:
        held = found.get(signal.indicator)
        if held is None or _RANK[signal.strength] > _RANK[held.strength]:
            found[signal.indicator] = signal
    return dict(sorted(found.items()))
