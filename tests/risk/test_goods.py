"""Products matched to the ILAB list (risk/goods.py): against the shipped 2022 list, table by
table, including the issue's examples ("cotton yarn" is not "cotton", "raw cotton" is)."""

from __future__ import annotations

import time
import unicodedata

import pytest

from risk.goods import GoodsMatcher, item_terms, match_products, singular, words
from risk.reference.parsers import parse_files
from risk.reference.services import build_tables
from risk.reference.shipped import shipped_editions, shipped_files
from risk.reference.tables import EditionRef, GoodEntry


@pytest.fixture(scope="module")
def matcher():
    entry = next(e for e in shipped_editions()
                 if (e.dataset, e.edition) == ("ilab_goods", "2022"))
    result = parse_files("ilab_goods", shipped_files(entry))
    ref = EditionRef(1, "ilab_goods", "2022", "ILAB", "DOL", None, "0" * 64)
    rows = [("ilab_goods", 1, r.row_no, r.country, r.source_country, r.item, r.values)
            for r in result.rows]
    return GoodsMatcher(build_tables({"ilab_goods": ref}, rows).goods)


def found(matcher, country, *products):
    # NFC: the list may write "Açaí" with combining accents
    return [(m.product, unicodedata.normalize("NFC", m.entry.item), m.how)
            for m in matcher.match(country, products)]


