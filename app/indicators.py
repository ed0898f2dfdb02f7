"""The ILO indicators of forced labour (2012), FL01-FL11: the one list every package names.

Pure module (no Flask, no database). Signals from questionnaires, audit findings and any other
source name these codes; questionnaires.definitions re-exports INDICATORS, audits.indicators
reads codes and names typed into uploads.
"""

from __future__ import annotations

__all__ = ["INDICATORS"]

# In the ILO's order; the names as the ILO writes them (DESIGN.md section 2).
INDICATORS: dict[str, str] = {
    "FL01": "Abuse of vulnerability",
    "FL02": "Deception",
    "FL03": "Restriction of movement",
    "FL04": "Isolation",
    "FL05": "Physical and sexual violence",
    "FL06": "Intimidation and threats",
    "FL07": "Retention of identity documents",
    "FL08": "Withholding of wages",
    "FL09": "Debt bondage",
    "FL10": "Abusive working and living conditions",
    "FL11": "Excessive overtime",
}
