"""Reference tables and inputs built by hand, for the pure factor and scoring tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from risk.reference.tables import CountryValue, EditionRef, GoodEntry, ReferenceTables

TODAY = date(2026, 12, 1)


def _ref(i: int, key: str, title: str) -> EditionRef:
    return EditionRef(i, key, "test", title, "hand-made", "2026-12-01", "0" * 64)


def tables() -> ReferenceTables:
    return ReferenceTables(
        editions={"tip_tiers": _ref(1, "tip_tiers", "TIP 2025"),
                  "gsi_prevalence": _ref(2, "gsi_prevalence", "GSI 2023"),
                  "gsi_vulnerability": _ref(3, "gsi_vulnerability", "GSI 2018"),
                  "ituc_rights": _ref(4, "ituc_rights", "ITUC"),
                  "ilab_goods": _ref(5, "ilab_goods", "ILAB List of Goods 2022")},
        tip_year=2025,
        tip={"MM": CountryValue("Tier 3", 10, "Burma", 1, 2025),
             "CN": CountryValue("Tier 3", 11, "China", 1, 2025),
             "MY": CountryValue("Tier 2 Watch List", 12, "Malaysia", 1, 2025)},
        prevalence={"MM": CountryValue(11.0, 20, "Myanmar", 2),
                    "CN": CountryValue(4.0, 21, "China", 2),
                    "DE": CountryValue(0.6, 22, "Germany", 2)},
        vulnerability={"MM": CountryValue(62.0, 30, "Myanmar", 3)},
        rights={"MM": CountryValue("5+", 40, "Myanmar", 4), "CN": CountryValue("5", 41, "China", 4),
                "DE": CountryValue("1", 42, "Germany", 4)},
        goods={"MM": (GoodEntry("Bricks", 50, 5, True, True, True),),
               "CN": (GoodEntry("Cotton", 51, 5, True, True, True),
                      GoodEntry("Lithium-Ion Batteries", 52, 5, False, False, False, True,
                                "Congo, Democratic Republic of the"))},
    )


@dataclass(frozen=True)
class Match:
    product: str
    entry: GoodEntry
    how: str = "exact"


def exact_match(country, products):
    """Case-insensitive equality only: the real matcher is tested in test_goods.py."""
    return [Match(p, e) for p in products for e in tables().goods.get(country, ())
            if p.casefold().rstrip("s") == e.item.casefold().rstrip("s")]


def money(minor: int, currency: str) -> str:
    return f"{minor / 100:,.2f} {currency}"
