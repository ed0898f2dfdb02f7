"""A supplier's products matched to the goods the ILAB list names for its country (pure).

Suppliers write what they sell in their own words ("raw cotton", "cotton yarn", "Fresh
tomatoes", "T-shirts"); the list writes "Cotton", "Thread/Yarn", "Tomatoes", "Garments". The
matcher compares words, not strings, and says how each match was made, so a reader can judge
it:

- exact: the same words; plural: the same after singular forms ("bricks" and "brick");
- qualifier: the same good once words that only describe its state are set aside ("raw
  cotton", "fresh tomatoes", "crude palm oil", "cobalt ore"); two different states ("crude"
  and "refined") do not match;
- synonym: a small explicit table ("apparel" and "clothing" are garments, "cattle" and
  "bovines" the same animals, "prawns" shrimp);
- compound: the product's head noun (its last words) is the good: "cotton yarn" is yarn, so it
  matches "Thread/Yarn" and not "Cotton"; "machine parts" are parts, which no list names.

A list entry "Cobalt ore (heterogenite)" is matched by "cobalt ore" and by "heterogenite";
"Thread/Yarn" by "thread" and by "yarn"; "Furniture (steel)" by "furniture" and "steel
furniture" (never by "steel" alone). Entries marked derived (goods made from tainted inputs,
such as lithium-ion batteries from Congolese cobalt) match like the others and say so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from risk.reference.tables import GoodEntry

__all__ = ["HOW", "GoodMatch", "GoodsMatcher", "match_products", "singular", "words"]

HOW = ("exact", "plural", "qualifier", "synonym", "compound")  # strongest first
MAX_PRODUCT = 200
MAX_WORDS = 12

# Words that say a good's state, not what it is, when they come first ("raw cotton").
LEADING_QUALIFIERS = frozenset({
    "raw", "fresh", "frozen", "chilled", "dried", "crude", "refined", "organic", "natural",
    "unprocessed", "processed", "whole", "seed", "ginned", "live", "rough", "uncut", "polished",
    "wild", "farmed", "artisanal", "conventional", "bulk", "certified",
})
# ... and when they come last ("cobalt ore", "cotton lint", "cotton bales").
TRAILING_QUALIFIERS = frozenset({"ore", "concentrate", "lint", "bale"})

# What a parenthesis in a list entry means, when it is not another name for the good.
# A category the good belongs to ("Tilapia (fish)"): not a name of the good, ignored.
PAREN_CATEGORIES = frozenset({"stimulant plant", "mineral", "fish", "gems", "textiles"})
# A kind of the good ("Furniture (steel)", "Bricks (clay)"): "steel furniture", never "steel".
PAREN_MODIFIERS = frozenset({"clay", "crushed", "hybrid", "steel", "hand woven", "green",
                             "soy", "yellow", "pome", "stone", "palm"})
# Names too general to stand alone when a parenthesis says which kind the entry means:
# "Oil (Palm)" is palm oil, and crude (mineral) oil must not match it.
GENERIC_MAINS = frozenset({"oil"})
# Entries whose slash does not separate two names of the good.
ITEM_TERMS: dict[str, tuple[str, ...]] = {
    "leather goods/accessories": ("leather goods", "leather accessories"),
}

# Equivalent names: each names the others.
EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("garments", "apparel", "clothing", "clothes"),
    ("cattle", "bovines", "cows"),
    ("shrimp", "prawns"),
    ("corn", "maize"),
    ("sugarcane", "sugar cane"),
    ("cocoa", "cacao", "cocoa beans", "cacao beans"),
    ("manioc", "cassava"),
    ("hogs", "pigs", "swine"),
    ("peanuts", "groundnuts"),
    ("hazelnuts", "filberts"),
    ("eggplants", "aubergines"),
    ("carpets", "rugs"),
    ("timber", "lumber", "logs", "wood"),
    ("chile peppers", "chili peppers", "chilli peppers", "chilies", "chillies"),
    ("soy beans", "soybeans", "soya beans"),
    ("cottonseed", "cotton seed"),
    ("solar modules", "solar panels", "pv modules", "photovoltaic modules"),
    ("solar cells", "pv cells", "photovoltaic cells"),
    ("photovoltaic wafers", "pv wafers", "silicon wafers"),
    ("photovoltaic ingots", "pv ingots", "silicon ingots"),
    ("lithium ion batteries", "li ion batteries", "lithium batteries"),
    ("footwear", "shoes"),
)
# Kinds of a good: each names the good, not the other way round ("shirts" are garments).
KINDS: dict[str, str] = {
    "t shirts": "garments", "shirts": "garments", "polos": "garments", "jeans": "garments",
    "trousers": "garments", "knitwear": "garments", "sportswear": "garments",
    "dresses": "garments", "jackets": "garments", "sweaters": "garments",
    "hoodies": "garments", "uniforms": "garments", "knit tops": "garments",
    "fabric": "textiles", "fabrics": "textiles", "cloth": "textiles",
    "cotton fibre": "cotton", "cotton fiber": "cotton",
    "coffee beans": "coffee", "green coffee": "coffee",
    "tuna": "fish", "tilapia": "fish", "sardines": "fish", "mackerel": "fish", "anchovies": "fish",
    "tomato paste": "tomato products", "tomato puree": "tomato products",
    "tomato concentrate": "tomato products",
    "nitrile gloves": "rubber gloves", "latex gloves": "rubber gloves",
    "examination gloves": "rubber gloves",
    "sneakers": "footwear", "boots": "footwear", "sandals": "footwear",
    "polycrystalline silicon": "polysilicon",
    "sesame seeds": "sesame", "sunflower seeds": "sunflowers",
    "lentils": "pulses", "chickpeas": "pulses",
    "apples": "pome fruit", "pears": "pome fruit", "peaches": "stone fruit",
    "plums": "stone fruit", "cherries": "stone fruit", "apricots": "stone fruit",
}

_DROP = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENS = re.compile(r"\(([^()]*)\)")
_PRODUCT_SPLIT = re.compile(r"[,;\n]+")
_UNCHANGED = frozenset({"species", "series", "news", "means", "clothes", "chassis", "molasses",
                        "asbestos", "lens", "swiss"})
_IRREGULAR = {"leaves": "leaf", "knives": "knife", "loaves": "loaf", "halves": "half",
              "shelves": "shelf", "calves": "calf", "shoes": "shoe", "toes": "toe",
              "hoes": "hoe", "geese": "goose", "mice": "mouse", "teeth": "tooth"}


def words(text: str) -> tuple[str, ...]:
    """Lower-case words without accents or punctuation ("Açaí Berries" -> ("acai", "berries"))."""
    text = unicodedata.normalize("NFKD", text[:MAX_PRODUCT])
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DROP.sub("", text.casefold().replace("&", " and "))
    return tuple(_NON_ALNUM.sub(" ", text).split())[:MAX_WORDS]


def singular(word: str) -> str:
    """A simple English singular, the same on both sides of every comparison."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) < 4 or word in _UNCHANGED or not word.endswith("s") \
            or word.endswith(("ss", "us")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"                       # berries, batteries, accessories
    if word.endswith(("ches", "shes", "xes", "zes", "sses", "oes")):
        return word[:-2]                             # peaches, dishes, boxes, tomatoes
    return word[:-1]                                 # bricks, pulses, gloves, textiles


