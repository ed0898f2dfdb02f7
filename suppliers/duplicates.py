"""Likely duplicate suppliers inside one company's network (pure: no Flask, no session).

A pair is proposed when the two records share an identifier (OS ID, LEI, DUNS: certain), or
when their names are similar (THRESHOLDS.duplicate_name) in the same country and they have the
same address (THRESHOLDS.duplicate_address) or a product in common. Every pair comes with its
reasons.

Comparing every pair of 100,000 suppliers is 5 billion comparisons, so candidates are blocked
first: by identifier, and within a country by the normalised name (suppliers/matching.py's
`tokens`: every two of its tokens, see _block_keys, and the whole name). A block is
scored in one rapidfuzz `cdist` call with token_set_ratio, an upper bound of matching's
name_score, so only pairs that can reach the threshold are looked at one by one; a block of
more than THRESHOLDS.max_block suppliers (a common word) is sorted by name and only neighbours
within THRESHOLDS.window are scored.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from suppliers.matching import (
    THRESHOLDS,
    Named,
    Thresholds,
    address_score,
    compare,
    identifier_key,
    tokens,
    unspaced,
)


@dataclass(frozen=True, slots=True)
class Record:
    """What duplicate detection reads of a supplier."""

    id: int
    name: str
    country: str
    latin_name: str | None = None
    address: str | None = None
    products: tuple[str, ...] = ()
    identifiers: tuple[str | None, ...] = ()  # os_id, lei, duns


@dataclass(frozen=True, slots=True)
class Pair:
    low_id: int
    high_id: int
    score: float
    certain: bool
    reasons: tuple[str, ...]


@dataclass
class Stats:
    records: int = 0
    blocks: int = 0          # blocks of two or more records
    compared: int = 0        # pairs scored (a pair in two blocks counts twice)
    looked_at: int = 0       # pairs above the prefilter, checked one by one
    candidates: int = 0      # pairs proposed
    windowed_blocks: int = 0  # blocks too large to compare pair by pair


@dataclass
class _Prepared:
    records: list[Record]
    named: list[Named]
    keys: list[list[str]]
    products: list[frozenset[str]]
    # (country, blocking key) -> indices of the normalised names (items) in it
    blocks: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    item_record: list[int] = field(default_factory=list)
    item_key: list[str] = field(default_factory=list)


def fingerprint(record: Record) -> str:
    """sha256 of what the decision was about: a "not a duplicate" holds until this changes."""
    data = [record.name, record.latin_name or "", record.country, record.address or "",
            sorted(p.casefold() for p in record.products),
            sorted(identifier_key(i) for i in record.identifiers if i)]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _prepare(records: list[Record]) -> _Prepared:
    named = [Named.of(r.name, latin=r.latin_name, country=r.country, identifiers=r.identifiers)
             for r in records]
    prepared = _Prepared(records, named, [n.keys() for n in named],
                         [frozenset(p.strip().casefold() for p in r.products if p.strip())
                          for r in records])
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (record, keys) in enumerate(zip(records, prepared.keys, strict=True)):
        for key in keys:
            item = len(prepared.item_key)
            prepared.item_key.append(key)
            prepared.item_record.append(index)
            country = record.country or ""
            for block in _block_keys(key):
                blocks[(country, block)].append(item)
    prepared.blocks = {k: v for k, v in blocks.items() if len(v) > 1}
    return prepared


def _block_keys(key: str) -> set[str]:
    """Where a normalised name is blocked: its whole self, and every two of its tokens; a name
    of one or two tokens also under each token alone (in blocks of such names only). Names
    that can reach THRESHOLDS.duplicate_name share nearly every word: with three words or
    more, a typo in one leaves two in common; a short name may keep only one."""
    found = sorted(tokens(key))
    keys = {f"={key}"}
    keys.update(f"{a}|{b}" for i, a in enumerate(found) for b in found[i + 1:])
    if len(found) <= 2:
        keys.update(f"1:{t}" for t in found)
    return keys


def _identifier_pairs(prepared: _Prepared) -> set[tuple[int, int]]:
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, named in enumerate(prepared.named):
        for key in named.identifiers:
            by_key[key].append(index)
    return {(a, b) if a < b else (b, a)
            for members in by_key.values() if len(members) > 1
            for i, a in enumerate(members) for b in members[i + 1:] if a != b}


def _chunks(members: list[int], keys: list[str], t: Thresholds) -> Iterator[list[int]]:
    """A block as the groups to score: whole, or (too large) sorted by name in overlapping
    chunks of 2 x window, so every two names within `window` of each other meet once."""
    if len(members) <= t.max_block:
        yield members
        return
    ordered = sorted(members, key=keys.__getitem__)
    step = t.window
    for start in range(0, len(ordered) - 1, step):
        yield ordered[start:start + 2 * step]


def candidate_pairs(records: list[Record], t: Thresholds = THRESHOLDS) -> tuple[int, int]:
    """The blocking alone, without any scoring: (blocks, pairs that would be scored). The floor
    the benchmark measures detection against."""
    prepared = _prepare(records)
    pairs = 0
    for members in prepared.blocks.values():
        for chunk in _chunks(members, prepared.item_key, t):
            pairs += len(chunk) * (len(chunk) - 1) // 2
    return len(prepared.blocks), pairs + len(_identifier_pairs(prepared))


def _above(chunk: list[int], prepared: _Prepared, cutoff: float, contained: bool
           ) -> Iterator[tuple[int, int]]:
    """Pairs of records in `chunk` whose names can reach `cutoff` (token_set_ratio is never
    below matching.name_score); for names written without spaces, also one inside another."""
    names = [prepared.item_key[i] for i in chunk]
    scores = process.cdist(names, names, scorer=fuzz.token_set_ratio, score_cutoff=cutoff,
                           dtype=np.uint8)
    if contained:
        scores = np.maximum(scores, process.cdist(names, names, scorer=fuzz.partial_ratio,
                                                  score_cutoff=100, dtype=np.uint8))
    rows, cols = np.nonzero(np.triu(scores, k=1))
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = prepared.item_record[chunk[r]], prepared.item_record[chunk[c]]
        if a != b:
            yield (a, b) if a < b else (b, a)


def _judge(prepared: _Prepared, a: int, b: int, t: Thresholds) -> Pair | None:
    left, right = prepared.records[a], prepared.records[b]
    match = compare(prepared.named[a], prepared.named[b], left_keys=prepared.keys[a],
                    right_keys=prepared.keys[b], t=t)
    low, high = sorted((left.id, right.id))
    if match.certain:
        return Pair(low, high, match.score, True, match.reasons)
    if match.ruled_out or match.score < t.duplicate_name or left.country != right.country:
        return None
    reasons = list(match.reasons)
    address = address_score(left.address, right.address)
    common = sorted(prepared.products[a] & prepared.products[b])
    if address >= t.duplicate_address:
        reasons.append(f"same address ({address:.0f}/100)")
    if common:
        reasons.append("products in common: " + ", ".join(common[:5]))
    if address < t.duplicate_address and not common:
        return None
    return Pair(low, high, match.score, False, tuple(reasons))


def find_duplicates(records: Iterable[Record], t: Thresholds = THRESHOLDS
                    ) -> tuple[list[Pair], Stats]:
    """Every likely duplicate pair among `records` (one organisation's live suppliers), highest
    score first, and what the search did."""
    records = list(records)
    prepared = _prepare(records)
    stats = Stats(records=len(records), blocks=len(prepared.blocks))
    cutoff = t.duplicate_name
    seen = _identifier_pairs(prepared)
    stats.compared += len(seen)
    for (_country, block), members in prepared.blocks.items():
        contained = unspaced(block)
        if len(members) > t.max_block:
            stats.windowed_blocks += 1
        for chunk in _chunks(members, prepared.item_key, t):
            stats.compared += len(chunk) * (len(chunk) - 1) // 2
            seen.update(_above(chunk, prepared, cutoff, contained))
    stats.looked_at = len(seen)
    pairs = [p for p in (_judge(prepared, a, b, t) for a, b in seen) if p is not None]
    pairs.sort(key=lambda p: (-p.certain, -p.score, p.low_id, p.high_id))
    stats.candidates = len(pairs)
    return pairs, stats
