"""From factors to a score and a band, and what would lower it (pure module).

own score = the sum of the supplier's factor points, capped at 100;
score     = max(own score, inherited score), where the inherited score is the highest own
            score upstream times DECAY per tier of distance (risk.propagation).
Scores are rounded to one decimal, so the same inputs give the same stored number on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from risk import weights as W
from risk.factors import Factor

__all__ = ["Scored", "factor_json", "own_score", "total"]


def _round(value: float) -> float:
    return round(min(100.0, max(0.0, value)) + 1e-9, 1)


def own_score(factors: list[Factor]) -> float:
    return _round(sum(f.points for f in factors))


def total(own: float, inherited: float) -> float:
    return _round(max(own, inherited))


@dataclass(frozen=True)
class Scored:
    score: float
    band: str
    own: float
    inherited: float


def scored(factors: list[Factor], inherited: float) -> Scored:
    own = own_score(factors)
    score = total(own, inherited)
    return Scored(score=score, band=W.band(score), own=own, inherited=_round(inherited))


def factor_json(factors: list[Factor], inherited: float) -> list[dict[str, Any]]:
    """Factors as stored and served, each with how far the score would drop without it."""
    base = total(own_score(factors), inherited)
    out = []
    for f in factors:
        without = total(own_score([g for g in factors if g is not f]), inherited)
        drop = round(base - without, 1)
        out.append({"code": f.code, "label": f.label, "points": round(f.points, 1),
                    "evidence": list(f.evidence), "lower": f.lower,
                    "lowers_by": drop if f.lower and drop > 0 else None})
    return out
