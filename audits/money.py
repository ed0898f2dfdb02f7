"""Money as integer minor units of an ISO 4217 currency: never a float, never two currencies added.

Pure module (no Flask, no database). 1,500.00 USD is stored as (150000, "USD"), 150,000 JPY as
(150000, "JPY"), 1.500 KWD as (1500, "KWD"). Documented in docs/audits.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

import pycountry

__all__ = [
    "MAX_MINOR",
    "exponent",
    "format_money",
    "normalise_currency",
    "to_major",
    "to_minor",
    "totals_by_currency",
]

MAX_MINOR = 10**15  # far above any real fee or total, well inside a 64-bit column

# ISO 4217 minor-unit exponents other than 2 (the ISO's list; IDR, HUF and TWD are 2 there).
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                     "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),  # Chilean and Uruguayan units of account
}
# ISO 4217 codes that are not money a worker pays or is repaid in: precious metals, IMF and
# other units of account, bond-market units, the testing code and "no currency".
_NOT_MONEY = frozenset({"XAD", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT",
                        "XSU", "XTS", "XUA", "XXX"})
_CODE = re.compile(r"[A-Z]{3}")
# "1500", "1500.5", "1,500.50", "1 500", ".5"; a separator only between groups of three digits,
# so "1,5" is refused rather than read as 15. ASCII digits only: Arabic-Indic or full-width
# digits are refused rather than guessed at.
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:[,\u00a0\u202f ][0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+")
_GROUPS = re.compile(r"[,\u00a0\u202f ]")
_EXAMPLE = 'a number such as "1500.50"'


@cache
def _iso_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _shown(value: object, limit: int = 30) -> str:
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def normalise_currency(currency: str) -> str:
    """"usd", " USD " -> "USD"; ValueError unless it is an ISO 4217 currency code."""
    code = currency.strip().upper() if isinstance(currency, str) else ""
    if not _CODE.fullmatch(code):
        raise ValueError(f'"{_shown(currency)}" is not a currency code: use three letters '
                         'from ISO 4217, such as "USD", "MYR" or "NPR".')
    if code not in _iso_codes():
        raise ValueError(f'"{code}" is not an ISO 4217 currency code (such as "USD", "MYR" '
                         'or "NPR").')
    if code in _NOT_MONEY:
        raise ValueError(f'"{code}" is a precious metal, fund or unit of account, not money '
                         "paid to or by workers: use the currency the money was paid in.")
    return code


def exponent(currency: str) -> int:
    """Digits after the decimal point (ISO 4217): 2 for USD, 0 for JPY, 3 for KWD."""
    return _EXPONENTS.get(normalise_currency(currency), 2)


def _decimal(amount: object) -> tuple[Decimal, str]:
    """The amount as an exact Decimal, and how to show it in a message."""
    if isinstance(amount, bool):
        raise ValueError(f"An amount must be {_EXAMPLE}, not {amount}.")
    if isinstance(amount, int):
        return Decimal(amount), str(amount)
    if isinstance(amount, float):
        if not math.isfinite(amount):
            raise ValueError(f'"{amount}" is not an amount: use {_EXAMPLE}.')
        # repr is the shortest text that reads back as this float: 0.1 is "0.1", not the
        # 0.1000000000000000055... the binary value holds, so nothing is rounded here.
        return Decimal(repr(amount)), repr(amount)
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError(f'"{amount}" is not an amount: use {_EXAMPLE}.')
        return amount, str(amount)
    if isinstance(amount, str):
        text = amount.strip()
        if text.startswith("-") and _AMOUNT.fullmatch(text[1:].strip()):
            raise ValueError(f"An amount cannot be negative (got {_shown(text)}).")
        if len(text) > 40 or not _AMOUNT.fullmatch(text):
            raise ValueError(f'"{_shown(text)}" is not an amount: use {_EXAMPLE}.')
        return Decimal(_GROUPS.sub("", text)), text
    raise ValueError(f"An amount must be {_EXAMPLE}.")


def to_minor(amount: object, currency: str) -> int:
    """Major units (Decimal, int, str, or float read by its shortest text) -> minor units.

    ValueError for a negative, NaN or infinite amount, one with more decimals than the currency
    has ("1.005 USD has more decimals than USD allows"), or one above MAX_MINOR minor units.
    """
    code = normalise_currency(currency)
    exp = exponent(code)
    value, shown = _decimal(amount)
    if value < 0:
        raise ValueError(f"An amount cannot be negative (got {_shown(shown)}).")
    if value > Decimal(f"{MAX_MINOR}E-{exp}"):  # Decimal comparison is exact
        raise ValueError(f"{_shown(shown)} {code} is too large: the most is "
                         f"{format_money(MAX_MINOR, code)}.")
    _, digits, exp10 = value.as_tuple()
    if not any(digits):
        return 0
    numbers = list(digits)
    assert isinstance(exp10, int)  # finite, checked above
    while exp10 < 0 and numbers[-1] == 0:  # "1.500" USD is 1.5: trailing zeros are no decimals
        numbers.pop()
        exp10 += 1
    if exp10 + exp < 0:
        allows = f"{exp} at most" if exp else f"{code} has no minor unit"
        raise ValueError(f"{_shown(shown)} {code} has more decimals than {code} allows "
                         f"({allows}).")
    return int("".join(map(str, numbers))) * 10 ** (exp10 + exp)


def to_major(minor: int, currency: str) -> Decimal:
    """Minor units -> an exact Decimal in major units, with the currency's decimals."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise ValueError("Minor units are a whole number.")
    return Decimal(f"{minor}E-{exponent(currency)}")  # exact: no context rounding


def format_money(minor: int, currency: str) -> str:
    """"1,500.00 USD", "150,000 JPY", "1.500 KWD"."""
    code = normalise_currency(currency)
    return f"{to_major(minor, code):,.{exponent(code)}f} {code}"


def totals_by_currency(items: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum minor units per currency, sorted by currency: different currencies are never added."""
    totals: dict[str, int] = {}
    for currency, minor in items:
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise ValueError("Minor units are a whole number.")
        code = normalise_currency(currency)
        totals[code] = totals.get(code, 0) + minor
    return dict(sorted(totals.items()))
