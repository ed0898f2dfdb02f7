"""The severity crosswalk: each audit scheme's own severities -> one Tierlight severity.

Pure module (no Flask, no database). CROSSWALK below is the one table; docs/audits.md shows it
to users, and tests/audits/test_crosswalk.py checks every value in it. Matching ignores case,
spaces, hyphens and other punctuation ("Non-Compliance", "non compliance", "NONCOMPLIANCE"),
and each value has a few documented other spellings (SPELLINGS) such as "ZT" or "NC".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.indicators import INDICATORS

__all__ = [
    "CROSSWALK",
    "NOT_FINDINGS",
    "SCHEMES",
    "SEVERITIES",
    "SMETA_ESCALATION",
    "SPELLINGS",
    "UnknownSeverity",
    "normalise_scheme",
    "scheme_values",
    "tierlight_severity",
]

SCHEMES = ("SMETA", "RBA", "amfori BSCI", "SA8000", "internal", "other")
SEVERITIES = ("critical", "high", "medium", "low")  # most severe first

# scheme -> its own severity, as the scheme writes it -> the Tierlight severity.
CROSSWALK: dict[str, dict[str, str]] = {
    # Sedex SMETA: a non-compliance against the ETI Base Code or local law, or an observation.
    # A non-compliance is critical when it concerns forced labour, identity documents or child
    # labour (SMETA_ESCALATION, applied in tierlight_severity).
    "SMETA": {"Non-compliance": "high", "Observation": "low"},
    # RBA Validated Audit Process: priority, major and minor nonconformances, and the risk of
    # a nonconformance.
    "RBA": {"Priority": "critical", "Major": "high", "Minor": "medium",
            "Risk of non-conformance": "low"},
    # amfori BSCI: zero-tolerance findings, and performance-area ratings E (worst) to C. A and B
    # are good ratings, not findings (NOT_FINDINGS).
    "amfori BSCI": {"Zero Tolerance": "critical", "E": "high", "D": "medium", "C": "low"},
    # SA8000 (SAAS): critical, major and minor non-conformities.
    "SA8000": {"Critical": "critical", "Major": "high", "Minor": "medium"},
    # Audits outside a scheme are graded on Tierlight's own scale.
    "internal": {s: s for s in SEVERITIES},
    "other": {s: s for s in SEVERITIES},
}

# Other accepted spellings of a scheme value (beyond case, space and punctuation).
SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "SMETA": {"Non-compliance": ("NC", "Non-conformance", "Non-conformity"),
              "Observation": ("Obs",)},
    "RBA": {"Priority": ("Priority nonconformance", "Priority NC"),
            "Major": ("Major nonconformance", "Major NC"),
            "Minor": ("Minor nonconformance", "Minor NC"),
            "Risk of non-conformance": ("RNC",)},
    "amfori BSCI": {"Zero Tolerance": ("ZT", "Zero tolerance finding"),
                    "E": ("Rating E",), "D": ("Rating D",), "C": ("Rating C",)},
    "SA8000": {"Critical": ("Critical non-conformity", "Critical NC"),
               "Major": ("Major non-conformity", "Major NC"),
               "Minor": ("Minor non-conformity", "Minor NC")},
    "internal": {}, "other": {},
}

# Values a scheme uses for something that is not a finding: refused, saying why.
NOT_FINDINGS: dict[str, dict[str, str]] = {
    "SMETA": {"Good practice": "SMETA records a good practice as something done well",
              "Good example": "SMETA records a good example as something done well"},
    "amfori BSCI": {"A": "rating A is very good performance",
                    "B": "rating B is good performance",
                    "Rating A": "rating A is very good performance",
                    "Rating B": "rating B is good performance"},
}

# A SMETA non-compliance becomes critical when it names any forced-labour indicator (identity
# documents, FL07, among them) or concerns child labour.
SMETA_ESCALATION = ("Non-compliance", "critical")

# What normalise_scheme accepts, after _key(): the scheme's names, a variant, a former name.
_SCHEME_NAMES: dict[str, str] = {
    "smeta": "SMETA", "sedexsmeta": "SMETA", "sedex": "SMETA",
    "smeta2pillar": "SMETA", "smeta4pillar": "SMETA", "smeta2p": "SMETA", "smeta4p": "SMETA",
    "rba": "RBA", "rbavap": "RBA", "vap": "RBA", "eicc": "RBA",  # EICC: the RBA's former name
    "amfori": "amfori BSCI", "bsci": "amfori BSCI", "amforibsci": "amfori BSCI",
    "sa8000": "SA8000",
    "internal": "internal",
    "other": "other",
}
_JUNK = re.compile(r"[\W_]+")  # everything but letters and digits, in any script


def _key(text: str) -> str:
    return _JUNK.sub("", text.casefold())


def _shown(text: object, limit: int = 60) -> str:
    shown = str(text).strip()
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


# scheme -> _key(spelling) -> scheme value, built once from the two tables above.
_LOOKUP: dict[str, dict[str, str]] = {
    scheme: {
        **{_key(other): value for value, others in SPELLINGS[scheme].items() for other in others},
        **{_key(value): value for value in values},
    }
    for scheme, values in CROSSWALK.items()
}
_REFUSED: dict[str, dict[str, str]] = {
    scheme: {_key(value): reason for value, reason in reasons.items()}
    for scheme, reasons in NOT_FINDINGS.items()
}


_AN_AUDIT = {"SMETA": "a SMETA audit", "RBA": "an RBA audit", "amfori BSCI": "an amfori BSCI audit",
             "SA8000": "an SA8000 audit", "internal": "an internal audit",
             "other": "an audit of another scheme"}


class UnknownSeverity(ValueError):
    """A severity the scheme does not have; the message names the scheme and its values."""

    def __init__(self, scheme: str, value: object, reason: str | None = None) -> None:
        allowed = ", ".join(scheme_values(scheme))
        if reason:
            message = (f'"{_shown(value)}" is not a finding in {_AN_AUDIT[scheme]} ({reason}): '
                       f"leave the row out, or use one of {allowed}.")
        else:
            message = (f'Unknown severity "{_shown(value)}" for {_AN_AUDIT[scheme]}: use one '
                       f"of {allowed}.")
        super().__init__(message)
        self.scheme, self.value = scheme, value


def normalise_scheme(text: str) -> str:
    """"smeta", "SMETA 4-pillar", "amfori", "BSCI", "rba", "sa 8000" -> the SCHEMES value."""
    found = _SCHEME_NAMES.get(_key(text)) if isinstance(text, str) else None
    if found is None:
        raise ValueError(f'"{_shown(text)}" is not an audit scheme Tierlight knows; use one of '
                         f"{', '.join(SCHEMES)}.")
    return found


def scheme_values(scheme: str) -> tuple[str, ...]:
    """The scheme's own severities, most severe first, as templates and docs show them."""
    return tuple(CROSSWALK[normalise_scheme(scheme)])


