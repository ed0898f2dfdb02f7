"""Matching company names as people spell them (pure: no Flask, no session).

Used for screening suppliers against entity lists (risk/screening) and for finding duplicate
suppliers inside one network (suppliers/duplicates.py). A name is normalised (case, accents,
punctuation, whitespace, legal-form suffixes in several languages, "and its subsidiaries"),
then compared with rapidfuzz; country and identifiers confirm or rule out. An identifier match
is certain; a name match has a score from 0 to 100 and its reasons. Names in non-Latin
scripts are compared as written (accents are kept there: they carry meaning) and, where the
record has one, by their Latin name as well.

Every threshold is in THRESHOLDS, documented there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    # Both sides have identifiers and none is shared: most likely another company; capped
    # below `possible`, so it is not put forward (the reason is kept for the record).
    other_identifier_cap: float = 75.0
    # Blocking: candidates share at least one token of this length or more.
    min_token: int = 3
    # Duplicates inside a network: similar names in the same country need this score ...
    duplicate_name: float = 90.0
    # ... and the same address (token score) or at least one product in common.
    duplicate_address: float = 85.0


THRESHOLDS = Thresholds()

# Legal forms and their abbreviations, as whole tokens after normalisation, in several
# languages: English, German, French, Spanish, Portuguese, Italian, Dutch, Nordic,
# Indonesian/Malay, Russian (transliterated), Vietnamese, Turkish, Indian, Chinese.
LEGAL_FORMS = frozenset("""
co company corp corporation inc incorporated ltd limited llc llp lp plc pte pvt
gmbh ag kg ohg ug mbh sa sas sarl sasu eurl sl slu sae srl spa sapa snc
ltda eireli me epp cia bv nv vof oy oyj ab as asa aps kk yk pt tbk cv ud bhd sdn
jsc ojsc cjsc pjsc ooo zao oao pao tnhh cp ctcp mtv sti
""".split())  # noqa: SIM905 - a word list reads better as text
# Multi-word forms, removed before tokenising (normalised spelling).
LEGAL_PHRASES = (
    "and its subsidiaries", "and subsidiaries", "and affiliates", "and its affiliates",
    "& subsidiaries", "limited liability company", "public limited company",
    "private limited", "company limited", "joint stock company", "sdn bhd",
    "cong ty co phan", "cong ty tnhh", "cong ty", "societe anonyme", "sociedad anonima",
    "sociedade limitada", "s de rl de cv", "sa de cv",
)
# Chinese and Japanese company suffixes, removed at the end of a name written in those scripts.
CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团公司", "公司",
                "株式会社", "有限会社")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")
_ALNUM = re.compile(r"[^0-9A-Z]")


# Small words that carry nothing in a company name.
STOPWORDS = frozenset({"and", "the", "of", "und", "et", "y", "e", "de", "del", "la", "le"})


def _latin(text: str) -> bool:
    """Latin script throughout (Vietnamese and other accented Latin letters included)."""
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


def normalise(name: str | None) -> str:
    """The comparable form of a name: "HOSHINE SILICON INDUSTRY CO LTD" and "Hoshine Silicon
    Industry Co., Ltd. and Subsidiaries" both give "hoshine industry silicon"."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    for suffix in CJK_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if _latin(text):
        text = _strip_accents(text).replace("đ", "d")
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text.replace(".", ""))
    text = f" {_SPACE.sub(' ', text).strip()} "
    for phrase in LEGAL_PHRASES:
        text = text.replace(f" {phrase.replace('&', 'and')} ", " ")
    words = [w for w in text.split() if w not in LEGAL_FORMS and w not in STOPWORDS]
    return " ".join(sorted(words)) if words else text.strip()


def tokens(normalised: str, *, min_len: int = THRESHOLDS.min_token) -> set[str]:
    """Blocking keys of a normalised name: its words, or (for names written without spaces,
    as Chinese is) its character pairs."""
    out = {w for w in normalised.split() if len(w) >= min_len and not w.isdigit()}
    for word in normalised.split():
        if not _latin(word) and len(word) >= 2:
            out.update(word[i:i + 2] for i in range(len(word) - 1))
    return out


def identifier_key(value: str | None) -> str:
    """Identifiers compared as upper-case letters and digits only (CNPJ dots, LEI spaces)."""
    return _ALNUM.sub("", str(value or "").upper())


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
        return cls(names, (country or "").upper() or None,
                   frozenset(k for k in (identifier_key(i) for i in identifiers) if len(k) >= 5))

    def keys(self) -> list[str]:
        return [k for k in dict.fromkeys(normalise(n) for n in self.names) if k]


@dataclass(frozen=True)
class Match:
    score: float          # 0-100
    certain: bool         # an identifier in common
    reasons: tuple[str, ...]
    ruled_out: bool = False  # identifiers of the same kind that differ, or another country

    @property
    def strong(self) -> bool:
        return self.certain or self.score >= THRESHOLDS.strong


def name_score(a: str, b: str) -> float:
    """Two normalised names: the better of token-set and whole-string similarity."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return max(fuzz.token_set_ratio(a, b), fuzz.ratio(a, b))


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
            score = name_score(a, b)
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
    if left.identifiers and right.identifiers:
        reasons.append("different identifiers")
        best = min(best, t.other_identifier_cap)
        ruled_out = True
    return Match(round(best, 1), False, tuple(reasons), ruled_out)
