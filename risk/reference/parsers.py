"""Rows of a reference data set from its files, with every problem by file, row and column (pure).

Files are opened with app.spreadsheets.open_table, the hostile-file defences every import uses
(size cap, type sniffing, text encodings, zip bombs and XML attacks in .xlsx, formulas never
evaluated, NUL bytes dropped). Columns are found by name (case and punctuation ignored, a few
aliases each). A row is either parsed, skipped for a stated reason (a world total, a country the
source gives no estimate for) or an error; the caller writes nothing while any error remains.

TIP editions are built from several files (full tiers for 2001-2015, then the Watch List and
Tier 3 by year, then the latest list with Special Case): each row is (country, report year,
tier); the same country and year in two files must agree.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.spreadsheets import SpreadsheetError, open_table
from risk.reference.cells import (
    MAX_TEXT,
    NO,
    RATINGS,
    TIERS,
    VALUE_RANGES,
    Bad,
    as_text,
    flag,
    number,
    rating,
    shown,
    tier,
    year,
)
from risk.reference.countries import UnknownCountry, is_aggregate, match_country, match_iso3
from risk.weights import DATASETS

__all__ = ["COLUMNS", "MAX_FILES", "MAX_FILE_BYTES", "MAX_ROWS", "MAX_TEXT", "RATINGS",
           "REQUIRED", "TIERS", "ParseResult", "ParsedRow", "expected_columns", "parse_files",
           "parse_tables"]

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000       # per file; the largest shipped file has 2,251 rows
MAX_ERRORS = 500        # then one line says how many more

# Canonical field -> accepted headers (as app.spreadsheets.normalise_header writes them).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "ilab_goods": {
        "country": ("country", "country_name"),
        "item": ("good", "item", "goods", "product"),
        "child_labor": ("child_labor", "child_labour"),
        "forced_labor": ("forced_labor", "forced_labour"),
        "forced_child_labor": ("forced_child_labor", "forced_child_labour"),
        "derived": ("derived_labor_exploitation", "derived_labour_exploitation", "derived"),
        "derived_country": ("derived_country", "input_country"),
        "sector": ("good_sector", "sector"),
    },
    "tip_tiers": {
        "country": ("country", "country_name"),
        "iso3": ("iso3", "iso_3", "iso_alpha_3", "alpha_3"),
        "region": ("region_folder", "region"),
        "year": ("report_year", "year"),
        "tier": ("tier", "tip_tier", "rating"),
    },
    "gsi_prevalence": {
        "country": ("country", "country_name"),
        "value": ("prevalence_per_1000", "prevalence", "estimated_prevalence_per_1000",
                  "prevalence_per_thousand"),
        "estimated_number": ("est_number_in_modern_slavery", "estimated_number"),
    },
    "gsi_vulnerability": {
        "country": ("country", "country_name"),
        "value": ("vulnerability_total_score", "vulnerability_total", "vulnerability",
                  "vulnerability_score"),
    },
    "ituc_rights": {
        "country": ("country", "country_name"),
        "value": ("rating", "ituc_rating", "rights_rating"),
        "status": ("status", "description"),
        "trend": ("trend",),
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "ilab_goods": ("country", "item", "child_labor", "forced_labor"),
    "tip_tiers": ("country", "year", "tier"),
    "gsi_prevalence": ("country", "value"),
    "gsi_vulnerability": ("country", "value"),
    "ituc_rights": ("country", "value"),
}
assert set(COLUMNS) == set(REQUIRED) == set(DATASETS)



@dataclass(frozen=True)
class ParsedRow:
    row_no: int
    country: str            # ISO alpha-2
    source_country: str     # as the file writes it
    item: str               # the good (ILAB), else ""
    values: dict[str, Any]


@dataclass
class ParseResult:
    dataset: str
    rows: list[ParsedRow] = field(default_factory=list)
    # {"file", "row", "column", "message"}; row 1 is the header row
    errors: list[dict[str, Any]] = field(default_factory=list)
    # {"file", "row", "reason"}: rows deliberately not loaded
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors




def expected_columns(dataset: str) -> tuple[str, ...]:
    """Every header the data set accepts, for open_table."""
    return tuple(alias for aliases in COLUMNS[dataset].values() for alias in aliases)




# --- one row per data set: (item, values) from the cells, by canonical field ---------------

Cells = Callable[[str], object]


def _ilab(cell: Cells) -> tuple[str, dict[str, Any]]:
    item = as_text(cell("item"), "item")
    if not item:
        raise Bad("item", "is blank: name the good")
    values: dict[str, Any] = {
        "child_labor": flag(cell("child_labor"), "child_labor", required=True),
        "forced_labor": flag(cell("forced_labor"), "forced_labor", required=True),
        "forced_child_labor": flag(cell("forced_child_labor"), "forced_child_labor",
                                    required=False),
        "derived": flag(cell("derived"), "derived", required=False),
        "derived_country": None, "derived_country_code": None,
        "sector": as_text(cell("sector"), "sector") or None,
    }
    origin = as_text(cell("derived_country"), "derived_country")
    if origin and origin.casefold() not in NO:
        if not values["derived"]:
            raise Bad("derived_country", f"names {shown(origin)} but the good is not marked "
                                          "derived (derived_labor_exploitation is No)")
        try:
            values["derived_country_code"] = match_country(origin)
        except UnknownCountry:
            raise Bad("derived_country", f"unknown country {shown(origin)}") from None
        values["derived_country"] = origin
    if not any(values[k] for k in ("child_labor", "forced_labor", "forced_child_labor",
                                   "derived")):
        raise Bad("child_labor", "marks no exploitation: at least one of child_labor, "
                                  "forced_labor, forced_child_labor, derived must be Yes")
    return item, values


def _tip(cell: Cells) -> tuple[str, dict[str, Any]]:
    return "", {"tier": tier(cell("tier"), "tier"), "year": year(cell("year"), "year")}


def _gsi(dataset: str) -> Callable[[Cells], tuple[str, dict[str, Any]]]:
    low, high = VALUE_RANGES[dataset]

    def parse(cell: Cells) -> tuple[str, dict[str, Any]]:
        values: dict[str, Any] = {"value": number(cell("value"), "value", low, high)}
        if dataset == "gsi_prevalence":
            values["estimated_number"] = as_text(cell("estimated_number"), "estimated_number",
                                               limit=40) or None
        return "", values
    return parse


def _ituc(cell: Cells) -> tuple[str, dict[str, Any]]:
    return "", {"value": rating(cell("value"), "value"),
                "status": as_text(cell("status"), "status") or None,
                "trend": as_text(cell("trend"), "trend", limit=40) or None}


_ROW_PARSERS: dict[str, Callable[[Cells], tuple[str, dict[str, Any]]]] = {
    "ilab_goods": _ilab, "tip_tiers": _tip, "gsi_prevalence": _gsi("gsi_prevalence"),
    "gsi_vulnerability": _gsi("gsi_vulnerability"), "ituc_rights": _ituc,
}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _country(cell: Cells) -> tuple[str | None, str, str | None]:
    """(alpha-2, as written, reason to skip the row); raises Bad for an unknown country."""
    raw = as_text(cell("country"), "country")
    iso3 = as_text(cell("iso3"), "iso3")
    region = as_text(cell("region"), "region")
    if not raw and not iso3:
        if is_aggregate(region):
            return None, region, f'a total for "{region}", not a country'
        raise Bad("country", "is blank: name the country")
    if is_aggregate(raw):
        return None, raw, f'a total for "{raw}", not a country'
    code = from_iso3 = None
    if iso3:
        try:
            from_iso3 = match_iso3(iso3)
        except UnknownCountry:
            raise Bad("iso3", f"unknown ISO 3166-1 alpha-3 code {shown(iso3)}") from None
    if raw:
        try:
            code = match_country(raw)
        except UnknownCountry:
            if from_iso3 is None:
                raise Bad("country", f"unknown country {shown(raw)}: use an English name "
                                      "or an ISO code") from None
    if code and from_iso3 and code != from_iso3:
        raise Bad("iso3", f"{shown(iso3)} is {from_iso3} but the country {shown(raw)} is "
                           f"{code}")
    return code or from_iso3, raw or iso3, None


def _conflict(dataset: str, row: ParsedRow, first: tuple[str, ParsedRow], file: str,
              many: bool) -> str | None:
    """Why `row` may not stand beside `first` (an earlier row with the same key), or None."""
    where = f"row {first[1].row_no}" + (f" of {first[0]}" if many and first[0] != file else "")
    if dataset == "tip_tiers":
        if first[1].values["tier"] == row.values["tier"]:
            return None  # the same fact in two of the edition's files: both kept as evidence
        return (f"{row.source_country} is {first[1].values['tier']} for "
                f"{row.values['year']} in {where}, {row.values['tier']} here")
    what = f"{row.item!r} for " if dataset == "ilab_goods" else ""
    return (f"{what}{row.source_country} ({row.country}) is already in {where} "
            f"({first[1].source_country!r}): one row each")


def _key_of(dataset: str, row: ParsedRow) -> tuple[Any, ...]:
    if dataset == "tip_tiers":
        return row.country, row.values["year"]
    if dataset == "ilab_goods":
        return row.country, row.item.casefold()
    return (row.country,)


def parse_tables(dataset: str, tables: Sequence[tuple[str, Sequence[str],
                                                      Iterable[tuple[int, dict[str, object]]]]]
                 ) -> ParseResult:
    """Parse opened tables: (file name, the header's canonical columns, (row number, cells))."""
    if dataset not in COLUMNS:
        raise ValueError(f"unknown data set {dataset!r}")
    result = ParseResult(dataset)
    many = len(tables) > 1
    seen: dict[tuple[Any, ...], tuple[str, ParsedRow]] = {}
    parse_row = _ROW_PARSERS[dataset]
    for filename, columns, rows in tables:
        present = {name: next((a for a in aliases if a in columns), None)
                   for name, aliases in COLUMNS[dataset].items()}
        missing = [name for name in REQUIRED[dataset] if present[name] is None]
        for name in missing:
            result.errors.append({"file": filename, "row": 1, "column": name,
                                  "message": "missing column (the header may say "
                                             + " or ".join(COLUMNS[dataset][name]) + ")"})
        if missing:
            continue
        for row_no, cells in rows:
            def cell(name: str, cells: dict[str, object] = cells,
                     present: dict[str, str | None] = present) -> object:
                header = present.get(name)
                return cells.get(header) if header else None

            try:
                code, source, skip = _country(cell)
                if skip is None and "value" in COLUMNS[dataset] and _blank(cell("value")):
                    skip = "the source gives no value for this country"
                if skip is not None:
                    result.skipped.append({"file": filename, "row": row_no, "reason": skip})
                    continue
                item, values = parse_row(cell)
            except Bad as bad:
                result.errors.append({"file": filename, "row": row_no, "column": bad.column,
                                      "message": bad.message})
                continue
            if many:
                values["file"] = filename
            assert code is not None
            parsed = ParsedRow(row_no, code, source, item, values)
            key = _key_of(dataset, parsed)
            if key in seen:
                problem = _conflict(dataset, parsed, seen[key], filename, many)
                if problem:
                    result.errors.append({"file": filename, "row": row_no,
                                          "column": "country", "message": problem})
                    continue
            else:
                seen[key] = (filename, parsed)
            result.rows.append(parsed)
    if len(result.errors) > MAX_ERRORS:
        more = len(result.errors) - MAX_ERRORS
        result.errors[MAX_ERRORS:] = [{"file": "", "row": None, "column": None,
                                       "message": f"and {more:,} more problems"}]
    return result


def parse_files(dataset: str, files: Sequence[tuple[str, bytes]]) -> ParseResult:
    """Parse uploaded or shipped files (.csv or .xlsx) through the hostile-file defences.

    A file-level problem (not a spreadsheet, too large, a zip bomb, an unknown encoding) raises
    SpreadsheetError naming the file; row problems come back in the result's errors.
    """
    if not files:
        raise SpreadsheetError("Choose at least one file.", code="empty")
    if len(files) > MAX_FILES:
        raise SpreadsheetError(f"{len(files)} files: an edition is at most {MAX_FILES} files.",
                               code="too_many_files")
    with tempfile.TemporaryDirectory(prefix="tierlight-ref-") as folder:
        opened = []
        try:
            for n, (filename, data) in enumerate(files):
                if len(data) > MAX_FILE_BYTES:
                    raise SpreadsheetError(f"{filename}: the file is larger than the "
                                           f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit.",
                                           code="too_large", status=413)
                suffix = os.path.splitext(filename)[1].lower()[:10]
                path = os.path.join(folder, f"{n}{suffix}")
                with open(path, "wb") as out:
                    out.write(data)
                try:
                    table = open_table(path, filename, expected_columns(dataset),
                                       max_rows=MAX_ROWS, max_bytes=MAX_FILE_BYTES)
                except SpreadsheetError as exc:
                    raise _named(exc, filename) from exc
                opened.append((filename, table))
            return parse_tables(dataset, [(f, t.columns, _named_rows(f, t.rows))
                                          for f, t in opened])
        finally:
            for _filename, table in opened:
                table.close()


def _named_rows(filename: str, rows: Iterable[tuple[int, dict[str, object]]]
                ) -> Iterable[tuple[int, dict[str, object]]]:
    """The rows; a problem the reader finds on the way (rows are read lazily) names the file."""
    try:
        yield from rows
    except SpreadsheetError as exc:
        raise _named(exc, filename) from exc


def _named(exc: SpreadsheetError, filename: str) -> SpreadsheetError:
    if not filename or exc.message.startswith(filename):
        return exc
    return SpreadsheetError(f"{filename}: {exc.message}", code=exc.code, status=exc.status)
