"""audits.money: minor units per ISO 4217, exact conversions, refusals, per-currency totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audits.money import (
    MAX_MINOR,
    exponent,
    format_money,
    normalise_currency,
    to_major,
    to_minor,
    totals_by_currency,
)


@pytest.mark.parametrize(("currency", "exp"), [
    ("USD", 2), ("EUR", 2), ("MYR", 2), ("NPR", 2), ("INR", 2), ("THB", 2), ("CNY", 2),
    ("IDR", 2), ("HUF", 2), ("TWD", 2),  # 2 in ISO 4217, whatever local habit is
    ("JPY", 0), ("KRW", 0), ("VND", 0), ("CLP", 0), ("ISK", 0), ("UGX", 0), ("XOF", 0),
    ("XAF", 0), ("PYG", 0), ("RWF", 0),
    ("KWD", 3), ("BHD", 3), ("OMR", 3), ("JOD", 3), ("TND", 3), ("LYD", 3), ("IQD", 3),
    ("CLF", 4), ("UYW", 4),
    ("usd", 2), (" jpy ", 0),
])
def test_exponent(currency, exp):
    assert exponent(currency) == exp


@pytest.mark.parametrize(("currency", "message"), [
    ("US", "not a currency code"), ("USDT", "not a currency code"), ("U$D", "not a currency"),
    ("", "not a currency code"), ("123", "not a currency code"), (None, "not a currency code"),
    ("ÜSD", "not a currency code"),
    ("ABC", "not an ISO 4217 currency code"), ("UDS", "not an ISO 4217"),
    ("XAU", "precious metal"), ("XXX", "not money"), ("XTS", "not money"), ("XDR", "not money"),
])
def test_bad_currency_codes(currency, message):
    with pytest.raises(ValueError, match=message):
        exponent(currency)


def test_normalise_currency():
    assert normalise_currency(" npr ") == "NPR"


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    (Decimal("1500"), "USD", 150_000),
    (Decimal("1500.5"), "USD", 150_050),
    (Decimal("1500.50"), "USD", 150_050),
    (Decimal("1.500"), "USD", 150),        # trailing zeros are no decimals
    ("1500.50", "USD", 150_050),
    ("1,500.50", "USD", 150_050),
    ("1 500", "USD", 150_000),
    ("1\u00a0500,00".replace(",", "."), "EUR", 150_000),
    ("  42 ", "USD", 4_200),
    (".5", "USD", 50),
    ("7.", "USD", 700),
    ("0", "USD", 0),
    ("0.00", "USD", 0),
    (1500, "USD", 150_000),
    (0, "USD", 0),
    (1500.5, "USD", 150_050),              # a float by its shortest text
    (0.1, "USD", 10),
    (19.99, "USD", 1_999),
    (150000, "JPY", 150_000),
    ("150,000", "JPY", 150_000),
    (150000.0, "JPY", 150_000),
    ("1.5", "KWD", 1_500),
    ("1.234", "KWD", 1_234),
    ("0.0001", "CLF", 1),
    ("350000", "npr", 35_000_000),
    ("10000000000000", "USD", MAX_MINOR),   # the most
    ("1000000000000000", "JPY", MAX_MINOR),
    (Decimal("0E-100000"), "USD", 0),
    (Decimal("1E+3"), "USD", 100_000),
])
def test_to_minor(amount, currency, minor):
    assert to_minor(amount, currency) == minor
    assert type(to_minor(amount, currency)) is int


@pytest.mark.parametrize(("amount", "currency", "message"), [
    ("1.005", "USD", "1.005 USD has more decimals than USD allows (2 at most)."),
    (Decimal("1.005"), "USD", "1.005 USD has more decimals than USD allows"),
    (1.005, "USD", "has more decimals than USD allows"),
    (0.1 + 0.2, "USD", "0.30000000000000004 USD has more decimals"),
    ("1.5", "JPY", "1.5 JPY has more decimals than JPY allows (JPY has no minor unit)."),
    ("1.2345", "KWD", "(3 at most)"),
    (Decimal("1E-100000"), "USD", "has more decimals"),
    ("-5", "USD", "cannot be negative"),
    ("- 5", "USD", "cannot be negative"),
    ("-0", "USD", "cannot be negative"),  # a minus sign on a fee is refused, even on 0
    (-1, "USD", "cannot be negative"),
    (Decimal("-0.01"), "USD", "cannot be negative"),
    (-0.5, "USD", "cannot be negative"),
    ("NaN", "USD", "not an amount"),
    (Decimal("NaN"), "USD", "not an amount"),
    (Decimal("sNaN"), "USD", "not an amount"),
    (float("nan"), "USD", "not an amount"),
    (float("inf"), "USD", "not an amount"),
    (Decimal("-Infinity"), "USD", "not an amount"),
    ("Infinity", "USD", "not an amount"),
    ("1e3", "USD", "not an amount"),
    ("1,5", "USD", "not an amount"),        # a decimal comma is refused, not read as 15
    ("1.500,00", "EUR", "not an amount"),
    ("12,34,567", "INR", "not an amount"),
    ("$100", "USD", "not an amount"),
    ("100 USD", "USD", "not an amount"),
    ("", "USD", "not an amount"),
    ("=1+1", "USD", "not an amount"),
    ("１００", "USD", "not an amount"),      # full-width digits
    ("٣٥٠", "USD", "not an amount"),         # Arabic-Indic digits
    ("9" * 5000, "USD", "not an amount"),
    (True, "USD", "not True"),
    (None, "USD", "must be a number"),
    ([1], "USD", "must be a number"),
    ("10000000000000.01", "USD", "too large: the most is 10,000,000,000,000.00 USD."),
    (10**14, "USD", "too large"),
    (Decimal("1E+30"), "USD", "too large"),
    (1e300, "USD", "too large"),
    ("1000000000000001", "JPY", "too large: the most is 1,000,000,000,000,000 JPY."),
])
def test_to_minor_refuses(amount, currency, message):
    with pytest.raises(ValueError) as caught:
        to_minor(amount, currency)
    assert message in str(caught.value)
    assert len(str(caught.value)) < 200  # hostile input is not echoed whole


def test_to_minor_refuses_a_bad_currency_first():
    with pytest.raises(ValueError, match="ISO 4217"):
        to_minor("1", "ABC")


@pytest.mark.parametrize(("minor", "currency", "major"), [
    (150_000, "USD", Decimal("1500.00")), (150_050, "USD", Decimal("1500.50")),
    (150_000, "JPY", Decimal("150000")), (1_500, "KWD", Decimal("1.500")),
    (0, "USD", Decimal("0.00")),
    (MAX_MINOR, "USD", Decimal("10000000000000.00")),
    (10**40 + 1, "USD", Decimal("100000000000000000000000000000000000000.01")),  # exact
])
def test_to_major(minor, currency, major):
    assert to_major(minor, currency) == major
    assert str(to_major(minor, currency)) == str(major)


@pytest.mark.parametrize(("minor", "currency"), [(150_050, "USD"), (150_000, "JPY"),
                                                 (1_234, "KWD"), (1, "CLF"), (MAX_MINOR, "EUR")])
def test_round_trip(minor, currency):
    assert to_minor(to_major(minor, currency), currency) == minor
    assert to_minor(str(to_major(minor, currency)), currency) == minor


@pytest.mark.parametrize("minor", [1.5, "150", True, None, Decimal(1)])
def test_to_major_takes_whole_minor_units_only(minor):
    with pytest.raises(ValueError, match="whole number"):
        to_major(minor, "USD")


@pytest.mark.parametrize(("minor", "currency", "text"), [
    (150_000, "USD", "1,500.00 USD"), (150_000, "JPY", "150,000 JPY"),
    (1_500, "KWD", "1.500 KWD"), (5, "USD", "0.05 USD"), (0, "EUR", "0.00 EUR"),
    (35_000_000, "npr", "350,000.00 NPR"), (MAX_MINOR, "USD", "10,000,000,000,000.00 USD"),
    (-250, "USD", "-2.50 USD"),
])
def test_format_money(minor, currency, text):
    assert format_money(minor, currency) == text


def test_totals_never_add_different_currencies_and_are_sorted():
    totals = totals_by_currency([("USD", 500), ("NPR", 35_000_000), ("usd", 700),
                                 ("EUR", 1), ("JPY", 150_000), ("NPR", 1)])
    assert totals == {"EUR": 1, "JPY": 150_000, "NPR": 35_000_001, "USD": 1_200}
    assert list(totals) == ["EUR", "JPY", "NPR", "USD"]
    assert totals_by_currency([]) == {}
    assert totals_by_currency(iter([("USD", 0)])) == {"USD": 0}


@pytest.mark.parametrize("items", [[("USD", 1.5)], [("USD", "1")], [("USD", True)],
                                   [("ABC", 1)], [("", 1)]])
def test_totals_refuse_bad_items(items):
    with pytest.raises(ValueError):
        totals_by_currency(items)
