"""The name matcher, table-tested with spellings seen in real supplier lists and entity lists."""

from __future__ import annotations

import pytest

from suppliers.matching import (
    THRESHOLDS,
    Named,
    address_score,
    compare,
    identifier_key,
    identifier_kind,
    name_score,
    normalise,
    tokens,
)

# Spellings of one company that must normalise to the same text.
SAME = [
    # legal forms, English
    ("SAIGON STITCH CO., LTD.", "Saigon Stitch Company Limited"),
    ("Saigon Stitch Co.,Ltd", "saigon stitch co ltd"),
    ("ACME CO.LTD", "Acme Co., Ltd."),
    ("Acme Corp.", "ACME Corporation"),
    ("Acme, Inc.", "Acme Incorporated"),
    ("Acme L.L.C.", "Acme LLC"),
    ("Acme Limited Liability Company", "Acme llc"),
    ("Acme PLC", "Acme Public Limited Company"),
    ("Acme Pte. Ltd.", "ACME PTE LTD"),
    ("Acme Pty Ltd", "Acme"),
    ("Dhaka Denim Works (Pvt.) Ltd.", "Dhaka Denim Works Private Limited"),
    ("Hoshine Silicon Industry Co., Ltd. and Subsidiaries", "HOSHINE SILICON INDUSTRY CO LTD"),
    ("Acme Holdings Ltd. and its subsidiaries", "Acme Holdings"),
    ("Acme Ltd. & Subsidiaries", "Acme"),
    ("Acme and Affiliates", "Acme"),
    # German, French, Spanish, Portuguese, Italian, Dutch
    ("Müller Textil GmbH", "Muller Textil G.m.b.H."),
    ("Weberei Schmidt GmbH & Co. KG", "WEBEREI SCHMIDT GMBH CO KG"),
    ("Société Générale S.A.", "SOCIETE GENERALE SA"),
    ("Lumière S.A.S.", "Lumiere SAS"),
    ("Textiles del Norte S.A. de C.V.", "TEXTILES DEL NORTE SA DE CV"),
    ("Confecciones Andinas Sociedad Anónima", "Confecciones Andinas S.A."),
    ("Têxtil São Paulo Ltda.", "TEXTIL SAO PAULO LTDA"),
    ("Calçados Vale Eireli", "CALCADOS VALE"),
    ("Filati Biella S.p.A.", "Filati Biella SpA"),
    ("Garen Twente B.V.", "Garen Twente BV"),
    # Indonesian, Malaysian, Turkish, Russian, Japanese
    ("PT. Sri Rejeki Isman Tbk", "Sri Rejeki Isman, PT"),
    ("Penang Garments Sdn. Bhd.", "PENANG GARMENTS SDN BHD"),
    ("Bursa Tekstil San. ve Tic. A.Ş.", "BURSA TEKSTIL SANAYI VE TICARET ANONIM SIRKETI"),
    ("OOO Romashka", "Romashka LLC"),
    ("ООО «Ромашка»", "Ромашка"),
    ("Uniqlo Kabushiki Kaisha", "UNIQLO K.K."),
    # JSC in several languages; Vietnamese as written and without its accents
    ("Viet Tien Garment JSC", "Viet Tien Garment Joint Stock Company"),
    ("Công ty TNHH May Việt Tiến", "CONG TY TNHH MAY VIET TIEN"),
    ("Công ty Cổ phần Dệt may Đồng Nai", "Det May Dong Nai"),
    ("Tổng Công ty May 10", "May 10"),
    ("Công ty TNHH Một Thành Viên Dệt Kim", "Det Kim"),
    # Chinese, Japanese, Korean: company forms at either end, full-width characters
    ("合盛硅业股份有限公司", "合盛硅业"),
    ("新疆合盛硅业有限公司", "新疆合盛硅业有限責任公司"),
    ("株式会社ユニクロ", "ユニクロ株式会社"),
    ("삼성전자 주식회사", "(주)삼성전자"),
    ("Ａｃｍｅ　Ｌｔｄ", "Acme Ltd"),
    # case, accents, punctuation, whitespace, word order, abbreviations
    ("  Saigon\tStitch\n", "saigon stitch"),
    ("Saigon-Stitch", "Saigon Stitch"),
    ("Saigon Stitch", "Stitch, Saigon"),
    ("A & B Textiles", "A and B Textiles"),
    ("Intl Textile Mfg Co", "International Textile Manufacturing Company"),
    ("Đồng Nai Textile", "Dong Nai Textile"),
    ("Smørrebrød Øst ApS", "Smorrebrod Ost"),
    ("Straße AG", "Strasse"),
]


@pytest.mark.parametrize(("left", "right"), SAME)
def test_spellings_of_one_company_normalise_alike(left, right):
    assert normalise(left) == normalise(right) != ""


