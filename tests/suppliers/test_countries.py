"""suppliers.countries: what people type in the country column -> ISO 3166-1 alpha-2."""

from __future__ import annotations

import pytest

from suppliers import countries
from suppliers.countries import UnknownCountry, country_choices, country_name, normalise_country


@pytest.mark.parametrize(("value", "code"), [
    # codes and case variants
    ("CN", "CN"), ("cn", "CN"), ("CHN", "CN"), ("chn", "CN"), ("China", "CN"), ("CHINA", "CN"),
    (" china ", "CN"), ("People's Republic of China", "CN"), ("PEOPLES REPUBLIC OF CHINA", "CN"),
    ("PRC", "CN"), ("Mainland China", "CN"), ("USA", "US"), ("usa", "US"), ("US", "US"),
    ("U.S.A.", "US"), ("U.S.", "US"), ("United States", "US"),
    ("United States of America", "US"), ("America", "US"), ("Vietnam", "VN"),
    ("Viet Nam", "VN"), ("VNM", "VN"), ("UAE", "AE"), ("United Arab Emirates", "AE"),
    ("ARE", "AE"), ("UK", "GB"), ("U.K.", "GB"), ("United Kingdom", "GB"),
    ("Great Britain", "GB"), ("England", "GB"), ("GBR", "GB"),
    ("Turkey", "TR"), ("Türkiye", "TR"), ("Turkiye", "TR"), ("TÜRKIYE", "TR"),
    ("Burma", "MM"), ("Myanmar", "MM"), ("Taiwan", "TW"), ("Taiwan, Province of China", "TW"),
    ("South Korea", "KR"), ("Korea", "KR"), ("Republic of Korea", "KR"),
    ("Korea, Republic of", "KR"), ("North Korea", "KP"), ("DPRK", "KP"),
    ("Democratic People's Republic of Korea", "KP"),
    ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("Cote d'Ivoire", "CI"),
    ("C\u00f4te d\u2019Ivoire", "CI"), ("COTE D IVOIRE", "CI"),
    ("Russia", "RU"), ("Russian Federation", "RU"), ("Iran", "IR"),
    ("Iran, Islamic Republic of", "IR"), ("Syria", "SY"), ("Laos", "LA"),
    ("Lao People's Democratic Republic", "LA"), ("Bolivia", "BO"),
    ("Plurinational State of Bolivia", "BO"), ("Tanzania", "TZ"), ("Venezuela", "VE"),
    ("Moldova", "MD"), ("Czech Republic", "CZ"), ("Czechia", "CZ"), ("Macedonia", "MK"),
    ("North Macedonia", "MK"), ("Swaziland", "SZ"), ("Eswatini", "SZ"), ("Cape Verde", "CV"),
    ("Cabo Verde", "CV"), ("Holland", "NL"), ("The Netherlands", "NL"), ("Hong Kong", "HK"),
    ("Macau", "MO"), ("Macao", "MO"), ("Palestine", "PS"), ("State of Palestine", "PS"),
    ("Kosovo", "XK"), ("XK", "XK"), ("DR Congo", "CD"), ("DRC", "CD"), ("Congo-Kinshasa", "CD"),
    ("Democratic Republic of the Congo", "CD"), ("Congo, The Democratic Republic of the", "CD"),
    ("Congo-Brazzaville", "CG"), ("Republic of the Congo", "CG"), ("Congo", "CG"),
    # accents, spacing, punctuation, "Saint" spelled "St."
    ("Réunion", "RE"), ("reunion", "RE"), ("Curaçao", "CW"), ("Åland Islands", "AX"),
    ("São Tomé and Príncipe", "ST"), ("Sao Tome", "ST"), ("St. Lucia", "LC"),
    ("Saint Kitts and Nevis", "KN"), ("St Kitts & Nevis", "KN"), ("Trinidad & Tobago", "TT"),
    ("  Bangladesh\t", "BD"), ("bangla desh", None), ("the Gambia", "GM"), ("Holy See", "VA"),
    ("Micronesia", "FM"), ("British Virgin Islands", "VG"),
])
def test_normalise_country(value, code):
    if code is None:
        with pytest.raises(UnknownCountry):
            normalise_country(value)
    else:
        assert normalise_country(value) == code


def test_every_pycountry_code_and_name_round_trips():
    for code, name in country_choices():
        assert normalise_country(code) == code
        assert normalise_country(name) == code
        assert normalise_country(name.upper()) == code


@pytest.mark.parametrize("value", ["Narnia", "", "   ", "Virgin Islands", "C", "Chinaa", "EU"])
def test_unknown_or_ambiguous_values_are_refused(value):
    with pytest.raises(UnknownCountry):
        normalise_country(value)


def test_unknown_country_message_names_the_value():
    with pytest.raises(UnknownCountry) as info:
        normalise_country(" Narnia ")
    assert str(info.value) == (
        'Unknown country "Narnia": use an ISO code such as "CN" or an English name.')
    assert isinstance(info.value, ValueError)


def test_non_text_is_unknown():
    with pytest.raises(UnknownCountry, match='"156"'):
        normalise_country(156)  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "name"), [
    ("TW", "Taiwan"), ("VN", "Vietnam"), ("KR", "South Korea"), ("KP", "North Korea"),
    ("RU", "Russia"), ("CD", "Democratic Republic of the Congo"), ("XK", "Kosovo"),
    ("CN", "China"), ("cn", "China"), ("ZZ", "ZZ"),
])
def test_country_name(code, name):
    assert country_name(code) == name


def test_country_choices_are_sorted_by_name_and_lazy():
    choices = countries.COUNTRY_CHOICES
    assert choices is country_choices()
    assert len(choices) == 250  # 249 ISO countries plus Kosovo
    names = [name for _, name in choices]
    assert names[0] == "Afghanistan" and names[1] == "Åland Islands"  # accent-insensitive
    assert names[-1] == "Zimbabwe"
    assert ("TW", "Taiwan") in choices and ("XK", "Kosovo") in choices
    with pytest.raises(AttributeError):
        countries.NOT_A_THING  # noqa: B018
