"""The risk method's one table of weights, thresholds and bands (pure: no Flask, no session).

Every number the method uses is here, and docs/risk-method.md prints this table. Changing
any of them changes what a score means: bump METHOD_VERSION, so scores say which method
made them.
"""

from __future__ import annotations

METHOD_VERSION = "2026.12-2"  # -2: the entity-list factor (screening)

# Bands: low below 25, medium to 50, high to 75, critical above.
BANDS: tuple[str, ...] = ("low", "medium", "high", "critical")
BAND_FLOORS: tuple[tuple[float, str], ...] = ((75.0, "critical"), (50.0, "high"),
                                              (25.0, "medium"), (0.0, "low"))

# Reference data sets the method reads, by key.
DATASETS: tuple[str, ...] = ("ilab_goods", "tip_tiers", "gsi_prevalence",
                             "gsi_vulnerability", "ituc_rights")

# --- country -----------------------------------------------------------------------------
# US TIP report, latest report year in the edition.
TIP_POINTS: dict[str, float] = {
    "Tier 3": 20.0, "Special Case": 20.0, "Tier 2 Watch List": 12.0,
    "Tier 2": 0.0, "Tier 1": 0.0, "Tier 1 or 2": 0.0,
}
# Global Slavery Index prevalence, victims per 1,000 people: (at least, points).
PREVALENCE_POINTS: tuple[tuple[float, float], ...] = (
    (10.0, 15.0), (6.0, 10.0), (3.0, 6.0), (1.5, 3.0))
# GSI 2018 vulnerability total, 0-100: (at least, points).
VULNERABILITY_POINTS: tuple[tuple[float, float], ...] = ((60.0, 8.0), (45.0, 5.0), (30.0, 2.0))
# ITUC Global Rights Index rating: points.
RIGHTS_POINTS: dict[str, float] = {"5+": 10.0, "5": 8.0, "4": 5.0, "3": 2.0, "2": 0.0, "1": 0.0}

# --- goods (ILAB List of Goods, the supplier's country) ------------------------------------
GOODS_POINTS: dict[str, float] = {
    "forced_child_labor": 30.0, "forced_labor": 30.0, "derived": 15.0, "child_labor": 15.0,
}

# --- supplier profile ----------------------------------------------------------------------
LABOUR_INTERMEDIARY_KINDS: tuple[str, ...] = ("recruitment_agency", "labour_provider")
INTERMEDIARY_POINTS = 10.0
# Share of migrant workers in the workforce: (at least, points).
MIGRANT_POINTS: tuple[tuple[float, float], ...] = ((0.5, 10.0), (0.2, 6.0), (0.0001, 2.0))

# --- questionnaire signals: the strongest submitted signal per ILO indicator -----------------
SIGNAL_POINTS: dict[str, float] = {"strong": 8.0, "moderate": 4.0, "weak": 2.0}
SIGNALS_CAP = 30.0
# No submitted questionnaire (none sent, or overdue) for a supplier whose inherent risk
# (country + goods + profile) reaches this: uncertainty, not safety.
INHERENT_HIGH = 25.0
UNCERTAINTY_POINTS = 10.0

# --- audit findings: open findings of submitted or accepted audits ---------------------------
FINDING_POINTS: dict[str, float] = {"critical": 25.0, "high": 12.0, "medium": 5.0, "low": 1.0}
# A finding naming an ILO forced-labour indicator weighs this much more.
INDICATOR_MULTIPLIER = 1.25
# Age of the audit, in days: (at most, weight). Older evidence says less about today.
FINDING_AGE_WEIGHTS: tuple[tuple[int, float], ...] = ((365, 1.0), (730, 0.75))
FINDING_AGE_FLOOR = 0.5
FINDINGS_CAP = 40.0

# --- recruitment fees: unpaid fees per worker, in months of the worker's wage ---------------
FEE_MONTHS_POINTS: tuple[tuple[float, float], ...] = (
    (6.0, 25.0), (3.0, 18.0), (1.0, 12.0), (0.0, 6.0))
# Repaid but not yet confirmed by the workers: this share of the repaid amount still counts.
UNCONFIRMED_SHARE = 0.5
# When the ledger has no monthly wage, the unpaid fee counts as this many months.
FEE_MONTHS_UNKNOWN_WAGE = 1.0
FEES_CAP = 30.0

# --- grievances (filled through the risk_inputs hook by the grievances package) -----------
GRIEVANCE_POINTS = 10.0
RETALIATION_POINTS = 20.0
GRIEVANCES_CAP = 30.0

# --- forced-labour entity lists (risk/screening: a hit a person confirmed) -----------------
# A supplier on the UFLPA Entity List (or another list a company screens against) has its
# goods presumed made with forced labour and detained at the border, whatever else is known:
# the full 100 points, so its own band is critical (BAND_FLOORS) and, through DECAY, its
# direct customers' too (80), the next tier's high (64). One listing is enough: several
# lists add no points, only evidence.
ENTITY_LIST_POINTS = 100.0

# --- through the network ---------------------------------------------------------------
# Inherited score: the highest upstream own score times DECAY per tier of distance, over
# goods and labour edges (services edges carry no labour risk).
DECAY = 0.8
INHERITING_KINDS: tuple[str, ...] = ("goods", "labour")


def band(score: float) -> str:
    for floor, name in BAND_FLOORS:
        if score >= floor:
            return name
    return "low"


def stepped(value: float, steps: tuple[tuple[float, float], ...]) -> float:
    """Points of the first (threshold, points) step that `value` reaches, else 0."""
    for threshold, points in steps:
        if value >= threshold:
            return points
    return 0.0
