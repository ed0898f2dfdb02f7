"""The activity log's hash chain and its keyed checkpoints. Pure: no Flask, no session.

Each entry commits to the one before it (SHA-256). That alone shows an edit in the middle, but
anyone who can write to the database can recompute the whole chain, or cut its end off and
rewind the head. Checkpoints close that gap: an HMAC-SHA256, under a key the database never
holds, over an organisation's head at a moment in time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
# 1: every field but actor_id (entries written before 2026-12); 2: every field.
HASH_VERSIONS = (1, 2)
HASH_VERSION = 2
CHECKPOINT_CONTEXT = b"tierlight-activity-checkpoint-v1\n"
V1_FIELDS = ("org_id", "seq", "created_at", "actor_email", "action", "object_type", "object_id",
             "summary", "details")
# Every column but id and hash (prev_hash goes into the hash separately).
V2_FIELDS = (*V1_FIELDS, "actor_id", "hash_version")
CHAIN_COLUMNS = ("id", "prev_hash", "hash", *V2_FIELDS)


def hashed_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an entry's hash commits to, under the field set of its hash_version.

    Version 1 entries, written before actor_id was hashed, keep their old field set.
    """
    names = V1_FIELDS if values["hash_version"] == 1 else V2_FIELDS
    return {name: values[name] for name in names}


def canonical(fields: Mapping[str, Any]) -> bytes:
    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"not JSON-serialisable: {type(value).__name__}")

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=default).encode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Broken:
    entry_id: int | None  # None when the entry at `seq` is gone
    seq: int
    reason: str


def verify(
    entries: Iterable[tuple[int, int, str, str, Mapping[str, Any]]],
    *,
    prev: str = GENESIS,
    seq: int = 1,
) -> Broken | None:
    """Check (id, seq, prev_hash, hash, fields) in seq order; the first break, or None.

    `prev` and `seq` start the check part-way along a chain (after a checkpoint).
    """
    expected_prev, expected_seq, newest_version = prev, seq, 1
    for entry_id, entry_seq, prev_hash, stored_hash, fields in entries:
        if entry_seq != expected_seq:
            return Broken(
                entry_id, entry_seq, f"sequence jumps from {expected_seq - 1} to {entry_seq}"
            )
        if prev_hash != expected_prev:
            return Broken(entry_id, entry_seq, "does not point at the entry before it")
        version = fields.get("hash_version", 1)
        if version not in HASH_VERSIONS:
            return Broken(entry_id, entry_seq, f"unknown hash version {version}")
        if version < newest_version:
            # Old entries stay verifiable under the field set they were written with, but a
            # newer entry never falls back to it (that would unhash actor_id again).
            return Broken(entry_id, entry_seq, f"hash version goes back to {version}")
        if entry_hash(prev_hash, fields) != stored_hash:
            return Broken(entry_id, entry_seq, "its content does not match its hash")
        expected_prev, expected_seq, newest_version = stored_hash, entry_seq + 1, version
    return None


def checkpoint_mac(
    key: str, *, org_id: int, seq: int, entry_id: int, head_hash: str, created_at: datetime
) -> str:
    """HMAC-SHA256 of one checkpoint (documented in the README; keep it reproducible)."""
    message = canonical({
        "org_id": org_id, "seq": seq, "entry_id": entry_id, "head_hash": head_hash,
        "created_at": created_at,
    })
    return hmac.new(key.encode(), CHECKPOINT_CONTEXT + message, hashlib.sha256).hexdigest()


def mac_matches(key: str, mac: str, **fields: Any) -> bool:
    return hmac.compare_digest(checkpoint_mac(key, **fields), mac or "")