CASES = [
    # the examples
    ("MM", "bricks", [("Bricks", "exact")]),
    ("MM", "Brick", [("Bricks", "plural")]),
    ("CN", "cotton", [("Cotton", "exact")]),
    ("CN", "raw cotton", [("Cotton", "qualifier")]),
    ("CN", "cotton yarn", [("Thread/Yarn", "compound")]),
    ("DE", "machine parts", []),
    ("CN", "machine parts", []),
    ("CN", "solar modules", [("Solar Modules", "exact")]),
    ("CN", "Bifacial solar modules", [("Solar Modules", "compound")]),
    # case, accents, plurals
    ("BR", "ACAI BERRIES", [("Açaí Berries", "exact")]),
    ("BR", "açaí berry", [("Açaí Berries", "plural")]),
    ("MX", "tomato", [("Tomatoes", "plural")]),
    ("AR", "blueberry", [("Blueberries", "plural")]),
    ("AR", "berries", []),  # less specific than the good
    ("PK", "glove", []),  # Pakistan lists no gloves
    ("CN", "Gloves", [("Gloves", "exact")]),
    ("MY", "rubber glove", [("Rubber Gloves", "plural")]),
    ("IN", "matches", [("Matches", "exact")]),
    # qualifiers
    ("MX", "fresh tomatoes", [("Tomatoes", "qualifier")]),
    ("UZ", "seed cotton", []),  # Uzbekistan: silk cocoons only in this list
    ("CN", "seed cotton", [("Cotton", "qualifier")]),
    ("CN", "cotton lint", [("Cotton", "qualifier")]),
    ("CD", "cobalt", [("Cobalt ore (heterogenite)", "qualifier")]),
    ("CD", "copper concentrate", [("Copper", "qualifier")]),
    ("ID", "palm oil", [("Crude Palm Oil", "qualifier"), ("Refined Palm Oil", "qualifier")]),
    ("ID", "crude palm oil", [("Crude Palm Oil", "exact")]),
    ("ID", "Refined palm oil", [("Refined Palm Oil", "exact")]),
    ("ID", "crude oil", []),  # mineral oil is not palm oil
    ("SL", "rough diamonds", [("Diamonds", "qualifier")]),
    # parentheses and slashes
    ("CD", "Cobalt ore", [("Cobalt ore (heterogenite)", "exact")]),
    ("CD", "heterogenite", [("Cobalt ore (heterogenite)", "exact")]),
    ("CD", "coltan", [("Tantalum ore (coltan)", "exact")]),
    ("CD", "tantalum", [("Tantalum ore (coltan)", "qualifier")]),
    ("CN", "thread", [("Thread/Yarn", "exact")]),
    ("CN", "Yarn", [("Thread/Yarn", "exact")]),
    ("IN", "cotton thread", [("Thread/Yarn", "compound")]),
    ("IN", "silk thread", [("Silk Thread", "exact"), ("Thread/Yarn", "compound")]),
    ("BO", "brazil nuts", [("Brazil Nuts/Chestnuts", "exact")]),
    ("BO", "chestnut", [("Brazil Nuts/Chestnuts", "plural")]),
    ("BR", "cassava", [("Manioc/Cassava", "exact")]),
    ("BD", "steel furniture", [("Furniture (steel)", "exact")]),
    ("BD", "furniture", [("Furniture (steel)", "exact")]),
    ("BD", "steel", []),  # the parenthesis names a kind, not the good
    ("GH", "tilapia", [("Fish", "synonym"), ("Tilapia (fish)", "exact")]),
    ("MX", "green beans", [("Beans (green beans)", "exact")]),
    ("MM", "soybeans", [("Beans (green, soy, yellow)", "synonym")]),
    ("IN", "leather accessories", [("Leather Goods/Accessories", "exact")]),
    ("IN", "phone accessories", []),
    ("IN", "incense", [("Incense (agarbatti)", "exact")]),
    ("IN", "agarbatti", [("Incense (agarbatti)", "exact")]),
    ("NP", "stone", [("Stones", "plural")]),
    # synonyms
    ("CN", "apparel", [("Garments", "synonym")]),
    ("TR", "Clothing", [("Garments", "synonym")]),
    ("VN", "T-shirts", [("Garments", "synonym")]),
    ("VN", "woven shirts", [("Garments", "compound")]),
    ("KH", "cattle", [("Bovines", "synonym")]),
    ("BR", "bovines", [("Cattle", "synonym")]),
    ("TH", "prawns", [("Shrimp", "synonym")]),
    ("TH", "frozen prawns", [("Shrimp", "synonym")]),
    ("BR", "maize", [("Corn", "synonym")]),
    ("CI", "cocoa beans", [("Cocoa", "synonym")]),
    ("BR", "coffee beans", [("Coffee", "synonym")]),
    ("CN", "knit fabric", [("Textiles", "compound")]),
    ("IN", "dyed fabric", []),  # India lists silk fabric and embellished textiles only
    ("TH", "tuna", [("Fish", "synonym")]),
    ("CN", "tomato paste", [("Tomato Products", "synonym")]),
    # head-noun compounds
    ("IN", "cotton seed", [("Cottonseed (hybrid)", "synonym")]),
    ("CN", "consumer electronics", [("Electronics", "compound")]),
    ("CN", "electronic components", []),
    ("PK", "fish sauce", []),
    ("KP", "pig iron", [("Iron", "compound")]),
    ("CN", "batteries", []),  # not said to be lithium-ion
    # derived entries
    ("CN", "lithium-ion batteries", [("Lithium-Ion Batteries", "exact")]),
    ("CN", "Li-ion batteries", [("Lithium-Ion Batteries", "synonym")]),
    ("CN", "polysilicon", [("Polysilicon", "exact")]),
    ("CN", "solar panels", [("Solar Modules", "synonym")]),
    ("ID", "oleochemicals", [("Oleochemicals", "exact")]),
]


@pytest.mark.parametrize(("country", "product", "expected"), CASES,
                         ids=[f"{c}-{p}" for c, p, _ in CASES])
def test_matches(matcher, country, product, expected):
    assert [(item, how) for _p, item, how in found(matcher, country, product)] == expected


def test_derived_entries_say_so(matcher):
    (battery,) = matcher.match("CN", ["lithium-ion batteries"])
    assert battery.derived and battery.entry.derived_country == \
        "Congo, Democratic Republic of the"
    (cotton,) = matcher.match("CN", ["cotton"])
    assert not cotton.derived and cotton.entry.forced_labor


