"""Reference-data editions: loading one (all or nothing), the shipped ones, which edition of each
data set is current for an organisation, and the lookup tables a score reads.

An edition is immutable once loaded: its rows never change and it is never deleted (scores
name the edition ids they used). Loading a new edition of a data set in a scope (the platform,
or one organisation) marks the previous current one superseded in the same transaction. An
organisation reads its own current edition of a data set when it has one, else the platform's.
Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.activity.services import record
from app.db import utcnow
from app.errors import Conflict, ValidationFailed
from app.spreadsheets import SpreadsheetError
from app.uploads import as_app_error
from risk.models import DataEdition, ReferenceRow
from risk.reference import parsers
from risk.reference.shipped import ShippedEdition, shipped_editions, shipped_files
from risk.reference.tables import CountryValue, EditionRef, GoodEntry, ReferenceTables
from risk.weights import DATASETS

__all__ = ["EDITION_LOADED", "Checked", "check_edition", "current_editions", "edition_ref",
           "ensure_shipped", "load_edition", "load_tables"]

# Called as hook(session, edition) after an edition is written, in the same transaction (the
# risk recompute registers one: scores of the organisations that read the data set change).
EDITION_LOADED: list[Callable[[Session, DataEdition], None]] = []

LIMITS = {"edition": 40, "title": 200, "source": 1000, "licence": 300}
DATASET_LABELS = {
    "ilab_goods": "ILAB List of Goods (child and forced labour)",
    "tip_tiers": "US TIP report tiers",
    "gsi_prevalence": "Global Slavery Index: prevalence",
    "gsi_vulnerability": "Global Slavery Index: vulnerability",
    "ituc_rights": "ITUC Global Rights Index",
}
assert set(DATASET_LABELS) == set(DATASETS)


@dataclass(frozen=True)
class Checked:
    """A validated edition, ready to write (or the answer of a dry run)."""

    result: parsers.ParseResult
    sha256: str
    files: list[str]


def _scope(org_id: int | None) -> int:
    return org_id or 0


def _text(name: str, value: object, *, required: bool) -> tuple[str | None, str | None]:
    """(clean value, problem) of one metadata field."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None, ("is required" if required else None)
    if "\x00" in text or any(ord(ch) < 32 for ch in text):
        return None, "contains control characters"
    if text[0] in "=+@":
        return None, "may not start with =, + or @"
    if len(text) > LIMITS[name]:
        return None, f"is {len(text)} characters long; the most is {LIMITS[name]}"
    return text, None


def _metadata(dataset: str, edition: object, title: object, source: object, licence: object,
              retrieved_on: date | str | None) -> dict[str, Any]:
    problems: list[dict[str, str]] = []
    if dataset not in DATASETS:
        problems.append({"field": "dataset",
                         "message": f"unknown data set; one of {', '.join(DATASETS)}"})
    clean: dict[str, Any] = {"dataset": dataset}
    for name, value, required in (("edition", edition, True), ("title", title, True),
                                  ("source", source, True), ("licence", licence, False)):
        clean[name], problem = _text(name, value, required=required)
        if problem:
            problems.append({"field": name, "message": f"{name} {problem}"})
    if isinstance(retrieved_on, str) and retrieved_on.strip():
        try:
            retrieved_on = date.fromisoformat(retrieved_on.strip())
        except ValueError:
            problems.append({"field": "retrieved_on",
                             "message": "retrieved_on is not a date (YYYY-MM-DD)"})
            retrieved_on = None
    elif not isinstance(retrieved_on, date):
        retrieved_on = None
    if retrieved_on is not None and retrieved_on > utcnow().date() + timedelta(days=1):
        problems.append({"field": "retrieved_on", "message": "retrieved_on is in the future"})
    clean["retrieved_on"] = retrieved_on
    if problems:
        raise ValidationFailed(problems[0]["message"].capitalize() + ".", problems)
    return clean


def _refuse_duplicate(session: Session, scope: int, dataset: str, edition: str) -> None:
    if session.scalar(select(DataEdition.id).where(
            DataEdition.scope_key == scope, DataEdition.dataset == dataset,
            DataEdition.edition == edition)) is not None:
        where = "this organisation" if scope else "the platform"
        raise Conflict(f'{where.capitalize()} already has edition "{edition}" of {dataset}: '
                       "give the new one another edition label.",
                       [{"field": "edition", "message": "already loaded"}])