@dataclass(frozen=True)
class _Phrase:
    raw: tuple[str, ...]
    sing: tuple[str, ...]
    core: tuple[str, ...]            # without qualifiers
    quals: frozenset[str]

    @classmethod
    def of(cls, raw: tuple[str, ...]) -> _Phrase:
        sing = tuple(singular(w) for w in raw)
        start, end = 0, len(sing)
        while start < end - 1 and sing[start] in LEADING_QUALIFIERS:
            start += 1
        while end - 1 > start and sing[end - 1] in TRAILING_QUALIFIERS:
            end -= 1
        return cls(raw, sing, sing[start:end], frozenset(sing[:start] + sing[end:]))


def _key(text: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in words(text))


def _names() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    table: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for group in EQUIVALENTS:
        keys = [_key(name) for name in group]
        for key in keys:
            table.setdefault(key, set()).update(k for k in keys if k != key)
    for kind, good in KINDS.items():
        table.setdefault(_key(kind), set()).add(_key(good))
    return {key: frozenset(value) for key, value in table.items()}


_SYNONYMS = _names()


@dataclass(frozen=True)
class _Term:
    phrase: _Phrase
    text: str                        # the name as the list writes it, for explanations


def item_terms(item: str) -> list[_Term]:
    """The names a list entry goes by: its main name, the slash's alternatives and the
    parenthesis (another name, or a kind: see PAREN_*)."""
    names: list[str] = []
    main = _PARENS.sub(" ", item).strip()
    override = ITEM_TERMS.get(" ".join(main.casefold().split()))
    mains = list(override) if override else [p.strip() for p in main.split("/") if p.strip()]
    kinds: list[str] = []
    for inside in _PARENS.findall(item):
        for part in re.split(r",|\band\b", inside):
            part_key = " ".join(words(part))
            if not part_key or part_key in PAREN_CATEGORIES:
                continue
            if part_key in PAREN_MODIFIERS:
                kinds += [f"{part.strip()} {m}" for m in mains]
            else:
                names.append(part.strip())
    if kinds:
        mains = [m for m in mains if " ".join(words(m)) not in GENERIC_MAINS]
    names = mains + kinds + names
    seen: set[tuple[str, ...]] = set()
    terms = []
    for name in names:
        raw = words(name)
        if raw and raw not in seen:
            seen.add(raw)
            terms.append(_Term(_Phrase.of(raw), name.strip()))
    return terms


