"""Matching company names as people spell them (pure: no Flask, no session).

Used for screening suppliers against entity lists (risk/screening) and for finding duplicate
suppliers inside one network (suppliers/duplicates.py). A name is normalised (case, accents,
punctuation, whitespace, legal-form suffixes in several languages, "and its subsidiaries"),
then compared with rapidfuzz; country and identifiers confirm or rule out. An identifier match
is certain; a name match has a score from 0 to 100 and its reasons. Names in non-Latin
scripts are compared as written (accents are kept there: they carry meaning) and, where the
record has one, by their Latin name as well.

Every threshold is in THRESHOLDS, documented there; the table tests
(tests/suppliers/test_matching.py) hold the real-world spellings these rules answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz


@dataclass(frozen=True)
class Thresholds:
    # A name score at or above this is put forward for review.
    possible: float = 86.0
    # ... and at or above this, with the same country, it is a strong match (still reviewed).
    strong: float = 94.0
    # A name match in a different country than the entry's is capped here: put forward, never
    # "strong" (a subsidiary abroad may be listed under the parent's name).
    other_country_cap: float = 88.0
    # Both sides have an identifier of the same kind and none is shared: most likely another
    # company; capped below `possible`, so it is not put forward (the reason is kept).
    other_identifier_cap: float = 75.0
    # Blocking: candidates share at least one token of this length or more.
    min_token: int = 3
    # A name written without spaces (Chinese, Japanese, Thai) wholly inside a longer one, as
    # "合盛硅业" in "新疆合盛硅业" (a place name first is usual there), scores this much when
    # the shorter has at least `contained_min` characters: put forward, never strong.
    contained: float = 90.0
    contained_min: int = 4
    # Numbers name sites: "Dhaka Denim 1" and "Dhaka Denim 2", or 12 and 14 Industrial Road,
    # are two places. When the numbers (words with a digit) of the shorter are not all in
    # the longer, the score is capped here.
    other_number_cap: float = 80.0
    # Duplicates inside a network: similar names in the same country need this score ...
    duplicate_name: float = 90.0
    # ... and the same address (address_score) or at least one product in common.
    duplicate_address: float = 85.0
    # Blocking for duplicates (suppliers/duplicates.py): a block (country and name token) of
    # more suppliers than this is not compared pair by pair; its suppliers are sorted by name
    # and each is compared with the next `window` (common words such as "garment" make huge
    # blocks whose pairs share nothing else).
    max_block: int = 300
    window: int = 12


THRESHOLDS = Thresholds()

# Legal forms and their abbreviations, as whole tokens after normalisation, in several
# languages: English, German, French, Spanish, Portuguese, Italian, Dutch, Nordic,
# Indonesian/Malay, Russian (transliterated and Cyrillic), Vietnamese, Turkish, Indian,
# Australian, Thai.
LEGAL_FORMS = frozenset("""
co company corp corporation inc incorporated ltd limited llc llp lp plc pte pvt pty private
gmbh ag kg ohg ug mbh ev sa sas sarl sasu eurl sl slu sae srl spa sapa snc
ltda eireli me epp cia bv nv vof oy oyj ab as asa aps kk yk pt tbk cv ud bhd sdn
jsc ojsc cjsc pjsc ooo zao oao pao tnhh cp ctcp mtv sti
ооо оао зао пао ао บริษัท จำกัด มหาชน
""".split())  # noqa: SIM905 - a word list reads better as text
# Multi-word forms, removed before tokenising (normalised spelling, longest first).
LEGAL_PHRASES = tuple(sorted((
    "and its subsidiaries", "and subsidiaries", "and affiliates", "and its affiliates",
    "and its subsidiary", "and subsidiary", "limited liability company",
    "public limited company", "private limited", "company limited", "joint stock company",
    "joint stock",
    "sdn bhd", "cong ty co phan", "cong ty tnhh", "tong cong ty", "cong ty", "mot thanh vien",
    "societe anonyme", "sociedad anonima", "sociedade limitada", "s de rl de cv", "sa de cv",
    "kabushiki kaisha", "anonim sirketi", "limited sirketi", "sanayi ve ticaret",
    "san ve tic", "public company",
), key=len, reverse=True))
# Company forms of scripts written without spaces (Chinese, Japanese, Korean), removed at
# either end of a name (Japanese and Korean put them first or last), longest first.
CJK_FORMS = ("股份有限公司", "有限责任公司", "有限責任公司", "集团有限公司", "有限公司", "集团公司",
             "株式会社", "有限会社", "주식회사", "(주)", "公司")
# Common abbreviations, spelled out so that "Intl Textile Mfg" meets its long form.
ABBREVIATIONS = {
    "intl": "international", "mfg": "manufacturing", "mfrs": "manufacturers",
    "mfr": "manufacturer", "ind": "industry", "inds": "industries", "indus": "industries",
    "bros": "brothers", "natl": "national", "svcs": "services", "svc": "service",
    "grp": "group",
}
# Latin letters NFKD does not take apart.
_LETTERS = str.maketrans({"đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "ı": "i",
                          "þ": "th", "ħ": "h"})
# Initials written with dots: "S.A.", "G.m.b.H.", "L.L.C." become one word before the other
# dots turn into spaces ("Co.,Ltd" and "CO.LTD" are two words).
_INITIALS = re.compile(r"(?<!\w)\w(?:\.\w)+\.?(?!\w)")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
# "Footwear26" is "Footwear 26": a number typed against a word is still a number of its own.
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_SPACE = re.compile(r"\s+")
_ALNUM = re.compile(r"[^0-9A-Z]")
# Scripts written without spaces between words: compared as written, blocked by character
# pairs. (Cyrillic, Greek, Arabic... have spaces: their words are tokens like Latin ones.)
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")

# Small words that carry nothing in a company name.
STOPWORDS = frozenset({"and", "the", "of", "und", "et", "y", "e", "de", "del", "la", "le",
                       "des", "du", "van", "der", "и"})  # not "da": Da Nang


@lru_cache(maxsize=4096)
def _char_script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if "LATIN" in name:
        return "latin"
    if name.startswith(_UNSPACED):
        return "unspaced"
    return "other"


def _latin(text: str) -> bool:
    """Latin script throughout (Vietnamese and other accented Latin letters included)."""
    return text.isascii() or all(not ch.isalpha() or _char_script(ch) == "latin" for ch in text)


def unspaced(word: str) -> bool:
    """Written in a script without spaces between words (Chinese, Japanese, Thai...)."""
    return not word.isascii() and any(ch.isalpha() and _char_script(ch) == "unspaced"
                                      for ch in word)


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.translate(_LETTERS))
                   if not unicodedata.combining(ch))


def _strip_cjk_forms(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for form in CJK_FORMS:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)].rstrip(), True
            elif text.startswith(form) and len(text) > len(form):
                text, changed = text[len(form):].lstrip(), True
    return text


@lru_cache(maxsize=65536)
def normalise(name: str | None) -> str:
    """The comparable form of a name: "HOSHINE SILICON INDUSTRY CO LTD" and "Hoshine Silicon
    Industry Co., Ltd. and Subsidiaries" both give "hoshine industry silicon" (words sorted,
    so word order does not count)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold().strip()
    text = _strip_cjk_forms(text)
    text = _INITIALS.sub(lambda m: m.group().replace(".", ""), text)
    text = text.replace("&", " and ").replace("+", " and ")
    text = _PUNCT.sub(" ", text)
    words = [_strip_accents(w) if _latin(w) else w for w in text.split()]
    words = [ABBREVIATIONS.get(w, w) for w in words]
    words = [p for w in words
             for p in (_LETTER_DIGIT.sub(" ", w).split() if not w.isalpha() and _latin(w) else [w])]
    base = f" {' '.join(words)} "
    text = base
    for phrase in LEGAL_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    kept = [w for w in text.split() if w not in LEGAL_FORMS and w not in STOPWORDS]
    # A name that is nothing but legal forms ("Co., Ltd.") keeps them: it is all there is.
    return " ".join(sorted(kept or base.split()))


