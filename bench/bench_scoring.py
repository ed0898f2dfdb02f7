"""Benchmark scoring a submitted questionnaire into indicator signals (target: under 50 ms).

Run from the repository root: ``python bench/bench_scoring.py``. Prints one table; it is not a
test and asserts nothing about timings.

Each built-in template is answered in the worst case: every question visible and answered, and
every rule that can fire firing (fees in NPR against a wage in MYR, so the fee rule converts
through USD). Measured per call, best of 5 samples of many calls each:

- ``score``: questionnaires.scoring.score on the stored answers;
- ``submit``: what a submit does with the request body: ``json.loads``, ``clean_answers``,
  ``missing_required`` and ``score``.

The floor is ``json.loads`` of the same answers as JSON, the least any submit must do. Floor
and measured runs are interleaved so that load from other processes hits both alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from questionnaires.definitions import Condition, Question, Template, builtin
from questionnaires.logic import clean_answers, missing_required, visible_questions
from questionnaires.scoring import score

TARGET_MS = 50.0


def _answer(q: Question, opens: dict[str, Any]) -> Any:
    """A value that opens the question's follow-ups, else one that raises its first rule."""
    when = next((r.when for r in q.signals if r.when is not None and r.when.question == q.code),
                None)
    if q.code in opens:
        return opens[q.code]
    if q.type == "yes_no":
        return when.value if when is not None and when.op == "equals" else True
    if q.type in ("number", "money"):
        special = {"fee_amount": 150_000, "monthly_wage": 1_700}
        if q.code in special:
            return special[q.code]
        if when is not None and when.op in ("above", "at_least"):
            return min(when.value + 1, q.max if q.max is not None else when.value + 1)
        if when is not None and when.op in ("below", "at_most"):
            return max(when.value - 1, q.min or 0)
        return q.min if q.min is not None else 1
    if q.type == "choice":
        special = {"fee_currency": "NPR", "wage_currency": "MYR"}
        if q.code in special:
            return special[q.code]
        return sorted(when.value)[0] if when is not None and when.op == "in" else q.values[0]
    if q.type == "multi_choice":
        return [v for v in q.values if v != "none"]
    if q.type == "text":
        return "Nepal, Bangladesh; sub-agents in Dhanusha and Sarlahi districts"
    if q.type == "date":
        return "2024-06-30"
    return [101, 102]  # file: evidence ids


def _leaves(cond: Condition):
    if cond.op in ("all", "any"):
        for part in cond.parts:
            yield from _leaves(part)
    else:
        yield cond


def worst_case(template: Template) -> dict[str, Any]:
    opens = {leaf.question: leaf.value for q in template.questions if q.show_if
             for leaf in _leaves(q.show_if) if leaf.op == "equals"}
    answers = {q.code: _answer(q, opens) for q in template.questions}
    shown = visible_questions(template, answers)
    if len(shown) != len(template.questions):
        hidden = sorted(template.codes - {q.code for q in shown})
        raise SystemExit(f"{template.key}: worst case leaves questions hidden: {hidden}")
    return answers


def per_call(fn: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls


def best_pair(floor: Callable[[], Any], fn: Callable[[], Any], calls: int,
              repeat: int = 5) -> tuple[float, float]:
    floor_t = fn_t = float("inf")
    for _ in range(repeat):
        floor_t = min(floor_t, per_call(floor, calls * 10))
        fn_t = min(fn_t, per_call(fn, calls))
    return floor_t, fn_t


def submit(template: Template, body: str) -> list:
    cleaned, errors = clean_answers(template, json.loads(body))
    if errors or missing_required(template, cleaned):
        raise SystemExit(f"{template.key}: the worst case does not submit: {errors}")
    return score(template, cleaned)


def measure(template: Template, calls: int) -> list[tuple[str, ...]]:
    answers = worst_case(template)
    body = json.dumps(answers)
    signals = score(template, answers)
    label = f"{template.key} v{template.version}"
    rows = []
    for what, fn in (("score", lambda: score(template, answers)),
                     ("submit: json + clean + missing + score", lambda: submit(template, body))):
        floor_t, fn_t = best_pair(lambda: json.loads(body), fn, calls)
        rows.append((label, what, f"{fn_t * 1e3:.3f}", f"{floor_t * 1e3:.4f}",
                     f"{fn_t / floor_t:.0f}x", "yes" if fn_t * 1e3 < TARGET_MS else "NO"))
    print(f"{label}: {len(template.questions)} questions answered, {len(body):,} bytes of JSON, "
          f"{len(signals)} signals on {len({s.indicator for s in signals})} indicators")
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("template", "operation", "per call (ms)", "floor (ms)", "vs floor",
              f"< {TARGET_MS:g} ms")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print(line)
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if row is header:
            print(line)
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per sample (default 500)")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    for _key, versions in sorted(builtin().items()):
        rows += measure(versions[max(versions)], args.calls)
    print()
    print_table(rows)
    print(f"Target: scoring one submitted questionnaire in under {TARGET_MS:g} ms "
          "(the floor is json.loads of its answers).")


if __name__ == "__main__":
    main()