def scheme_value(scheme: str, scheme_severity: object) -> str:
    """The scheme's own spelling of `scheme_severity` ("non compliance" -> "Non-compliance")."""
    scheme = normalise_scheme(scheme)
    key = _key(scheme_severity) if isinstance(scheme_severity, str) else None
    found = _LOOKUP[scheme].get(key) if key else None
    if found is None:
        raise UnknownSeverity(scheme, scheme_severity, _REFUSED.get(scheme, {}).get(key or ""))
    return found


def some_scheme_has(scheme_severity: object) -> bool:
    """Whether any scheme has this severity (in any accepted spelling): the API's format."""
    key = _key(scheme_severity) if isinstance(scheme_severity, str) else ""
    return bool(key) and any(key in table for table in _LOOKUP.values())


def tierlight_severity(scheme: str, scheme_severity: str, *, indicators: Iterable[str] = (),
                       child_labour: bool = False) -> str:
    """The Tierlight severity (critical, high, medium, low) of a scheme's severity.

    `indicators` are FL codes (FL01-FL11); any of them, or `child_labour`, makes a SMETA
    non-compliance critical. UnknownSeverity for a value the scheme does not have.
    """
    scheme = normalise_scheme(scheme)
    value = scheme_value(scheme, scheme_severity)
    codes = list(indicators)
    unknown = [c for c in codes if c not in INDICATORS]
    if unknown:  # a caller's bug (names instead of codes?): never guess
        raise ValueError(f"Unknown indicator codes {unknown!r}; known: {', '.join(INDICATORS)}")
    if scheme == "SMETA" and value == SMETA_ESCALATION[0] and (codes or child_labour):
        return SMETA_ESCALATION[1]
    return CROSSWALK[scheme][value]
