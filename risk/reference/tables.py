"""The reference data one score reads, as plain values (pure: no Flask, no session).

`risk.reference.services.load_tables(session, org_id)` fills a `ReferenceTables` from the
current editions (the organisation's own edition of a data set, else the platform's); the
scoring modules read only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EditionRef:
    """What a score names about an edition it used."""

    id: int
    dataset: str
    edition: str
    title: str
    source: str
    retrieved_on: str | None  # ISO date
    sha256: str
    files: tuple[str, ...] = ()  # as loaded, in order


@dataclass(frozen=True)
class CountryValue:
    """One data-set row about a country: the value, and where it came from."""

    value: str | float
    row_no: int
    source_country: str
    edition_id: int
    year: int | None = None  # the report year (TIP)
    file: str | None = None  # which of the edition's files the row is in


@dataclass(frozen=True)
class GoodEntry:
    """One row of the ILAB List of Goods for a country."""

    item: str  # the good as the list writes it ("Cobalt ore (heterogenite)")
    row_no: int
    edition_id: int
    child_labor: bool
    forced_labor: bool
    forced_child_labor: bool
    derived: bool = False  # made from inputs produced with forced or child labour
    derived_country: str | None = None  # where the tainted input comes from (as written)
    file: str | None = None


@dataclass(frozen=True)
class ReferenceTables:
    editions: dict[str, EditionRef] = field(default_factory=dict)  # by dataset key
    # TIP: the edition's latest report year, and each country's tier in it. A country absent
    # from that year's Watch List / Tier 3 / Special Case lists is "Tier 1 or 2".
    tip_year: int | None = None
    tip: dict[str, CountryValue] = field(default_factory=dict)
    prevalence: dict[str, CountryValue] = field(default_factory=dict)  # per 1,000
    vulnerability: dict[str, CountryValue] = field(default_factory=dict)  # 0-100
    rights: dict[str, CountryValue] = field(default_factory=dict)  # "1".."5", "5+"
    goods: dict[str, tuple[GoodEntry, ...]] = field(default_factory=dict)  # by country
