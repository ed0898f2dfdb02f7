"""Reading one cell of a reference data set: text, Yes/No, numbers, years, TIP tiers and ITUC
ratings, each refused with a message naming what is wrong (pure). Used by parsers.py."""

from __future__ import annotations

import math
import re

MAX_TEXT = 200  # ReferenceRow.item and source_country hold 200 characters

TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
_TIER_SPELLINGS = {
    "tier 1": "Tier 1", "1": "Tier 1", "tier 2": "Tier 2", "2": "Tier 2",
    "tier 2 watch list": "Tier 2 Watch List", "tier 2 watchlist": "Tier 2 Watch List",
    "watch list": "Tier 2 Watch List", "watchlist": "Tier 2 Watch List",
    "tier 2 wl": "Tier 2 Watch List", "2wl": "Tier 2 Watch List",
    "tier 3": "Tier 3", "3": "Tier 3", "special case": "Special Case",
}
RATINGS = ("1", "2", "3", "4", "5", "5+")
FIRST_TIP_YEAR, LAST_YEAR = 2001, 2100
# The range each value may take: prevalence per 1,000 people; vulnerability 0-100 (the GSI
# 2018 file writes its extremes as 100.00000000000024 and 0.9999999999999755: float noise).
VALUE_RANGES = {"gsi_prevalence": (0.0, 1000.0), "gsi_vulnerability": (0.0, 100.000001)}

_YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0"})
_FORMULA = re.compile(r"^(?:[=+@\t\r]|-[^\d.\s])")
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$")
_KEY_JUNK = re.compile(r"[^0-9a-z+]+")
_WHOLE_RATING = re.compile(r"^([1-5])\.0+$")


class Bad(Exception):
    """A cell's problem: the column (canonical name) and a message for the user."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def shown(value: object) -> str:
    text = str(value)
    return f'"{text[:57]}..."' if len(text) > 60 else f'"{text}"'


def as_text(value: object, column: str, *, limit: int = MAX_TEXT) -> str:
    """A cell as clean text: control characters dropped; formulas and markup refused."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub("", str(value)).strip()
    if _FORMULA.match(text):
        raise Bad(column, f"{shown(text)} starts like a spreadsheet formula; write the "
                          "text itself")
    if _MARKUP.search(text):
        raise Bad(column, f"{shown(text)} contains markup (<...>); write plain text")
    if len(text) > limit:
        raise Bad(column, f"is {len(text):,} characters long; the most is {limit}")
    return text


def flag(value: object, column: str, *, required: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = as_text(value, column).casefold()
    if not text:
        if required:
            raise Bad(column, "is blank: write Yes or No")
        return False
    if text in _YES:
        return True
    if text in NO:
        return False
    raise Bad(column, f"{shown(text)} is not Yes or No")


def number(value: object, column: str, low: float, high: float) -> float:
    if isinstance(value, bool):
        raise Bad(column, f"{shown(value)} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = as_text(value, column)
        if not _NUMBER.match(text):
            raise Bad(column, f"{shown(text)} is not a number (use a point for decimals, "
                              "no thousands separators)")
        number = float(text)
    if not math.isfinite(number) or not low <= number <= high:
        raise Bad(column, f"{shown(value)} is outside {low:g} to {round(high):g}")
    return number


def year(value: object, column: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = as_text(value, column)
    if not text.isascii() or not text.isdigit() or not FIRST_TIP_YEAR <= int(text) <= LAST_YEAR:
        raise Bad(column, f"{shown(text)} is not a report year ({FIRST_TIP_YEAR} or later)"
                   if text else "is blank: write the report year")
    return int(text)


def tier(value: object, column: str) -> str:
    text = as_text(value, column)
    tier = _TIER_SPELLINGS.get(_KEY_JUNK.sub(" ", text.casefold()).strip())
    if tier is None:
        raise Bad(column, f"{shown(text)} is not a TIP tier (one of {', '.join(TIERS)})"
                   if text else "is blank: write the tier")
    return tier


def rating(value: object, column: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _WHOLE_RATING.sub(r"\1", as_text(value, column).replace(" ", ""))  # "4.0" is 4
    if text not in RATINGS:
        raise Bad(column, f"{shown(text)} is not an ITUC rating (one of {', '.join(RATINGS)})"
                   if text else "is blank: write the rating")
    return text
