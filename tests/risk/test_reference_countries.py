"""Country names of the reference sources -> ISO codes: the explicit table entry by entry, and
every row of every shipped file (a name that matched nothing would silently drop a country's
risk, so an unmatched row fails here, unless it is in the commented skip list)."""

from __future__ import annotations

import csv
import io

import pytest

from risk.reference.countries import (
    SOURCE_NAMES,
    UnknownCountry,
    is_aggregate,
    match_country,
    match_iso3,
)
from risk.reference.shipped import DATA_DIR, shipped_editions

# (source spelling, expected code): the spellings the issue and the sources name.
CASES = [
    ("Burma", "MM"), ("Myanmar", "MM"), ("Myanmar (Burma)", "MM"),
    ("Türkiye", "TR"), ("Turkey", "TR"), ("Turkey (Türkiye)", "TR"), ("TURKIYE", "TR"),
    ("Congo, Democratic Republic of the", "CD"), ("Congo, Democratic Republic of the (DRC)", "CD"),
    ("Congo (Democratic Republic of)", "CD"), ("Congo, the Democratic Republic of the", "CD"),
    ("Democratic Republic of the Congo", "CD"), ("DRC", "CD"), ("DR Congo", "CD"),
    ("Congo (Republic of)", "CG"), ("Congo (Brazzaville)", "CG"), ("Republic of Congo", "CG"),
    ("Republic of the Congo", "CG"), ("Congo", "CG"),
    ("Korea, Democratic People's Republic of", "KP"), ("Democratic People's Republic of Korea",
                                                      "KP"),
    ("North Korea", "KP"), ("Korea, Dem. People’s Rep.", "KP"),
    ("Korea, Republic of", "KR"), ("Korea (Republic of)", "KR"), ("South Korea", "KR"),
    ("Kyrgyz Republic", "KG"), ("Kyrgyzstan", "KG"),
    ("Hong Kong", "HK"), ("Hong Kong, China", "HK"), ("Hong Kong SAR, China", "HK"),
    ("Macau", "MO"), ("Macao", "MO"), ("Macao SAR, China", "MO"),
    ("Taiwan", "TW"), ("Taiwan, China", "TW"), ("Taiwan, Province of China", "TW"),
    ("Kosovo", "XK"), ("West Bank and Gaza", "PS"), ("Gaza Strip", "PS"),
    ("Palestine, State of", "PS"), ("Curaçao", "CW"), ("Curacao", "CW"),
    ("Sint Maarten", "SX"), ("Sint Maarten (Dutch part)", "SX"),
    ("Macedonia, the former Yugoslav Republic of", "MK"), ("North Macedonia", "MK"),
    ("Côte d'Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("Ivory Coast", "CI"),
    ("Swaziland", "SZ"), ("Eswatini", "SZ"), ("Cabo Verde", "CV"), ("Cape Verde", "CV"),
    ("The Gambia", "GM"), ("Gambia, The", "GM"), ("Lao PDR", "LA"), ("Laos", "LA"),
    ("Brunei Darussalam", "BN"), ("Russian Federation", "RU"), ("Viet Nam", "VN"),
    ("People's Republic of China", "CN"), ("China", "CN"), ("Iran, Islamic Rep.", "IR"),
    ("Venezuela, RB", "VE"), ("Micronesia, Fed. Sts.", "FM"), ("Egypt, Arab Rep.", "EG"),
    ("United States of America", "US"), ("  burma  ", "MM"), ("CN", "CN"), ("DEU", "DE"),
]


@pytest.mark.parametrize(("name", "code"), CASES, ids=[c[0] for c in CASES])
def test_source_spellings(name, code):
    assert match_country(name) == code


def test_every_table_entry_is_a_real_code():
    from suppliers.countries import country_name

    for name, code in SOURCE_NAMES.items():
        assert match_country(name) == code
        assert country_name(code) != code or code == "XK", f"{name} -> {code} is no country"


@pytest.mark.parametrize(("iso3", "code"), [("CHN", "CN"), ("mmr", "MM"), ("KOS", "XK"),
                                            ("XKX", "XK"), ("COD", "CD"), ("COG", "CG"),
                                            ("PRK", "KP"), ("KOR", "KR"), ("MAC", "MO")])
def test_iso3(iso3, code):
    assert match_iso3(iso3) == code


@pytest.mark.parametrize("bad", ["", "   ", None, 42, "Atlantis", "中国", "Congo-Zaire-Land",
                                 "x" * 500, "=cmd|' /C calc'!A0",
                                 "<script>alert(1)</script>"])
def test_unknown_names_raise(bad):
    with pytest.raises(UnknownCountry):
        match_country(bad)


def test_punctuation_and_invisible_characters_do_not_matter():
    # The parsers drop control characters before matching; the matcher ignores them too.
    assert match_country("CHINA\x00") == match_country("china.") == "CN"


@pytest.mark.parametrize("bad", ["", "CN", "ZZZ", "C1N", "ÄBC", None, "CHNA"])
def test_unknown_iso3_raise(bad):
    with pytest.raises(UnknownCountry):
        match_iso3(bad)


def test_aggregates():
    assert is_aggregate("world") and is_aggregate("World") and is_aggregate(" Global ")
    assert not is_aggregate("China") and not is_aggregate(None) and not is_aggregate("")


# Rows deliberately not matched, by (file, the row's country cell): each with its reason.
SKIP = {
    # The factbook's summary of the whole world (its "xx" entry, region "world"), the first
    # data row of the 2025 list: it lists every country's tier in one text, no country.
    ("tip_tiers_factbook_2025.csv", ""),
}
COUNTRY_COLUMNS = ("country", "Country")


def _shipped_paths():
    seen = []
    for entry in shipped_editions():
        for path, _sha in entry.files:
            if path not in seen:
                seen.append(path)
    return seen


@pytest.mark.parametrize("path", _shipped_paths())
def test_every_row_of_every_shipped_file_matches_a_country(path):
    text = (DATA_DIR / path).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, path
    column = next(c for c in COUNTRY_COLUMNS if c in rows[0])
    filename = path.rsplit("/", 1)[-1]
    unmatched = []
    for n, row in enumerate(rows, start=2):
        name = row[column]
        if (filename, name) in SKIP:
            continue
        try:
            code = match_country(name)
        except UnknownCountry:
            unmatched.append(f"row {n}: {name!r}")
            continue
        if "iso3" in row:  # the Kelley data gives the code too: the two must agree
            assert match_iso3(row["iso3"]) == code, f"row {n}: {name!r} vs {row['iso3']}"
        if row.get("derived_country") not in (None, "", "No"):
            match_country(row["derived_country"])
    assert not unmatched, f"{path}: " + "; ".join(unmatched)


def test_the_skip_list_is_used():
    """Every skip entry names a row that exists (a stale entry would hide nothing)."""
    for filename, name in SKIP:
        path = next(p for p in _shipped_paths() if p.endswith(filename))
        rows = list(csv.DictReader(io.StringIO((DATA_DIR / path).read_text(encoding="utf-8"))))
        assert any(r["country"] == name for r in rows)


def test_the_two_congos_and_koreas_stay_apart_in_the_data():
    """Each source's spelling of the two Congos and the two Koreas lands on the right one."""
    found: dict[str, set[str]] = {}
    for path in _shipped_paths():
        rows = csv.DictReader(io.StringIO((DATA_DIR / path).read_text(encoding="utf-8")))
        for row in rows:
            name = row.get("country", row.get("Country", ""))
            if "congo" in name.casefold() or "korea" in name.casefold() or name == "DRC":
                found.setdefault(match_country(name), set()).add(name)
    assert set(found) == {"CD", "CG", "KP", "KR"}
    assert all("Brazzaville" not in n and n != "Republic of Congo" for n in found["CD"])
    assert all("Democratic" not in n for n in found["CG"])
    assert all("Democratic" in n or "North" in n for n in found["KP"])