@pytest.mark.parametrize(("name", "expected"), [
    ("SAIGON STITCH CO., LTD.", "saigon stitch"),
    ("Hoshine Silicon Industry Co., Ltd. and Subsidiaries", "hoshine industry silicon"),
    ("新疆合盛硅业有限公司", "新疆合盛硅业"),
    ("Co., Ltd.", "co ltd"),  # nothing but legal forms: kept, it is all there is
    ("Company Limited", "company limited"),
    ("The Company", "company the"),
    ("", ""),
    (None, ""),
    ("!!!", ""),
])
def test_normalised_forms(name, expected):
    assert normalise(name) == expected


# Pairs that are one company spelled differently: put forward (name score >= possible).
ALIKE = [
    ("Saigon Stich Co., Ltd.", "SAIGON STITCH COMPANY LIMITED"),  # a typo
    ("Müller Textil GmbH", "MUELLER TEXTIL GMBH"),  # ü written ue
    ("Hoshine Silicon Industry Co., Ltd.", "Xinjiang Hoshine Silicon Industry Co., Ltd."),
    ("新疆合盛硅业有限公司", "合盛硅业股份有限公司"),  # the place name first, as usual in Chinese
    ("Shenzhen Bright Garments Co.,Ltd", "Bright Garments (Shenzhen) Co Ltd"),
    ("Dhaka Denim Works", "Dhaka Denim Work"),
    ("Anhui Cotton Spinning Mill No. 2", "Anhui Cotton Spinning Mill 2"),
]


@pytest.mark.parametrize(("left", "right"), ALIKE)
def test_one_company_spelled_two_ways_is_put_forward(left, right):
    assert name_score(normalise(left), normalise(right)) >= THRESHOLDS.possible


# Pairs that are two companies: never put forward on the name alone.
DIFFERENT = [
    ("Acme", "Acme Holdings"),  # a short name inside a longer one
    ("Dong Nai Textile", "Textile Co., Ltd."),
    ("Bursa Tekstil San. ve Tic. A.Ş.", "Ege Tekstil San. ve Tic. A.Ş."),  # only forms shared
    ("Anhui Cotton Spinning", "Anhui Cotton Weaving"),
    ("Dhaka Denim 1", "Dhaka Denim 2"),  # numbered sites
    ("Supplier S0000123 Ltd", "Supplier S0000124 Ltd"),
    ("合盛硅业", "合盛"),  # too short to count as contained
    ("Viet Tien Garment", "Viet Thang Garment"),
    ("Saigon Stitch", "Hanoi Stitch"),
]


@pytest.mark.parametrize(("left", "right"), DIFFERENT)
def test_two_companies_are_not_put_forward(left, right):
    assert name_score(normalise(left), normalise(right)) < THRESHOLDS.possible


def test_word_order_and_the_extra_word_penalty():
    assert name_score("saigon stitch", "saigon stitch") == 100.0
    # one more word lowers the score by how much of the name it is
    long_extra = name_score("hoshine industry silicon", "hoshine industry silicon xinjiang")
    short_extra = name_score("acme", "acme holdings")
    assert long_extra > THRESHOLDS.possible > short_extra
    assert name_score("", "acme") == name_score("acme", "") == 0.0


@pytest.mark.parametrize(("raw", "key"), [
    ("12.345.678/0001-90", "12345678000190"),  # CNPJ
    ("12345678000190", "12345678000190"),
    ("5493 00TR Y2U2 3Q9T 6F16", "549300TRY2U23Q9T6F16"),  # LEI in groups
    ("hwupkr0mpou8fgxbt394", "HWUPKR0MPOU8FGXBT394"),
    ("15-048-3782", "150483782"),  # DUNS with dashes
    ("CN 2019 303 BQ3FZP", "CN2019303BQ3FZP"),
    ("９１３２０１", "913201"),  # full-width digits
    (None, ""),
    ("", ""),
])
def test_identifier_keys(raw, key):
    assert identifier_key(raw) == key


@pytest.mark.parametrize(("key", "kind"), [
    ("549300TRY2U23Q9T6F16", "lei"),
    ("CN2019303BQ3FZP", "os_id"),
    ("150483782", "duns"),
    ("12345678000190", "cnpj"),
    ("91650000MA77X8YE4L", "uscc"),
    ("HRB12345", "other-8"),
])
def test_identifier_kinds_by_shape(key, kind):
    assert identifier_kind(key) == kind


def test_a_shared_identifier_is_certain_whatever_the_names():
    left = Named.of("Saigon Stitch", identifiers=["12.345.678/0001-90"], country="BR")
    right = Named.of("Completely Other Name", identifiers=["12345678000190"], country="BR")
    match = compare(left, right)
    assert match.certain and match.strong and match.score == 100.0
    assert match.reasons == ("same identifier 12345678000190",)