def tokens(normalised: str, *, min_len: int = THRESHOLDS.min_token) -> set[str]:
    """Blocking keys of a normalised name: its words, or (for names written without spaces,
    as Chinese is) its character pairs."""
    out = {w for w in normalised.split() if len(w) >= min_len and not w.isdigit()}
    for word in normalised.split():
        if len(word) >= 2 and unspaced(word):
            out.update(word[i:i + 2] for i in range(len(word) - 1))
    return out


def identifier_key(value: str | None) -> str:
    """Identifiers compared as upper-case letters and digits only (CNPJ dots, LEI spaces)."""
    return _ALNUM.sub("", unicodedata.normalize("NFKC", str(value or "")).upper())


_OS_ID = re.compile(r"[A-Z]{2}\d{7}[A-Z0-9]{6}")


def identifier_kind(key: str) -> str:
    """What kind of identifier a key is, by its shape: two identifiers of the same kind that
    differ name two companies; an OS ID and a LEI say nothing about each other."""
    if len(key) == 20 and key[-2:].isdigit():
        return "lei"  # ISO 17442: 18 letters or digits and two check digits
    if _OS_ID.fullmatch(key):
        return "os_id"
    if key.isdigit() and len(key) == 9:
        return "duns"
    if key.isdigit() and len(key) == 14:
        return "cnpj"  # Brazil's company registry (the 14 digits of 12.345.678/0001-90)
    if len(key) == 18:
        return "uscc"  # China's unified social credit code
    return f"other-{len(key)}"  # unknown registries: same length taken as the same kind