def check_edition(session: Session, *, dataset: str, files: Sequence[tuple[str, bytes]],
                  edition: str, title: str, source: str, licence: str | None = None,
                  retrieved_on: date | str | None = None, org_id: int | None = None
                  ) -> Checked:
    """Everything load_edition checks, writing nothing (a dry run): raises ValidationFailed
    with every row error, Conflict for an edition label the scope already has."""
    meta = _metadata(dataset, edition, title, source, licence, retrieved_on)
    _refuse_duplicate(session, _scope(org_id), dataset, meta["edition"])
    try:
        result = parsers.parse_files(dataset, files)
    except SpreadsheetError as exc:
        raise as_app_error(exc) from exc
    if result.errors:
        n = len(result.errors)
        raise ValidationFailed(f"{n} problem{'s' if n != 1 else ''} in the file"
                               f"{'s' if len(files) > 1 else ''}: nothing was loaded.",
                               sorted(result.errors, key=_error_order))
    if not result.rows:
        raise ValidationFailed("The files hold no rows to load.",
                               [{"field": "files", "message": "no rows"}])
    digest = hashlib.sha256()
    for _name, data in files:
        digest.update(data)
    return Checked(result, digest.hexdigest(), [name for name, _data in files])


def _error_order(error: dict[str, Any]) -> tuple[str, int, str]:
    return error.get("file") or "", error.get("row") or 0, error.get("column") or ""


def load_edition(session: Session, *, dataset: str, files: Sequence[tuple[str, bytes]],
                 edition: str, title: str, source: str, licence: str | None = None,
                 retrieved_on: date | str | None = None, org_id: int | None = None,
                 actor: Any = None) -> DataEdition:
    """Validate and write an edition; it becomes the current one of its data set and scope."""
    checked = check_edition(session, dataset=dataset, files=files, edition=edition,
                            title=title, source=source, licence=licence,
                            retrieved_on=retrieved_on, org_id=org_id)
    meta = _metadata(dataset, edition, title, source, licence, retrieved_on)
    return _write(session, meta, checked, org_id=org_id, actor=actor, superseded=False)


def _write(session: Session, meta: dict[str, Any], checked: Checked, *, org_id: int | None,
           actor: Any, superseded: bool) -> DataEdition:
    now = utcnow()
    scope = _scope(org_id)
    new = DataEdition(org_id=org_id, scope_key=scope, **meta, sha256=checked.sha256,
                      files=checked.files, row_count=len(checked.result.rows),
                      loaded_at=now, loaded_by_id=getattr(actor, "id", None),
                      superseded_at=now if superseded else None)
    try:
        with session.begin_nested():  # a concurrent load of the same label: Conflict, not 500
            session.add(new)
            session.flush()
    except IntegrityError:
        _refuse_duplicate(session, scope, meta["dataset"], meta["edition"])
        raise
    # Core bulk insert: every row has the same keys (PITFALLS: NULLs in ORM bulk inserts).
    rows = [{"edition_id": new.id, "row_no": r.row_no, "country": r.country,
             "source_country": r.source_country, "item": r.item, "values": r.values}
            for r in checked.result.rows]
    session.execute(insert(ReferenceRow.__table__), rows)
    if not superseded:
        session.execute(
            update(DataEdition)
            .where(DataEdition.scope_key == scope, DataEdition.dataset == meta["dataset"],
                   DataEdition.superseded_at.is_(None), DataEdition.id != new.id)
            .values(superseded_at=now)
            .execution_options(synchronize_session="fetch"))
    if org_id is not None:
        record(session, org_id=org_id, actor=actor, action="risk.edition_loaded", obj=new,
               summary=f"{meta['dataset']} {meta['edition']}: {new.row_count:,} rows",
               details={"dataset": meta["dataset"], "edition": meta["edition"],
                        "sha256": new.sha256, "files": new.files})
    for hook in EDITION_LOADED:
        hook(session, new)
    return new


def ensure_shipped(session: Session, *, actor: Any = None) -> list[DataEdition]:
    """Load the shipped editions (risk/data/editions.json) the platform lacks, in manifest
    order; idempotent. One that an already-loaded later edition of its data set follows is
    loaded as superseded, so the newest shipped edition stays current."""
    manifest = shipped_editions()
    have = {(d, e) for d, e in session.execute(
        select(DataEdition.dataset, DataEdition.edition).where(DataEdition.scope_key == 0))}
    loaded = []
    for i, entry in enumerate(manifest):
        if (entry.dataset, entry.edition) in have:
            continue
        later = any(e.dataset == entry.dataset and (e.dataset, e.edition) in have
                    for e in manifest[i + 1:])
        # Conflict: another process loaded it at the same moment, so it is there, as wanted.
        with suppress(Conflict):
            loaded.append(_load_shipped(session, entry, actor=actor, superseded=later))
        have.add((entry.dataset, entry.edition))
    return loaded


def _load_shipped(session: Session, entry: ShippedEdition, *, actor: Any, superseded: bool
                  ) -> DataEdition:
    files = shipped_files(entry)
    meta = _metadata(entry.dataset, entry.edition, entry.title, entry.source, entry.licence,
                     entry.retrieved_on)
    checked = check_edition(session, files=files, org_id=None, **meta)
    return _write(session, meta, checked, org_id=None, actor=actor, superseded=superseded)