def test_identifiers_of_the_same_kind_that_differ_rule_out():
    left = Named.of("Saigon Stitch Co., Ltd.", country="VN", identifiers=["VN2021123ABCDEF"])
    right = Named.of("SAIGON STITCH COMPANY LIMITED", country="VN",
                     identifiers=["VN2021999ZZZZZZ"])
    match = compare(left, right)
    assert match.ruled_out and not match.certain
    assert match.score == THRESHOLDS.other_identifier_cap < THRESHOLDS.possible
    assert "different identifiers (os_id)" in match.reasons


def test_identifiers_of_different_kinds_say_nothing():
    """An OS ID on one record and a LEI on the other: neither confirms nor rules out."""
    left = Named.of("Saigon Stitch Co., Ltd.", country="VN", identifiers=["VN2021123ABCDEF"])
    right = Named.of("Saigon Stitch Company Limited", country="VN",
                     identifiers=["HWUPKR0MPOU8FGXBT394"])
    match = compare(left, right)
    assert not match.ruled_out and match.score == 100.0
    assert match.reasons == ('same name once normalised ("saigon stitch")', "same country (VN)")


def test_another_country_caps_the_score_and_rules_out():
    listed = Named.of("Hoshine Silicon Industry Co., Ltd. and Subsidiaries", country="CN")
    supplier = Named.of("HOSHINE SILICON INDUSTRY CO LTD", country="DE",
                        identifiers=["HRB 12345"])
    match = compare(supplier, listed)
    assert match.ruled_out and not match.strong and not match.certain
    assert match.score == THRESHOLDS.other_country_cap
    assert "different country (DE vs CN)" in match.reasons


def test_a_non_latin_name_meets_its_latin_spelling_through_the_latin_name():
    written = Named.of("新疆合盛硅业有限公司", latin="Xinjiang Hoshine Silicon Industry Co., Ltd.",
                       country="cn")
    listed = Named.of("Hoshine Silicon Industry Co., Ltd.", country="CN")
    match = compare(written, listed)
    assert written.country == "CN"
    assert match.score >= THRESHOLDS.possible and not match.certain
    # without the Latin name, the scripts have nothing in common
    assert compare(Named.of("新疆合盛硅业有限公司", country="CN"), listed).score < 50
    # and the written name still meets its own script
    assert compare(written, Named.of("合盛硅业股份有限公司", country="CN")).score \
        >= THRESHOLDS.contained


def test_blocking_tokens():
    assert tokens(normalise("Saigon Stitch Co., Ltd.")) == {"saigon", "stitch"}
    assert tokens("a b textiles 2024") == {"textiles"}  # short words and numbers are no keys
    # Chinese: the word and its character pairs
    assert tokens(normalise("合盛硅业有限公司")) == {"合盛硅业", "合盛", "盛硅", "硅业"}
    # Cyrillic has spaces: its words are keys, not their letter pairs
    assert tokens(normalise("ООО Ромашка Текстиль")) == {"ромашка", "текстиль"}


@pytest.mark.parametrize(("left", "right", "same"), [
    ("12 Industrial Road, Di An", "12 Industrial Rd., Di An, Binh Duong", True),
    ("Lô A1, KCN Sóng Thần 1, Dĩ An", "LO A1 SONG THAN 1 INDUSTRIAL PARK DI AN", True),
    ("12 Industrial Road, Di An", "14 Industrial Road, Di An", False),  # another number
    ("Binh Duong", "Lot A1, Song Than 1 Industrial Park, Di An, Binh Duong", False),
    ("", "Binh Duong", False),
    (None, None, False),
])
def test_addresses(left, right, same):
    assert (address_score(left, right) >= THRESHOLDS.duplicate_address) is same


HOSTILE = [
    "=HYPERLINK(\"http://evil.example\")", "<script>alert(1)</script> Ltd", "Acme\x00 Ltd",
    "\u202eLTD EMCA", "🏭🏭🏭 Co.", "Ltd " * 100, "x" * 5000, "ß" * 300, "\ufeffAcme",
    "(((((((((", "a.b.c.d.e.f.g.h.i.j" * 20, "Ω≈ç√∫", "\u0301\u0301", "0" * 300,
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_normalise_and_compare_without_error(name):
    key = normalise(name)
    assert "\x00" not in key and "<" not in key and "=" not in key
    match = compare(Named.of(name, country="VN"), Named.of("Acme Ltd", country="VN"))
    assert 0.0 <= match.score <= 100.0
    assert isinstance(tokens(key), set)


def test_named_of_drops_blank_names_and_short_identifiers():
    named = Named.of("Acme", aliases=["", "  ", "Acme"], latin=None, country=" vn ",
                     identifiers=[None, "", "12-3", "CN2019303BQ3FZP"])
    assert named.names == ("Acme",) and named.country == "VN"
    assert named.identifiers == frozenset({"CN2019303BQ3FZP"})
