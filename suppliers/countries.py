"""Country normalisation: whatever people type in a spreadsheet -> ISO 3166-1 alpha-2.

Suppliers arrive with "CN", "CHN", "China", "People's Republic of China", "Viet Nam", "Türkiye",
"UAE"... We store the alpha-2 code only, so risk data keyed by country joins reliably.
Lookup tables are built once, on first use (pycountry loads its JSON lazily and it costs ~20 ms).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

# COUNTRY_CHOICES is also importable: a lazy module attribute, see __getattr__ at the end.
__all__ = ["UnknownCountry", "country_choices", "country_name", "normalise_country"]


class UnknownCountry(ValueError):
    """The value matches no country code, name or known alias."""

    def __init__(self, value: object) -> None:
        shown = str(value).strip()
        if len(shown) > 80:
            shown = shown[:77] + "..."
        self.value = value
        super().__init__(
            f'Unknown country "{shown}": use an ISO code such as "CN" or an English name.'
        )


# Kosovo has no ISO 3166-1 code yet; "XK" is the user-assigned code used by the EU, the World
# Bank and most risk data sets, so we accept it as a real country.
_EXTRA_COUNTRIES = {"XK": ("XKX", "Kosovo")}

# Names people actually write that pycountry does not know (or that are ambiguous there).
# Keys are normalised with _key(), so case, accents, dots and apostrophes do not matter.
_ALIASES: dict[str, str] = {
    "USA": "US", "U.S.A.": "US", "U.S.": "US", "United States of America": "US",
    "America": "US", "US of A": "US", "United States": "US",
    "UAE": "AE", "U.A.E.": "AE", "Emirates": "AE", "Dubai": "AE", "Abu Dhabi": "AE",
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Vietnam": "VN", "Viet Nam": "VN",
    "Turkey": "TR", "Türkiye": "TR", "Turkiye": "TR",
    "Burma": "MM", "Myanmar": "MM",
    "Taiwan": "TW", "Chinese Taipei": "TW",
    "South Korea": "KR", "Korea": "KR", "Republic of Korea": "KR", "Korea South": "KR",
    "Korea Republic": "KR", "Korea Rep": "KR",
    "North Korea": "KP", "DPRK": "KP", "Korea North": "KP", "Korea DPR": "KP",
    "Ivory Coast": "CI", "Côte d'Ivoire": "CI", "Cote d'Ivoire": "CI", "Cote d Ivoire": "CI",
    "Russia": "RU", "Russian Federation": "RU",
    "Iran": "IR", "Syria": "SY", "Laos": "LA", "Lao PDR": "LA", "Bolivia": "BO",
    "Tanzania": "TZ", "Venezuela": "VE", "Moldova": "MD",
    "Czech Republic": "CZ", "Czechia": "CZ",
    "Macedonia": "MK", "North Macedonia": "MK", "FYROM": "MK",
    "Republic of Macedonia": "MK",
    "Swaziland": "SZ", "Eswatini": "SZ",
    "Cape Verde": "CV", "Cabo Verde": "CV",
    "Holland": "NL", "Netherlands": "NL",
    "Hong Kong": "HK", "Hong Kong SAR": "HK", "Hong Kong China": "HK",
    "Macau": "MO", "Macao": "MO", "Macau SAR": "MO", "Macao SAR": "MO",
    "Palestine": "PS", "Palestinian Territories": "PS", "Occupied Palestinian Territory": "PS",
    "West Bank": "PS", "Gaza": "PS",
    "Kosovo": "XK",
    "DR Congo": "CD", "DRC": "CD", "D.R.C.": "CD", "Congo-Kinshasa": "CD", "Congo Kinshasa": "CD",
    "Democratic Republic of Congo": "CD", "Democratic Republic of the Congo": "CD",
    "Congo DR": "CD", "Congo Dem Rep": "CD", "Zaire": "CD",
    "Congo-Brazzaville": "CG", "Congo Brazzaville": "CG", "Republic of Congo": "CG",
    "Republic of the Congo": "CG", "Congo Rep": "CG",
    "PRC": "CN", "P.R.C.": "CN", "Mainland China": "CN", "China PRC": "CN",
    "Brunei": "BN", "Micronesia": "FM", "Vatican": "VA", "Vatican City": "VA",
    "East Timor": "TL", "Timor Leste": "TL",
    "Saint Kitts": "KN", "Saint Vincent": "VC", "Sao Tome": "ST", "Bahamas": "BS",
    "Gambia": "GM", "Falklands": "FK", "Falkland Islands": "FK",
    "Curacao": "CW", "Reunion": "RE", "Bosnia": "BA", "Bosnia-Herzegovina": "BA",
    "Trinidad": "TT", "Antigua": "AG", "St Maarten": "SX", "Sint Maarten": "SX",
    "Saint Martin": "MF", "Kyrgyzstan": "KG", "Kirghizia": "KG",
    "Ceylon": "LK", "Persia": "IR", "Siam": "TH",
}

# Display names where pycountry's `name` reads like an index entry ("Korea, Republic of").
_DISPLAY_OVERRIDES = {
    "RU": "Russia", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "BN": "Brunei", "VA": "Vatican City", "PS": "Palestine", "FM": "Micronesia",
    "XK": "Kosovo", "VG": "British Virgin Islands", "VI": "US Virgin Islands",
}

_DROP = re.compile(r"[.'\u2019\u2018`\u00b4]")       # "U.S.A." -> "usa", "d'Ivoire" -> "divoire"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINT = re.compile(r"\bst\b")


def _key(text: str) -> str:
    """Comparison key: accent-, case-, punctuation- and spacing-insensitive."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DROP.sub("", text.casefold().replace("&", " and "))
    text = _NON_ALNUM.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return _SAINT.sub("saint", text)


