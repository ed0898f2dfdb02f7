"""The editions shipped in the repository (risk/data/editions.json) and their files.

A shipped file that no longer matches the checksum in the manifest is a packaging error: the
same edition label would then name two different contents, and an old score could no longer be
explained by what its edition says. So it fails loudly instead of loading.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANIFEST = DATA_DIR / "editions.json"


class ShippedDataError(RuntimeError):
    """The shipped data and its manifest disagree."""


@dataclass(frozen=True)
class ShippedEdition:
    dataset: str
    edition: str
    title: str
    source: str
    licence: str | None
    retrieved_on: date | None
    files: tuple[tuple[str, str], ...]  # (path under risk/data, sha256)


@lru_cache(maxsize=1)
def shipped_editions() -> tuple[ShippedEdition, ...]:
    """The manifest's editions, in load order."""
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return tuple(
        ShippedEdition(
            dataset=e["dataset"], edition=e["edition"], title=e["title"], source=e["source"],
            licence=e.get("licence"),
            retrieved_on=date.fromisoformat(e["retrieved_on"]) if e.get("retrieved_on")
            else None,
            files=tuple((f["path"], f["sha256"]) for f in e["files"]))
        for e in data["editions"])


def shipped_files(entry: ShippedEdition) -> list[tuple[str, bytes]]:
    """(file name, bytes) of an edition's files, each checked against the manifest."""
    out = []
    for path, sha256 in entry.files:
        data = (DATA_DIR / path).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ShippedDataError(f"risk/data/{path} does not match its checksum in "
                                   "editions.json: a changed file needs a new edition entry")
        out.append((Path(path).name, data))
    return out
