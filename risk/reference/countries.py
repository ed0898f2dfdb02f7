"""Country names as the reference data sets write them -> ISO 3166-1 alpha-2 (pure).

Each source spells countries its own way: ILAB writes "Congo, Democratic Republic of the" and
"Turkey (Türkiye)", the TIP report "Burma" and "Democratic People's Republic of Korea", the
Kelley data "Macedonia, the former Yugoslav Republic of" with the ISO3 code "KOS" for Kosovo,
the Global Slavery Index "Taiwan, China", the ITUC dashboard "Congo (Republic of)". A score
that joins a Burmese supplier ("MM") to nothing because the list says "Burma" is silently
wrong, so the spellings are matched by an explicit table first (SOURCE_NAMES, tested entry by
entry and against every row of every shipped file), then by the suppliers' general matcher.
A name that neither knows is an error, never a guess.
"""

from __future__ import annotations

import re
import unicodedata

from suppliers.countries import UnknownCountry, normalise_country

__all__ = ["AGGREGATES", "ISO3_EXTRA", "SOURCE_NAMES", "UnknownCountry", "is_aggregate",
           "match_country", "match_iso3"]

MAX_NAME = 200  # longer than any country name; longer input is refused, not searched

# Spellings of the reference sources (and their neighbours in other public data sets, such as
# the World Bank's "Korea, Dem. People's Rep."). Keys are compared with _key(): case, accents,
# apostrophes and punctuation do not matter.
SOURCE_NAMES: dict[str, str] = {
    # Burma / Myanmar: the US government (ILAB, TIP) writes Burma.
    "Burma": "MM", "Myanmar": "MM", "Myanmar (Burma)": "MM", "Burma (Myanmar)": "MM",
    # Türkiye / Turkey: ILAB 2022 writes both at once.
    "Turkey (Türkiye)": "TR", "Türkiye (Turkey)": "TR", "Türkiye": "TR", "Turkey": "TR",
    # The two Congos: the Democratic Republic (Kinshasa, CD) and the Republic (Brazzaville, CG).
    "Congo, Democratic Republic of the": "CD", "Congo, Democratic Republic of the (DRC)": "CD",
    "Congo, the Democratic Republic of the": "CD", "Congo (Democratic Republic of)": "CD",
    "Congo (Democratic Republic of the)": "CD", "Democratic Republic of the Congo": "CD",
    "Democratic Republic of Congo": "CD", "Congo (Kinshasa)": "CD", "Congo, Dem. Rep.": "CD",
    "DRC": "CD", "DR Congo": "CD",
    "Congo, Republic of the": "CG", "Congo, Republic of": "CG", "Congo (Republic of)": "CG",
    "Congo (Republic of the)": "CG", "Republic of the Congo": "CG", "Republic of Congo": "CG",
    "Congo (Brazzaville)": "CG", "Congo, Rep.": "CG",
    # "Congo" alone is the ISO short name of the Republic (CG); the Kelley data uses it so,
    # with ISO3 COG beside it (the parser checks the two agree).
    "Congo": "CG",
    # The two Koreas.
    "Korea, Democratic People's Republic of": "KP", "Democratic People's Republic of Korea": "KP",
    "Korea (Democratic People's Republic of)": "KP", "Korea, Dem. People's Rep.": "KP",
    "Korea, North": "KP", "North Korea": "KP", "DPRK": "KP",
    "Korea, Republic of": "KR", "Korea (Republic of)": "KR", "Republic of Korea": "KR",
    "Korea, Rep.": "KR", "Korea, South": "KR", "South Korea": "KR",
    # Kyrgyzstan: ILAB writes Kyrgyz Republic.
    "Kyrgyz Republic": "KG", "Kyrgyzstan": "KG",
    # Territories the sources list on their own.
    "Hong Kong": "HK", "Hong Kong, China": "HK", "Hong Kong SAR": "HK",
    "Hong Kong SAR, China": "HK", "Hong Kong (China)": "HK",
    "Macau": "MO", "Macao": "MO", "Macau SAR": "MO", "Macao SAR, China": "MO",
    "Macau, China": "MO", "Macao, China": "MO",
    "Taiwan": "TW", "Taiwan, China": "TW", "Taiwan, Province of China": "TW",
    "Chinese Taipei": "TW",
    # Kosovo: no ISO 3166-1 code; XK is the code the EU, the World Bank and the risk data use.
    "Kosovo": "XK",
    "West Bank and Gaza": "PS", "West Bank and Gaza Strip": "PS", "West Bank": "PS",
    "Gaza Strip": "PS", "Gaza": "PS", "Palestine": "PS", "Palestine, State of": "PS",
    "State of Palestine": "PS", "Palestinian Territories": "PS",
    "Curaçao": "CW", "Curacao": "CW",
    "Sint Maarten": "SX", "Sint Maarten (Dutch part)": "SX",
    "Aruba": "AW",
    # Renamed countries and index-style names.
    "Macedonia, the former Yugoslav Republic of": "MK", "North Macedonia": "MK",
    "Macedonia": "MK",
    "Swaziland": "SZ", "Eswatini": "SZ",
    "Cape Verde": "CV", "Cabo Verde": "CV",
    "Côte d'Ivoire": "CI", "Cote d'Ivoire": "CI", "Ivory Coast": "CI",
    "Timor-Leste": "TL", "East Timor": "TL",
    "The Gambia": "GM", "Gambia, The": "GM", "Gambia": "GM",
    "The Bahamas": "BS", "Bahamas, The": "BS", "Bahamas": "BS",
    "Lao People's Democratic Republic": "LA", "Lao PDR": "LA", "Laos": "LA",
    "Brunei Darussalam": "BN", "Brunei": "BN",
    "Russian Federation": "RU", "Russia": "RU",
    "Viet Nam": "VN", "Vietnam": "VN",
    "Syrian Arab Republic": "SY", "Syria": "SY",
    "Iran, Islamic Republic of": "IR", "Iran, Islamic Rep.": "IR", "Iran": "IR",
    "Bolivia, Plurinational State of": "BO", "Bolivia": "BO",
    "Venezuela, Bolivarian Republic of": "VE", "Venezuela, RB": "VE", "Venezuela": "VE",
    "Tanzania, United Republic of": "TZ", "Tanzania": "TZ",
    "Moldova, Republic of": "MD", "Moldova": "MD",
    "Micronesia, Federated States of": "FM", "Micronesia, Fed. Sts.": "FM",
    "Egypt, Arab Rep.": "EG", "Yemen, Rep.": "YE",
    "Czech Republic": "CZ", "Slovak Republic": "SK",
    "People's Republic of China": "CN", "China, People's Republic of": "CN", "China": "CN",
    "United States of America": "US", "United States": "US",
    "United Kingdom": "GB",
    "Holy See": "VA", "Vatican": "VA",
}

