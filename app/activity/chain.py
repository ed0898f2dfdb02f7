"""The activity log's hash chain. Pure: each entry commits to the one before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


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
    entry_id: int
    seq: int
    reason: str


def verify(entries: Iterable[tuple[int, int, str, str, Mapping[str, Any]]]) -> Broken | None:
    """Check (id, seq, prev_hash, hash, fields) in seq order; the first break, or None."""
    expected_prev, expected_seq = GENESIS, 1
    for entry_id, seq, prev_hash, stored_hash, fields in entries:
        if seq != expected_seq:
            return Broken(entry_id, seq, f"sequence jumps from {expected_seq - 1} to {seq}")
        if prev_hash != expected_prev:
            return Broken(entry_id, seq, "does not point at the entry before it")
        if entry_hash(prev_hash, fields) != stored_hash:
            return Broken(entry_id, seq, "its content does not match its hash")
        expected_prev, expected_seq = stored_hash, seq + 1
    return None
