"""The entity lists shipped in the repository (risk/data/screening/lists.json), loaded as the
platform's lists: every buying company screens against them.

As with the reference-data editions (risk/reference/shipped.py), a shipped file that no longer
matches its checksum is a packaging error, not a new edition: it fails loudly.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict
from risk.models import EntityList, ListEdition
from risk.reference.shipped import DATA_DIR, ShippedDataError
from risk.screening import services

MANIFEST = DATA_DIR / "screening" / "lists.json"


@dataclass(frozen=True)
class ShippedList:
    name: str
    issuer: str
    edition: str
    source_url: str | None
    path: str       # under risk/data
    sha256: str


@lru_cache(maxsize=1)
def shipped_lists() -> tuple[ShippedList, ...]:
    if not MANIFEST.exists():
        return ()
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return tuple(ShippedList(e["name"], e["issuer"], e["edition"], e.get("source_url"),
                             e["path"], e["sha256"]) for e in data["lists"])


def _data(entry: ShippedList) -> bytes:
    data = (DATA_DIR / entry.path).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise ShippedDataError(f"risk/data/{entry.path} does not match its checksum in "
                               "screening/lists.json: a changed file needs a new edition")
    return data


def ensure_shipped(session: Session, *, actor: Any = None) -> list[ListEdition]:
    """Load the shipped list editions the platform lacks, in manifest order; idempotent."""
    have = {(name, edition) for name, edition in session.execute(
        select(EntityList.name, ListEdition.edition)
        .join(ListEdition, ListEdition.list_id == EntityList.id)
        .where(EntityList.scope_key == 0))}
    loaded = []
    for entry in shipped_lists():
        if (entry.name, entry.edition) in have:
            continue
        with suppress(Conflict):  # loaded by another process at the same moment: there it is
            loaded.append(services.load_list(
                session, filename=entry.path.rsplit("/", 1)[-1], data=_data(entry),
                name=entry.name, issuer=entry.issuer, edition=entry.edition,
                source_url=entry.source_url, org_id=None, actor=actor))
    return loaded