# ISO3 codes in the sources that ISO 3166-1 does not have.
ISO3_EXTRA: dict[str, str] = {"KOS": "XK", "XKX": "XK"}

# Rows that total or group countries, skipped (never matched): the factbook's "world" entry,
# regional totals some exports append.
AGGREGATES: frozenset[str] = frozenset({
    "world", "global", "total", "all countries", "average", "africa", "americas", "asia",
    "asia and the pacific", "europe", "europe and central asia", "arab states",
    "sub saharan africa", "middle east and north africa", "latin america and the caribbean",
})

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    return _NON_ALNUM.sub(" ", text).strip()


_TABLE: dict[str, str] = {_key(name): code for name, code in SOURCE_NAMES.items()}
_AGGREGATE_KEYS = frozenset(_key(a) for a in AGGREGATES)


def _check(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise UnknownCountry(value)
    return value


def match_country(name: object) -> str:
    """ISO alpha-2 for a source's country name (or code); raises UnknownCountry."""
    text = _check(name)
    code = _TABLE.get(_key(text))
    if code is not None:
        return code
    return normalise_country(text.strip())


def match_iso3(code: object) -> str:
    """ISO alpha-2 for an ISO 3166-1 alpha-3 code ("CHN" -> "CN", "KOS" -> "XK")."""
    text = _check(code).strip().upper()
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        raise UnknownCountry(code)
    if text in ISO3_EXTRA:
        return ISO3_EXTRA[text]
    found = normalise_country(text)  # pycountry's alpha-3 codes are in its table
    return found


def is_aggregate(name: object) -> bool:
    """A world or regional total, not a country."""
    return isinstance(name, str) and _key(name) in _AGGREGATE_KEYS