@dataclass(frozen=True)
class Named:
    """What matching needs of a supplier or a list entry."""

    names: tuple[str, ...]            # the name first, then aliases and a Latin name
    country: str | None = None        # ISO 3166-1 alpha-2
    identifiers: frozenset[str] = field(default_factory=frozenset)  # identifier_key values

    @classmethod
    def of(cls, name: str, *, aliases: Iterable[str] = (), latin: str | None = None,
           country: str | None = None, identifiers: Iterable[str | None] = ()) -> Named:
        names = tuple(dict.fromkeys(n for n in (name, *aliases, latin or "") if n and n.strip()))
        return cls(names, (country or "").strip().upper() or None,
                   frozenset(k for k in (identifier_key(i) for i in identifiers) if len(k) >= 5))

    def keys(self) -> list[str]:
        return [k for k in dict.fromkeys(normalise(n) for n in self.names) if k]

    def identifier_kinds(self) -> set[str]:
        return {identifier_kind(k) for k in self.identifiers}


@dataclass(frozen=True)
class Match:
    score: float          # 0-100
    certain: bool         # an identifier in common
    reasons: tuple[str, ...]
    ruled_out: bool = False  # identifiers of the same kind that differ, or another country

    @property
    def strong(self) -> bool:
        return self.certain or self.score >= THRESHOLDS.strong


