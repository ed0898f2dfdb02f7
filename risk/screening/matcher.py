"""Which suppliers may be which list entries: blocking, then suppliers.matching.compare (pure).

Comparing 100,000 suppliers with 10,000 entries pair by pair is a billion comparisons. Instead
the entries are indexed once by blocking keys, per country (an entry with a country only ever
matches a supplier of that country, unless an identifier is shared: compare() rules the rest
out), and a supplier is compared only with the entries it shares a key with:

- keys are the words of each normalised name (suppliers.matching.tokens: words of three
  letters or more, character pairs for names written without spaces) and the first four
  letters of longer words: a supplier's word that no entry has (perhaps misspelt) is looked
  up by its prefix instead (so "Hoshin" still meets "Hoshine");
- a key held by many entries of a country ("xinjiang", "textile": more than MAX_POSTING, or
  in a smaller list more than COMMON_SHARE of it) says little and is not looked up, except
  when a supplier has nothing rarer, then its rarest key is;
- every entry is also indexed by the pairs of its common words ("xinjiang+cotton"), which a
  supplier with the same two words finds: a name of common words only, or one whose rare word
  is misspelt, still meets its entry (a name of one common word is indexed by that word);
- an identifier in common always makes a candidate, whatever the countries.

Candidates then pass a prefilter in rapidfuzz's C loop (process.extract with the `possible`
cutoff, for both scorers compare() uses: no pair that compare() could put forward is lost) and
the survivors go through compare(). A result ruled out (another country, other identifiers)
or scored below THRESHOLDS.possible is not put forward.

Fingerprints say what a record says as matched: a dismissed pair comes back only when the
supplier's or the entry's fingerprint changes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from rapidfuzz import fuzz, process

from suppliers.matching import THRESHOLDS, Named, compare, identifier_key, tokens

__all__ = ["MAX_POSTING", "EntryIndex", "Found", "Stats", "entry_fingerprint", "screen",
           "supplier_fingerprint"]

# A key held by more entries of a country than this is "common": at most MAX_POSTING, and in
# a smaller country bucket (or list) COMMON_SHARE of its entries, but never below MIN_POSTING.
MAX_POSTING = 100
COMMON_SHARE = 0.01
MIN_POSTING = 8
PREFIX = 4          # letters of a word's prefix key (words longer than this)
PAIR_WORDS = 6      # at most this many common words of a name make pair keys
ANY = ""            # the country bucket of entries without a country


def _digest(parts: list[object]) -> str:
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_fingerprint(name: str, aliases: Iterable[str], country: str | None,
                      identifiers: Iterable[str]) -> str:
    """What an entry says, as matched: reordered aliases or identifiers are no change."""
    return _digest(["entry", name, sorted(aliases), country or "",
                    sorted({identifier_key(i) for i in identifiers} - {""})])


def supplier_fingerprint(name: str, latin_name: str | None, country: str | None,
                         identifiers: Iterable[str | None]) -> str:
    return _digest(["supplier", name, latin_name or "", country or "",
                    sorted({identifier_key(i) for i in identifiers if i} - {""})])


def _prefix(word: str) -> str | None:
    return "~" + word[:PREFIX] if len(word) > PREFIX and word.isascii() else None


def _keys(normalised: str) -> set[str]:
    """An entry's keys: its words and their prefixes."""
    words = tokens(normalised)
    return words | {p for w in words if (p := _prefix(w))}


def _pairs(words: Iterable[str]) -> set[str]:
    chosen = sorted(w for w in words if not w.startswith("~"))[:PAIR_WORDS]
    return {f"{a}+{b}" for a, b in combinations(chosen, 2)}


@dataclass(frozen=True)
class Found:
    supplier_id: int
    entry_id: int
    score: float
    certain: bool
    reasons: tuple[str, ...]


@dataclass
class Stats:
    suppliers: int = 0
    candidates: int = 0   # pairs that shared a blocking key or an identifier
    compared: int = 0     # pairs that passed the prefilter and went through compare()
    found: int = 0


