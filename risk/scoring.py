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

__all__ = ["Scored", "factor_entry", "factor_json", "lowers_by", "own_score", "scored", "total"]


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


def scored(factors: list[Factor], inherited: float, *, own: float | None = None) -> Scored:
    """`own`, when given, is own_score(factors) already worked out (a recompute has it)."""
    own = own_score(factors) if own is None else own
    score = total(own, inherited)
    return Scored(score=score, band=W.band(score), own=own, inherited=_round(inherited))


def lowers_by(factors: list[Factor], inherited: float) -> list[float | None]:
    """Per factor, how far the score would drop without it; None for factors that do not
    say what would lower them (only those show it) and where it would not drop."""
    for f in factors:
        if f.lower:
            break
    else:  # most suppliers: nothing the buyer does lowers their factors
        return [None] * len(factors)
    # Sums run over the same points in the same order as own_score's.
    points = [f.points for f in factors]
    base = total(_round(sum(points)), inherited)
    out: list[float | None] = []
    for f in factors:
        drop = None
        if f.lower:
            without = total(_round(sum([p for g, p in zip(factors, points, strict=True)
                                        if g is not f])), inherited)
            drop = round(base - without, 1)
        out.append(drop if drop is not None and drop > 0 else None)
    return out


def factor_entry(f: Factor, lowers: float | None) -> dict[str, Any]:
    """One factor as stored and served."""
    return {"code": f.code, "label": f.label, "points": round(f.points, 1),
            "evidence": list(f.evidence), "lower": f.lower, "lowers_by": lowers}


def factor_json(factors: list[Factor], inherited: float) -> list[dict[str, Any]]:
    """Factors as stored and served, each with how far the score would drop without it."""
    return [factor_entry(f, d) for f, d in zip(factors, lowers_by(factors, inherited),
                                                strict=True)]
