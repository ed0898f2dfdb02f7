"""Countries the risk benchmark sources from, and stand-in reference tables.

The stand-in is used only while risk.reference.services.load_tables returns no editions (the
placeholder before the reference-data branch lands): without it every country and goods
factor would be missing and the benchmark would time a recompute that skips the matcher.
Its values are rounded from the shipped data sets (TIP 2025, GSI 2023 and 2018, ITUC, ILAB
2022 goods for these countries); the benchmark says which tables it used.
"""

from __future__ import annotations

from risk.reference.tables import CountryValue, EditionRef, GoodEntry, ReferenceTables

# (ISO code, share of suppliers): weighted to where apparel and electronics are sourced.
COUNTRY_WEIGHTS = [("CN", 20), ("IN", 12), ("BD", 10), ("VN", 10), ("MY", 6), ("MM", 3),
                   ("PK", 5), ("ID", 5), ("TH", 4), ("KH", 3), ("TR", 4), ("NP", 2),
                   ("DE", 5), ("US", 5), ("IT", 2), ("BR", 2), ("MX", 2)]

# code: (TIP tier or None for Tier 1 or 2, prevalence per 1,000, vulnerability, ITUC rating)
COUNTRIES = {"CN": ("Tier 3", 4.0, 40.0, "5"), "IN": (None, 8.0, 56.0, "5"),
             "BD": (None, 7.1, 55.0, "5"), "VN": ("Tier 2 Watch List", 4.1, 40.0, "4"),
             "MY": ("Tier 2 Watch List", 6.3, 35.0, "4"), "MM": ("Tier 3", 11.0, 64.0, "5+"),
             "PK": (None, 10.6, 60.0, "5"), "ID": (None, 6.7, 45.0, "5"),
             "TH": (None, 5.7, 38.0, "4"), "KH": ("Tier 2 Watch List", 5.0, 52.0, "4"),
             "TR": (None, 15.6, 45.0, "5"), "NP": (None, 7.0, 50.0, "3"),
             "DE": (None, 0.6, 10.0, "1"), "US": (None, 3.3, 15.0, "4"),
             "IT": (None, 3.3, 20.0, "1"), "BR": (None, 5.0, 40.0, "5"),
             "MX": (None, 5.1, 44.0, "4")}

# ILAB 2022 entries for these countries: (good, flags) with flags a string of
# c (child labour), f (forced labour), x (forced child labour), d (derived).
GOODS = {
    "CN": "Artificial Flowers:f Bricks:cfx Christmas Decorations:f Coal:f Cotton:cfx "
          "Electronics:cfx Fireworks:cf Fish:f Footwear:f Garments:f Gloves:f "
          "Hair Products:f Lithium-Ion Batteries:d Nails:f Polysilicon:f Solar Cells:d "
          "Solar Modules:d Textiles:cf Thread/Yarn:f Tomato Products:f Toys:cfx",
    "MM": "Bamboo:cfx Bricks:cfx Garments:c Jade:cf Rice:cfx Rubber:cfx Rubies:cf "
          "Sesame:f Shrimp:f Sugarcane:cfx Teak:cfx",
    "MY": "Electronics:f Garments:f Palm Fruit:cf Rubber Gloves:f",
    "BD": "Bricks:c Dried Fish:cfx Footwear:c Garments:cf Glass:c Leather:c Shrimp:c "
          "Textiles:c",
    "IN": "Bricks:cfx Carpets:cf Cotton:c Garments:cfx Rice:cfx Stones:cfx Sugarcane:c "
          "Tea:f Thread/Yarn:cf Footwear:c",
    "VN": "Bricks:c Fish:c Footwear:c Garments:cfx Leather:c Rice:c Rubber:c Tea:c "
          "Textiles:c",
    "PK": "Bricks:cfx Carpets:cfx Coal:cfx Cotton:f Electronics:c Garments:c Leather:c "
          "Rice:c Sugarcane:f Textiles:c",
    "ID": "Fish:cf Gold:c Palm Fruit:c Rubber:c",
    "TH": "Fish:f Garments:cfx Shrimp:cfx Sugarcane:c",
    "KH": "Bricks:cf Fish:c Rubber:c Shrimp:c Textiles:c",
    "NP": "Bricks:cfx Carpets:cfx Stones:cfx",
    "BR": "Bricks:c Cotton:c Garments:f Coffee:cf",
    "MX": "Garments:c Tomatoes:cf",
}


def _ref(i: int, key: str, title: str) -> EditionRef:
    return EditionRef(i, key, "bench", title, "bench/risk_tables.py", None, "0" * 64)


def stand_in() -> ReferenceTables:
    tip, prevalence, vulnerability, rights, goods = {}, {}, {}, {}, {}
    for row, (code, (tier, prev, vuln, ituc)) in enumerate(sorted(COUNTRIES.items()), 1):
        if tier:
            tip[code] = CountryValue(tier, row, code, 1, 2025)
        prevalence[code] = CountryValue(prev, row, code, 2)
        vulnerability[code] = CountryValue(vuln, row, code, 3)
        rights[code] = CountryValue(ituc, row, code, 4)
    row = 0
    for code, text in GOODS.items():
        goods[code] = tuple(_entries(code, text, row))
        row += len(goods[code])
    return ReferenceTables(
        editions={"tip_tiers": _ref(1, "tip_tiers", "TIP report 2025 (bench stand-in)"),
                  "gsi_prevalence": _ref(2, "gsi_prevalence", "GSI 2023 (bench stand-in)"),
                  "gsi_vulnerability": _ref(3, "gsi_vulnerability", "GSI 2018 (stand-in)"),
                  "ituc_rights": _ref(4, "ituc_rights", "ITUC (bench stand-in)"),
                  "ilab_goods": _ref(5, "ilab_goods", "ILAB goods 2022 (bench stand-in)")},
        tip_year=2025, tip=tip, prevalence=prevalence, vulnerability=vulnerability,
        rights=rights, goods=goods)


def _entries(code: str, text: str, first_row: int) -> list[GoodEntry]:
    """'Rubber Gloves:f Tea:cf' -> entries (goods names may hold spaces, flags never do)."""
    out, name = [], []
    for word in text.split(" "):
        if ":" not in word:
            name.append(word)
            continue
        head, flags = word.rsplit(":", 1)
        name.append(head)
        out.append(GoodEntry(" ".join(name), first_row + len(out) + 1, 5, "c" in flags,
                             "f" in flags, "x" in flags, "d" in flags,
                             code if "d" in flags else None))
        name = []
    return out