def _derived_names(name: str) -> list[str]:
    """Forms derived from index-style names: "Korea, Republic of" -> "Republic of Korea"."""
    out = []
    base = name.split(" (")[0]                   # "Holy See (Vatican City State)" -> "Holy See"
    if base != name:
        out.append(base)
    if ", " in base:
        head, tail = base.split(", ", 1)
        out += [f"{tail} {head}", head]
    return out


def _add_tier(table: dict[str, str], pairs: list[tuple[str, str]]) -> None:
    """Add (name, code) pairs; a key claimed by two different codes in one tier is dropped,
    so "Virgin Islands" (British or U.S.?) or "Korea" (North or South?) never guesses."""
    tier: dict[str, str] = {}
    ambiguous: set[str] = set()
    for name, code in pairs:
        key = _key(name)
        if not key:
            continue
        if tier.get(key, code) != code:
            ambiguous.add(key)
        tier[key] = code
    for key in ambiguous:
        del tier[key]
    table.update(tier)                           # later tiers (more deliberate) override


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(lookup key -> alpha-2, alpha-2 -> display name), built once."""
    derived: list[tuple[str, str]] = []
    real: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        official = getattr(c, "official_name", None)
        common = getattr(c, "common_name", None)
        for name in (c.name, official, common):
            if name:
                real.append((name, code))
                derived += [(d, code) for d in _derived_names(name)]
        real += [(code, code), (c.alpha_3, code)]
        names[code] = _DISPLAY_OVERRIDES.get(code) or common or c.name
    for code, (alpha_3, name) in _EXTRA_COUNTRIES.items():
        real += [(code, code), (alpha_3, code), (name, code)]
        names[code] = name
    lookup: dict[str, str] = {}
    _add_tier(lookup, derived)
    _add_tier(lookup, real)
    _add_tier(lookup, list(_ALIASES.items()))
    return lookup, names


@lru_cache(maxsize=4096)
def normalise_country(value: str) -> str:
    """ISO 3166-1 alpha-2 code (upper case) for a code, name or alias; raises UnknownCountry."""
    if not isinstance(value, str):
        raise UnknownCountry(value)
    code = _tables()[0].get(_key(value))
    if code is None:
        raise UnknownCountry(value)
    return code


def country_name(code: str) -> str:
    """Display name for an alpha-2 code ("TW" -> "Taiwan"); unknown codes are returned as given."""
    return _tables()[1].get(code.upper(), code) if isinstance(code, str) else str(code)


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    """[(code, name)] sorted by name, accent-insensitively, for select boxes."""
    return sorted(_tables()[1].items(), key=lambda item: _key(item[1]))


def __getattr__(name: str) -> list[tuple[str, str]]:
    # COUNTRY_CHOICES is a lazy module attribute (PEP 562) so importing this module stays cheap.
    if name == "COUNTRY_CHOICES":
        return country_choices()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
