"""The rows of an entity-list file, with every problem by row and column (pure).

Files are opened with app.spreadsheets.open_table, the hostile-file defences every import uses
(size cap, type sniffing, text encodings, zip bombs, sparse and forged sheets, XML attacks;
only the expected columns are read, rows are streamed and capped). Columns are found by name
(case and punctuation ignored, a few aliases each): `name` (required), `aliases` and
`identifiers` (each "|"-separated), `country` (ISO code or English name, read as the supplier
import reads it), `listed_on`, `reason`, `source_url`.

Text is kept as written, formulas and markup included (pages escape it, exports neutralise
it); control characters are dropped, except NUL, which no text may hold: a CSV line with one is
an error (open_table drops NULs inside a workbook's cells, so none reaches the database).
Numbers where text belongs, dates that are not dates, an unknown country, a link that is not
http(s) and over-long text are errors. If any row has an error the caller writes nothing.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from app.spreadsheets import SpreadsheetError, open_table
from risk.screening.matcher import entry_fingerprint
from suppliers.countries import UnknownCountry, normalise_country
from suppliers.matching import identifier_key

__all__ = ["COLUMNS", "LIMITS", "MAX_FILE_BYTES", "MAX_ROWS", "ListRow", "ParseResult",
           "parse_file", "parse_rows"]

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000        # the largest public lists (OFAC SDN) have about 17,000 entries
MAX_ERRORS = 500         # then one line says how many more
MAX_ALIASES = 50
MAX_IDENTIFIERS = 20
EXACT_FLOAT = 2 ** 53    # a larger whole number read as a float has lost digits
# What ListEntry's columns hold.
LIMITS = {"name": 500, "alias": 500, "identifier": 100, "reason": 2000, "source_url": 500}
SEPARATOR = "|"

# Canonical field -> accepted headers (as app.spreadsheets.normalise_header writes them).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "entity", "entity_name", "name_of_entity"),
    "aliases": ("aliases", "alias", "also_known_as", "aka"),
    "country": ("country", "country_code"),
    "identifiers": ("identifiers", "identifier", "registration_numbers", "ids"),
    "listed_on": ("listed_on", "effective_date", "date_listed", "listed"),
    "reason": ("reason", "reason_for_listing", "grounds"),
    "source_url": ("source_url", "source", "url"),
}
_ALIAS_OF = {alias: canonical for canonical, aliases in COLUMNS.items() for alias in aliases}
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\r\n]+")
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")
FIRST_YEAR = 1900


class Bad(Exception):
    """A cell's problem: the column (canonical name) and a message for the user."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


@dataclass(frozen=True)
class ListRow:
    row: int
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    identifiers: tuple[str, ...] = ()
    listed_on: date | None = None
    reason: str | None = None
    source_url: str | None = None
    fingerprint: str = ""