@dataclass
class EntryIndex:
    """Entries indexed for blocking: built once per run from (entry id, Named)."""

    ids: list[int] = field(default_factory=list)
    named: list[Named] = field(default_factory=list)
    keys: list[list[str]] = field(default_factory=list)       # normalised names
    country: list[str] = field(default_factory=list)
    postings: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    identifiers: dict[str, list[int]] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)   # country bucket -> common above
    _buckets: tuple[str, ...] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, entries: Iterable[tuple[int, Named]]) -> EntryIndex:
        index = cls()
        postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        identifiers: dict[str, list[int]] = defaultdict(list)
        own_keys: list[set[str]] = []
        for position, (entry_id, named) in enumerate(entries):
            names = named.keys()
            bucket = named.country or ANY
            index.ids.append(entry_id)
            index.named.append(named)
            index.keys.append(names)
            index.country.append(bucket)
            keys = set().union(*(_keys(n) for n in names)) if names else set()
            own_keys.append(keys)
            for key in keys:
                postings[(bucket, key)].append(position)
            for ident in named.identifiers:
                identifiers[ident].append(position)
        sizes: dict[str, int] = defaultdict(int)
        for bucket in index.country:
            sizes[bucket] += 1
        index.limits = {b: min(MAX_POSTING, max(MIN_POSTING, math.ceil(COMMON_SHARE * n)))
                        for b, n in sizes.items()}
        pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for position, keys in enumerate(own_keys):
            bucket = index.country[position]
            limit = index.limits[bucket]
            common = [k for k in keys if len(postings[(bucket, k)]) > limit]
            for pair in _pairs(common):
                pairs[(bucket, pair)].append(position)
            words = [k for k in common if not k.startswith("~")]
            if len(words) == 1 and len(common) == len(keys):  # a name of one common word
                pairs[(bucket, words[0])].append(position)
        index.postings, index.pairs = dict(postings), dict(pairs)
        index.identifiers = dict(identifiers)
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, named: Named, names: list[str]) -> set[int]:
        """Positions of the entries worth comparing with this supplier."""
        found: set[int] = set()
        for ident in named.identifiers:
            found.update(self.identifiers.get(ident, ()))
        words = set().union(*(tokens(n) for n in names)) if names else set()
        # A supplier without a country may be any entry's (compare() rules nothing out).
        for bucket in (named.country, ANY) if named.country else self.buckets():
            limit = self.limits.get(bucket)
            if limit is None:  # no entry of that country
                continue
            rarest: list[int] | None = None
            rare_hit = False
            common = []
            for word in words:
                posting = self.postings.get((bucket, word))
                if not posting:
                    # A word no entry has may be misspelt: its prefix stands in for it.
                    prefix = _prefix(word)
                    posting = self.postings.get((bucket, prefix)) if prefix else None
                    if not posting or len(posting) > limit:
                        continue
                if len(posting) <= limit:
                    found.update(posting)
                    rare_hit = True
                else:
                    common.append(word)
                    if rarest is None or len(posting) < len(rarest):
                        rarest = posting
            for pair in (*_pairs(common), *common):
                posting = self.pairs.get((bucket, pair))
                if not posting:
                    continue
                if len(posting) <= limit:
                    found.update(posting)
                    rare_hit = True
                elif rarest is None or len(posting) < len(rarest):
                    rarest = posting
            if not rare_hit and rarest is not None:  # nothing rarer: its rarest common key
                found.update(rarest)
        return found

    def buckets(self) -> tuple[str, ...]:
        if self._buckets is None:
            self._buckets = tuple(sorted(set(self.country)))
        return self._buckets

    def lookups(self, named: Named, names: list[str]) -> int:
        """The blocking alone (for the benchmark's floor): how many candidates it gives."""
        return len(self.candidates(named, names))


def _prefilter(names: list[str], choices: list[str]) -> set[int]:
    """Indices of the choices some name could reach `possible` with, in either scorer."""
    keep: set[int] = set()
    cutoff = THRESHOLDS.possible
    for query in names:
        for scorer in (fuzz.token_set_ratio, fuzz.ratio):
            keep.update(i for _c, _s, i in process.extract(
                query, choices, scorer=scorer, score_cutoff=cutoff, limit=None))
    return keep


def screen(index: EntryIndex, suppliers: Iterable[tuple[int, Named]],
           stats: Stats | None = None) -> Iterator[Found]:
    """Every (supplier, entry) pair put forward: certain, or scored `possible` or more and not
    ruled out. `stats` (if given) counts the work done."""
    stats = stats if stats is not None else Stats()
    for supplier_id, named in suppliers:
        stats.suppliers += 1
        names = named.keys()
        positions = index.candidates(named, names)
        if not positions:
            continue
        stats.candidates += len(positions)
        # One choice per (entry, name of the entry); back to the entry by position.
        keys = index.keys
        owners = [p for p in positions for _k in keys[p]]
        choices = [k for p in positions for k in keys[p]]
        keep = {owners[i] for i in _prefilter(names, choices)} if names else set()
        if named.identifiers:
            keep.update(p for p in positions if named.identifiers & index.named[p].identifiers)
        for p in sorted(keep):
            stats.compared += 1
            match = compare(named, index.named[p], left_keys=names, right_keys=index.keys[p])
            if match.certain or (not match.ruled_out and match.score >= THRESHOLDS.possible):
                stats.found += 1
                yield Found(supplier_id, index.ids[p], match.score, match.certain,
                            match.reasons)