def test_each_product_once_per_entry_and_in_a_stable_order(matcher):
    products = ["Garments", "cotton", "cotton yarn", "apparel", "clothing; T-shirts",
                "cotton"]
    first = found(matcher, "CN", *products)
    assert first == [
        ("Garments", "Garments", "exact"), ("cotton", "Cotton", "exact"),
        ("cotton yarn", "Thread/Yarn", "compound"), ("apparel", "Garments", "synonym"),
        ("clothing; T-shirts", "Garments", "synonym"), ("cotton", "Cotton", "exact")]
    assert found(matcher, "CN", *products) == first
    assert [m.term for m in matcher.match("CN", ["cotton yarn"])] == ["Yarn"]


def test_nothing_for_a_country_without_entries_or_odd_input(matcher):
    assert matcher.match("DE", ["cotton"]) == []
    assert matcher.match(None, ["cotton"]) == []
    assert matcher.match("CN", [None, 42, "", "   ", "!!!", "x" * 10_000]) == []


def test_hostile_product_text_is_bounded(matcher):
    # Only the first words of a product are read (a product is a phrase, not a book): the
    # "yarn" at the end of this one is never seen, and the time stays small.
    start = time.perf_counter()
    matches = matcher.match("CN", ["cotton " * 50_000 + "yarn"] * 50)
    assert time.perf_counter() - start < 1.0
    assert {(m.entry.item, m.how) for m in matches} == {("Cotton", "compound")}
    # markup is only punctuation here ("b cotton" / "b"); nothing is rendered from it
    assert found(matcher, "CN", "<b>cotton</b>") == [("<b>cotton</b>", "Cotton", "compound")]
    assert found(matcher, "CN", "=cotton") == [("=cotton", "Cotton", "exact")]


def test_match_products_on_plain_entries():
    entries = [GoodEntry("Thread/Yarn", 5, 1, False, True, False),
               GoodEntry("Cotton", 4, 1, True, True, True)]
    assert [(m.entry.item, m.how) for m in match_products(["cotton yarn", "raw cotton"],
                                                         entries)] == [
        ("Thread/Yarn", "compound"), ("Cotton", "qualifier")]


@pytest.mark.parametrize(("word", "one"), [
    ("bricks", "brick"), ("tomatoes", "tomato"), ("berries", "berry"), ("batteries", "battery"),
    ("peaches", "peach"), ("boxes", "box"), ("glasses", "glass"), ("gloves", "glove"),
    ("shoes", "shoe"), ("leaves", "leaf"), ("pulses", "pulse"), ("textiles", "textile"),
    ("glass", "glass"), ("citrus", "citrus"), ("species", "species"), ("gas", "gas"),
    ("fish", "fish"), ("clothes", "clothes"), ("ties", "tie"), ("bidis", "bidi"),
])
def test_singular(word, one):
    assert singular(word) == one


def test_words():
    assert words("Açaí Berries") == ("acai", "berries")
    assert words("T-Shirts & Polos") == ("t", "shirts", "and", "polos")
    assert words("Men’s shirts") == ("mens", "shirts")


def test_item_terms():
    def names(item):
        return [t.text for t in item_terms(item)]

    assert names("Cobalt ore (heterogenite)") == ["Cobalt ore", "heterogenite"]
    assert names("Thread/Yarn") == ["Thread", "Yarn"]
    assert names("Tilapia (fish)") == ["Tilapia"]
    assert names("Furniture (steel)") == ["Furniture", "steel Furniture"]
    assert names("Oil (Palm)") == ["Palm Oil"]
    assert names("Fruit (Pome and Stone)") == ["Fruit", "Pome Fruit", "Stone Fruit"]
    assert names("Leather Goods/Accessories") == ["leather goods", "leather accessories"]
    assert names("Coca (stimulant plant)") == ["Coca"]