@dataclass
class ParseResult:
    rows: list[ListRow] = field(default_factory=list)
    # {"row", "column", "message"}; row 1 is the header row
    errors: list[dict[str, Any]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def _shown(value: object) -> str:
    text = str(value)
    return f'"{text[:57]}..."' if len(text) > 60 else f'"{text}"'


def _text(value: object, column: str, limit: int) -> str:
    """A cell as one line of text ("" for blank); whole numbers from a workbook as digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise Bad(column, f"is {value}: write text")
    if isinstance(value, datetime | date):
        raise Bad(column, f"is a date ({value:%Y-%m-%d}): format the column as text")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value) or (value.is_integer() and abs(value) >= EXACT_FLOAT):
            raise Bad(column, f"{_shown(value)} is a number too large to be read exactly: "
                              "format the column as text")
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value)
    if "\x00" in text:  # open_table drops these already; a direct caller may not
        raise Bad(column, "holds a NUL character, which no text may contain")
    if not text.isprintable():
        text = _BREAKS.sub(" ", _CONTROL.sub("", text))
    text = text.strip()
    if len(text) > limit:
        raise Bad(column, f"is {len(text):,} characters long; the most is {limit:,}")
    return text


def _many(value: object, column: str, limit: int, most: int) -> list[str]:
    """"|"-separated values, blanks dropped, repeats (ignoring case) dropped."""
    found: dict[str, str] = {}
    for part in _text(value, column, limit * most + most).split(SEPARATOR):
        item = part.strip()
        if not item:
            continue
        if len(item) > limit:
            raise Bad(column, f"{_shown(item)} is {len(item):,} characters long; the most is "
                              f"{limit:,} each")
        found.setdefault(item.casefold(), item)
    if len(found) > most:
        raise Bad(column, f"holds {len(found):,} values; the most is {most}")
    return list(found.values())


def _identifiers(value: object) -> list[str]:
    out = _many(value, "identifiers", LIMITS["identifier"], MAX_IDENTIFIERS)
    for item in out:
        if len(identifier_key(item)) < 5:
            raise Bad("identifiers", f"{_shown(item)} is too short to identify an entity (at "
                                     "least 5 letters or digits)")
    return out


def _country(value: object) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Bad("country", f"{_shown(value)} is a number, not a country")
    text = _text(value, "country", 100)
    if not text:
        return None
    try:
        return normalise_country(text)
    except UnknownCountry:
        raise Bad("country", f"unknown country {_shown(text)}: use an ISO code such as "
                             '"CN" or an English name') from None


def _date(value: object, today: date) -> date | None:
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise Bad("listed_on", f"{_shown(value)} is a number: write the date as YYYY-MM-DD")
    else:
        text = _text(value, "listed_on", 40)
        if not text:
            return None
        for fmt in _DATE_FORMATS:
            try:
                found = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise Bad("listed_on", f"{_shown(text)} is not a date: write YYYY-MM-DD")
    if found.year < FIRST_YEAR or found > today + timedelta(days=366):
        raise Bad("listed_on", f"{found.isoformat()} is not a plausible listing date")
    return found


def _url(value: object) -> str | None:
    text = _text(value, "source_url", LIMITS["source_url"])
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        raise Bad("source_url", f"{_shown(text)} is not a web address (http:// or https://)")
    return text


def _row(number: int, cells: dict[str, object], today: date) -> ListRow:
    """One row, or Bads: every problem of the row, not only its first."""
    bad: list[Bad] = []

    def read(fn, *args):
        try:
            return fn(*args)
        except Bad as exc:
            bad.append(exc)
            return None

    name_text = read(_name, cells.get("name")) or ""
    aliases = [a for a in read(_many, cells.get("aliases"), "aliases", LIMITS["alias"],
                               MAX_ALIASES) or () if a.casefold() != name_text.casefold()]
    country = read(_country, cells.get("country"))
    identifiers = read(_identifiers, cells.get("identifiers")) or []
    listed_on = read(_date, cells.get("listed_on"), today)
    reason = read(_text, cells.get("reason"), "reason", LIMITS["reason"]) or None
    source_url = read(_url, cells.get("source_url"))
    if bad:
        raise Bads(bad)
    return ListRow(
        row=number, name=name_text, aliases=tuple(aliases), country=country,
        identifiers=tuple(identifiers), listed_on=listed_on, reason=reason,
        source_url=source_url,
        fingerprint=entry_fingerprint(name_text, aliases, country, identifiers))


def _name(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Bad("name", f"{_shown(value)} is a number, not a name")
    text = _text(value, "name", LIMITS["name"])
    if not text:
        raise Bad("name", "is blank: name the entity")
    return text


class Bads(Exception):
    def __init__(self, problems: list[Bad]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def parse_rows(columns: Sequence[str], rows: Iterable[tuple[int, dict[str, object]]], *,
               today: date) -> ParseResult:
    """Parse an opened table: its header's columns (as open_table names them, any alias of
    COLUMNS) and (row number, cells) pairs."""
    result = ParseResult()
    present = {_ALIAS_OF[c]: c for c in columns if c in _ALIAS_OF}
    if "name" not in present:
        result.errors.append({"row": 1, "column": "name", "message": "missing column (the "
                              "header may say " + " or ".join(COLUMNS["name"]) + ")"})
        return result
    seen: dict[str, int] = {}
    for number, raw in rows:
        cells = {canonical: raw.get(header) for canonical, header in present.items()}
        try:
            parsed = _row(number, cells, today)
        except Bads as bads:
            result.errors += [{"row": number, "column": b.column, "message": b.message}
                              for b in bads.problems]
            continue
        first = seen.setdefault(parsed.fingerprint, number)
        if first != number:
            result.errors.append({"row": number, "column": "name",
                                  "message": f"the same entry as row {first}: one row each"})
            continue
        result.rows.append(parsed)
    if len(result.errors) > MAX_ERRORS:
        more = len(result.errors) - MAX_ERRORS
        result.errors[MAX_ERRORS:] = [{"row": None, "column": None,
                                       "message": f"and {more:,} more problems"}]
    return result


def _nul_lines(data: bytes) -> list[dict[str, Any]]:
    """A CSV's lines holding NUL (past the first bytes, which the type check reads)."""
    if b"\x00" not in data:
        return []
    return [{"row": n, "column": None, "message": f"line {n} holds a NUL character, which no "
             "text may contain"}
            for n, line in enumerate(data.split(b"\n"), start=1) if b"\x00" in line][:MAX_ERRORS]


def parse_file(filename: str, data: bytes, *, today: date) -> ParseResult:
    """Parse an uploaded or shipped file (.csv or .xlsx) through the hostile-file defences.

    A file-level problem (not a spreadsheet, too large, a zip bomb, an unknown encoding)
    raises SpreadsheetError; row problems come back in the result's errors.
    """
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(f"The file is larger than the {MAX_FILE_BYTES // (1024 * 1024)} "
                               "MB limit.", code="too_large", status=413)
    expected = tuple(alias for aliases in COLUMNS.values() for alias in aliases)
    suffix = os.path.splitext(filename)[1].lower()[:10]
    with tempfile.TemporaryDirectory(prefix="tierlight-list-") as folder:
        path = os.path.join(folder, f"list{suffix}")
        with open(path, "wb") as out:
            out.write(data)
        table = open_table(path, filename, expected, max_rows=MAX_ROWS, max_bytes=MAX_FILE_BYTES)
        with table:
            result = parse_rows(table.columns, table.rows, today=today)
        result.unknown_columns = list(table.unknown_columns)
    if table.format == "csv":
        nul = _nul_lines(data)
        if nul:
            result.errors = nul + result.errors
    return result