def name_score(a: str, b: str, t: Thresholds = THRESHOLDS) -> float:
    """Two normalised names, 0-100. Word order never counts (the words are sorted). When one
    name's words are all in the other, the extra words lower the score by how much of the
    longer name they are: "acme" and "acme holdings" are not one company, but "hoshine
    industry silicon" and "hoshine industry silicon xinjiang" may be."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    left, right = set(a.split()), set(b.split())
    whole = fuzz.ratio(a, b)
    if left < right or right < left:
        # every word of one is in the other: the extra words count by their share
        score = (fuzz.token_set_ratio(a, b) + whole) / 2
    else:
        score = _aligned(left, right, whole)
    if unspaced(a) or unspaced(b):
        short, long_ = sorted((a, b), key=len)
        if len(short) >= t.contained_min and short.replace(" ", "") in long_.replace(" ", ""):
            score = max(score, t.contained)
    if not _numbers_agree(a, b):
        score = min(score, t.other_number_cap)
    return round(score, 1)


def _aligned(left: set[str], right: set[str], whole: float) -> float:
    """The words both names have, then each one's other words: a typo or a dropped letter in
    one word costs only that word, wherever it sorts ("mbroidery" for "embroidery"), and two
    words typed as one ("GoldenFashion") count as both. Never above token_set_ratio (which
    suppliers/duplicates.py uses as its prefilter) but for such joined words."""
    common = left & right
    if not common:
        return whole
    only_left, only_right = sorted(left - right), sorted(right - left)
    for joined, parts in ((only_left, only_right), (only_right, only_left)):
        for word in list(joined):
            pair = next(((x, y) for x in parts for y in parts
                         if x != y and x + y == word), None)
            if pair is not None and word in joined:
                joined.remove(word)
                parts.remove(pair[0])
                parts.remove(pair[1])
                common = common | {word}
    head = " ".join(sorted(common))
    if not only_left and not only_right:
        return 100.0
    return fuzz.ratio(" ".join([head, *only_left]), " ".join([head, *only_right]))


def _numbers_agree(a: str, b: str) -> bool:
    left = {w for w in a.split() if any(c.isdigit() for c in w)}
    right = {w for w in b.split() if any(c.isdigit() for c in w)}
    return not left or not right or left <= right or right <= left


def address_score(a: str | None, b: str | None) -> float:
    """Two addresses, 0-100, normalised as names are (case, accents, punctuation); a province
    alone is not the address of a street in it (the extra words count, as in name_score)."""
    left, right = _address(a), _address(b)
    if not left or not right:
        return 0.0
    return name_score(left, right)


# Street abbreviations spelled out ("kcn": khu công nghiệp, Vietnamese for industrial park);
# "no" (number) dropped.
_STREET = {"rd": "road", "st": "street", "str": "strasse", "ave": "avenue", "dist": "district",
           "blvd": "boulevard", "hwy": "highway", "ind": "industrial", "no": "",
           "kcn": "industrial park", "ip": "industrial park"}


@lru_cache(maxsize=65536)
def _address(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = _PUNCT.sub(" ", text.replace(".", " "))
    words = [_strip_accents(w) if _latin(w) else w for w in text.split()]
    return " ".join(sorted(w for w in (_STREET.get(w, w) for w in words) if w))


def compare(left: Named, right: Named, *, left_keys: list[str] | None = None,
            right_keys: list[str] | None = None, t: Thresholds = THRESHOLDS) -> Match:
    """How well two records match, and why."""
    reasons: list[str] = []
    shared = left.identifiers & right.identifiers
    if shared:
        return Match(100.0, True, (f"same identifier {sorted(shared)[0]}",))
    lk, rk = left_keys or left.keys(), right_keys or right.keys()
    best, pair = 0.0, ("", "")
    for a in lk:
        for b in rk:
            score = name_score(a, b, t)
            if score > best:
                best, pair = score, (a, b)
    if best == 100.0:
        reasons.append(f'same name once normalised ("{pair[0]}")')
    elif best:
        reasons.append(f'similar names {best:.0f}/100 ("{pair[0]}" ~ "{pair[1]}")')
    ruled_out = False
    if left.country and right.country:
        if left.country == right.country:
            reasons.append(f"same country ({left.country})")
        else:
            reasons.append(f"different country ({left.country} vs {right.country})")
            best = min(best, t.other_country_cap)
            ruled_out = True
    clash = left.identifier_kinds() & right.identifier_kinds()
    if clash:
        reasons.append("different identifiers (" + ", ".join(sorted(clash)) + ")")
        best = min(best, t.other_identifier_cap)
        ruled_out = True
    return Match(round(best, 1), False, tuple(reasons), ruled_out)