def current_editions(session: Session, org_id: int | None) -> dict[str, DataEdition]:
    """{data set: edition in force}: the organisation's own current edition, else the
    platform's."""
    scopes = {0, _scope(org_id)}
    found = session.scalars(select(DataEdition).where(
        DataEdition.superseded_at.is_(None), DataEdition.scope_key.in_(scopes))).all()
    current: dict[str, DataEdition] = {}
    # Platform first, then the organisation's; the latest load wins within a scope.
    for ed in sorted(found, key=lambda e: (e.scope_key != 0, e.id)):
        current[ed.dataset] = ed
    return current


def visible_editions(session: Session, org_id: int):
    """A query of every edition an organisation may read: the platform's and its own."""
    return select(DataEdition).where(or_(DataEdition.scope_key == 0,
                                         DataEdition.scope_key == org_id))


def edition_ref(ed: DataEdition) -> EditionRef:
    return EditionRef(id=ed.id, dataset=ed.dataset, edition=ed.edition, title=ed.title,
                      source=ed.source, sha256=ed.sha256, files=tuple(ed.files or ()),
                      retrieved_on=ed.retrieved_on.isoformat() if ed.retrieved_on else None)


# --- the tables a score reads, cached per process by the editions they come from ------------

_CACHE: OrderedDict[tuple, ReferenceTables] = OrderedDict()
_CACHE_SIZE = 16
_LOCK = threading.Lock()


def _cache_key(current: dict[str, DataEdition]) -> tuple:
    # Not the id alone: on SQLite a rolled-back load's id is reused by the next one.
    return tuple(sorted((d, e.id, e.sha256, e.edition, e.loaded_at.isoformat())
                        for d, e in current.items()))


def load_tables(session: Session, org_id: int | None) -> ReferenceTables:
    """The current editions' rows as plain lookup tables (two queries; cached)."""
    current = current_editions(session, org_id)
    key = _cache_key(current)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    by_id = {e.id: e.dataset for e in current.values()}
    rows = session.execute(
        select(ReferenceRow.edition_id, ReferenceRow.row_no, ReferenceRow.country,
               ReferenceRow.source_country, ReferenceRow.item, ReferenceRow.values)
        .where(ReferenceRow.edition_id.in_(list(by_id) or [-1]))
        .order_by(ReferenceRow.edition_id, ReferenceRow.id)).all()
    tables = build_tables({d: edition_ref(e) for d, e in current.items()},
                          [(by_id[r[0]], *r) for r in rows])
    with _LOCK:
        _CACHE[key] = tables
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return tables


def build_tables(editions: dict[str, EditionRef],
                 rows: Sequence[tuple[str, int, int, str, str, str, dict[str, Any]]]
                 ) -> ReferenceTables:
    """ReferenceTables from (dataset, edition id, row_no, country, source_country, item,
    values) rows in load order."""
    goods: dict[str, list[GoodEntry]] = {}
    tip_rows: list[tuple[int, CountryValue, str]] = []
    countries: dict[str, dict[str, CountryValue]] = {
        "gsi_prevalence": {}, "gsi_vulnerability": {}, "ituc_rights": {}}
    for dataset, edition_id, row_no, country, source_country, item, values in rows:
        if dataset == "ilab_goods":
            goods.setdefault(country, []).append(GoodEntry(
                item=item, row_no=row_no, edition_id=edition_id,
                child_labor=bool(values.get("child_labor")),
                forced_labor=bool(values.get("forced_labor")),
                forced_child_labor=bool(values.get("forced_child_labor")),
                derived=bool(values.get("derived")),
                derived_country=values.get("derived_country"), file=values.get("file")))
        elif dataset == "tip_tiers":
            year = int(values["year"])
            tip_rows.append((year, CountryValue(value=values["tier"], row_no=row_no,
                                                source_country=source_country,
                                                edition_id=edition_id, year=year,
                                                file=values.get("file")), country))
        else:
            value = values["value"]
            countries[dataset][country] = CountryValue(
                value=str(value) if dataset == "ituc_rights" else float(value), row_no=row_no,
                source_country=source_country, edition_id=edition_id, file=values.get("file"))
    tip_year = max((year for year, _v, _c in tip_rows), default=None)
    # The latest report year's lists; the edition's last file wins (they agree: parsers).
    tip = {country: value for year, value, country in tip_rows if year == tip_year}
    return ReferenceTables(
        editions=editions, tip_year=tip_year, tip=tip,
        prevalence=countries["gsi_prevalence"], vulnerability=countries["gsi_vulnerability"],
        rights=countries["ituc_rights"],
        goods={country: tuple(entries) for country, entries in goods.items()})


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