def _product_phrases(product: str) -> list[_Phrase]:
    """A product as written may hold several ("cotton, yarn"), alternatives ("thread/yarn")
    and a parenthesis ("cobalt (heterogenite)")."""
    parts: list[str] = []
    for chunk in _PRODUCT_SPLIT.split(product[:MAX_PRODUCT]):
        parts += [p for p in chunk.split("/")]
    phrases, seen = [], set()
    for part in parts:
        for text in (_PARENS.sub(" ", part), *_PARENS.findall(part)):
            raw = words(text)
            if raw and raw not in seen:
                seen.add(raw)
                phrases.append(_Phrase.of(raw))
    return phrases


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or a == b


def _how(p: _Phrase, t: _Phrase) -> str | None:
    if p.raw == t.raw:
        return "exact"
    if p.sing == t.sing:
        return "plural"
    if not _compatible(p.quals, t.quals):
        return None
    if p.core == t.core:
        return "qualifier"
    if t.core in _SYNONYMS.get(p.core, ()):
        return "synonym"
    n = len(t.core)
    if len(p.core) > n and p.core[-n:] == t.core:
        return "compound"
    for start in range(1, len(p.core)):  # the head, named by a synonym ("woven shirts")
        if t.core in _SYNONYMS.get(p.core[start:], ()):
            return "compound"
    return None


@dataclass(frozen=True)
class GoodMatch:
    product: str          # as the supplier wrote it
    entry: GoodEntry
    how: str              # one of HOW
    term: str             # the name of the entry that matched ("yarn" of "Thread/Yarn")

    @property
    def derived(self) -> bool:
        return self.entry.derived


class GoodsMatcher:
    """Matches products against the list, country by country; build one per set of tables
    (the entries' names are prepared once per country, on first use)."""

    def __init__(self, goods: Mapping[str, Sequence[GoodEntry]]) -> None:
        self._goods = goods
        self._terms: dict[str, list[tuple[GoodEntry, list[_Term]]]] = {}

    def _entries(self, country: str) -> list[tuple[GoodEntry, list[_Term]]]:
        if country not in self._terms:
            self._terms[country] = [(e, item_terms(e.item))
                                    for e in self._goods.get(country, ())]
        return self._terms[country]

    def match(self, country: str | None, products: Iterable[object]) -> list[GoodMatch]:
        entries = self._entries(country) if country else []
        if not entries:
            return []
        found: dict[tuple[int, int], tuple[int, GoodMatch]] = {}
        for index, product in enumerate(products):
            if not isinstance(product, str) or not product.strip():
                continue
            for phrase in _product_phrases(product):
                for n, (entry, terms) in enumerate(entries):
                    for term in terms:
                        how = _how(phrase, term.phrase)
                        if how is None:
                            continue
                        rank = HOW.index(how)
                        best = found.get((index, n))
                        if best is None or rank < best[0]:
                            found[(index, n)] = (rank, GoodMatch(product, entry, how,
                                                                 term.text))
        ordered = sorted(found.items(), key=lambda kv: (kv[0][0], kv[1][1].entry.row_no,
                                                        kv[1][1].entry.item, kv[0][1]))
        return [match for _key, (_rank, match) in ordered]


def match_products(products: Iterable[object], entries: Sequence[GoodEntry]
                   ) -> list[GoodMatch]:
    """The matches of a supplier's products among its country's entries."""
    return GoodsMatcher({"*": entries}).match("*", products)
