"""Supplier rows: validation of uploaded tables (via app.spreadsheets) and of single records.

Pure: no database. Cross-row checks that need only the file (duplicate identifiers, a supplier
supplying itself) are done here; references to customers that may already be in the database
are resolved later by the service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any

from suppliers.countries import UnknownCountry, normalise_country
from suppliers.identifiers import (
    validate_duns,
    validate_lei,
    validate_os_id,
    worker_count_problems,
)
from suppliers.kinds import LABOUR_KINDS, RELATIONSHIP_KINDS, SUPPLIER_KINDS

if TYPE_CHECKING:
    from app.spreadsheets import Table

SUPPLIER_COLUMNS = (
    "external_id", "name", "latin_name", "country", "kind", "sector", "products", "address",
    "workers", "migrant_workers", "female_workers", "os_id", "lei", "duns", "supplies_to",
    "relationship_kind", "relationship_product",
)
REQUIRED_COLUMNS = ("name", "country")
# What an import reads: the supplier columns, and the id Tierlight exported each supplier under
# (a reference for the file's relationships; it also matches the supplier when re-imported).
IMPORT_COLUMNS = (*SUPPLIER_COLUMNS, "tierlight_id")
RELATIONSHIP_COLUMNS = ("supplies_to", "relationship_kind", "relationship_product")

COLUMN_HELP: dict[str, str] = {
    "external_id": "Your own reference for the supplier (up to 100 characters), unique in the "
                   "file; other rows can name it in supplies_to.",
    "name": "Required. The supplier's legal or trading name (up to 300 characters).",
    "latin_name": "The name in Latin letters, when the name is written in another script "
                  '(Chinese, Thai, Cyrillic...): "Xinjiang Hoshine Silicon Industry" for '
                  '"新疆合盛硅业". Screening and duplicate detection compare both '
                  "(up to 300 characters).",
    "country": 'Required. Country of the site: an ISO code such as "CN" or "CHN", or an English '
               'name such as "China".',
    "kind": "What the supplier does: " + ", ".join(SUPPLIER_KINDS) + '. Blank means "other".',
    "sector": 'Industry or sector, such as "Apparel" or "Electronics" (up to 200 characters).',
    "products": 'Products or materials supplied, separated by ";" (for example "cotton yarn; '
                'dyed fabric").',
    "address": "Street address of the site (up to 500 characters).",
    "workers": "Total number of workers at the site, a whole number.",
    "migrant_workers": "How many of the workers are migrant workers (not more than workers).",
    "female_workers": "How many of the workers are women (not more than workers).",
    "os_id": 'Open Supply Hub ID of the facility, such as "CN2019303BQ3FZP".',
    "lei": "Legal Entity Identifier: 20 letters and digits, check digits verified.",
    "duns": 'Dun & Bradstreet D-U-N-S number: 9 digits, such as "15-048-3782".',
    "supplies_to": "Who this supplier sells to: external_id values or exact names of other "
                   'suppliers, separated by ";". Blank means it supplies your company directly.',
    "relationship_kind": "What flows to the customer: " + ", ".join(RELATIONSHIP_KINDS)
                         + '. Blank means "labour" for recruitment agencies and labour '
                           'providers, "goods" otherwise.',
    "relationship_product": "What this supplier provides to its customer in this relationship, "
                            'such as "cotton yarn" (up to 200 characters).',
}

_MAX_COUNT = 10_000_000           # more than any single employer's site; catches typos and IDs
_WHOLE = re.compile(r"(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.0*)?")
_SEPARATORS = re.compile(r"[,\u00a0\u202f ]")
_VOCAB_JUNK = re.compile(r"[^a-z0-9]+")
_UNIQUE = (("external_id", "External ID"), ("os_id", "OS ID"), ("lei", "LEI"),
           ("duns", "DUNS number"), ("tierlight_id", "Tierlight ID"))
# Control characters (C0 but tab, LF and CR; DEL; C1) are dropped on input: they are invisible,
# PostgreSQL refuses NUL, and one before a "=" once hid a formula from the export's escaping.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\r\n]+")
_NEUTRALISED = ("'=", "'+", "'-", "'@")  # how app.exports writes text a spreadsheet would run
_MAX_ID = 2**63 - 1


def _vocab_key(text: str) -> str:
    # "Recruitment agency", "recruitment-agency", " RAW material " -> snake_case; US spelling ok.
    return _VOCAB_JUNK.sub("_", text.lower()).strip("_").replace("labor", "labour")


_KINDS = {_vocab_key(k): k for k in SUPPLIER_KINDS}
_RELATIONSHIPS = {_vocab_key(k): k for k in RELATIONSHIP_KINDS}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    message: str
    sheet: str | None = None  # None: the suppliers sheet (or the CSV file)

    def as_dict(self) -> dict[str, Any]:
        found = {"row": self.row, "column": self.column, "message": self.message}
        return found if self.sheet is None else found | {"sheet": self.sheet}


@dataclass(slots=True)
class SupplierRow:
    row: int
    external_id: str | None
    name: str
    country: str
    kind: str
    sector: str | None
    products: list[str]
    address: str | None
    workers: int | None
    migrant_workers: int | None
    female_workers: int | None
    os_id: str | None
    lei: str | None
    duns: str | None
    supplies_to: list[str]
    relationship_kind: str
    relationship_product: str | None
    tierlight_id: int | None = None
    latin_name: str | None = None


@dataclass
class ParseResult:
    rows: list[SupplierRow]
    errors: list[RowError]
    columns: list[str]
    unknown_columns: list[str]
    relationships: list[Any] | None = None  # RelationshipRow list; None: no such sheet


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Control characters dropped; tabs and line breaks become a space (an address keeps its
    line breaks, as "\n"); surrounding space stripped; the "'" our exports put before a
    leading "=", "+", "-" or "@" removed, so an exported name imports as it was."""
    if not text.isprintable():  # the fast path: almost every value is printable
        text = _CONTROL.sub("", text)
        if multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        else:
            text = _BREAKS.sub(" ", text)
    text = text.strip()
    return text[1:] if text.startswith(_NEUTRALISED) else text


def _text(value: object, column: str, label: str, limit: int, row: int,
          errors: list[RowError], *, multiline: bool = False) -> str | None:
    """Cleaned text or None; numbers from Excel become text ("1001.0" -> "1001")."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.isprintable():  # the hot path of clean_text, inlined
            text = value.strip()
            if text.startswith(_NEUTRALISED):
                text = text[1:]
        else:
            text = clean_text(value, multiline=multiline)
    elif isinstance(value, bool):
        errors.append(RowError(row, column, f"{label} must be text, not {value}."))
        return None
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, date | time):
        errors.append(RowError(row, column, f"{label} looks like a date ({value}): format the "
                                            "column as text in the spreadsheet."))
        return None
    else:
        errors.append(RowError(row, column, f"{label} must be text."))
        return None
    if not text:
        return None
    if len(text) > limit:
        errors.append(RowError(row, column, f"{label} is {len(text):,} characters long; "
                                            f"the limit is {limit:,}."))
        return None
    return text


def _list(value: object, column: str, label: str, limit: int, row: int,
          errors: list[RowError], *, fold: bool) -> list[str]:
    """Split on ";", strip, drop blanks, deduplicate keeping the first spelling."""
    if value is None:
        return []
    if value.__class__ is str and ";" not in value:  # the common case: one item
        item = _text(value, column, label, limit, row, errors)
        return [] if item is None else [item]
    parts = value if isinstance(value, list | tuple) else [value]
    items: dict[str, str] = {}
    for part in parts:
        for piece in part.split(";") if isinstance(part, str) else [part]:
            item = _text(piece, column, label, limit, row, errors)
            if item is not None:
                items.setdefault(item.casefold() if fold else item, item)
    return list(items.values())


def _count(value: object, column: str, label: str, row: int,
           errors: list[RowError]) -> int | None:
    """A whole number of people: 120, 120.0, "1,200", "1 200"; not 12.5, -3 or "abc"."""
    if value is None:
        return None
    number: int | None = None
    if value.__class__ is int:  # not bool, whose class is bool
        number = value  # type: ignore[assignment]
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.isascii() and text.isdigit():
            number = int(text)
        elif _WHOLE.fullmatch(text.removeprefix("-")):
            number = int(_SEPARATORS.sub("", text.removeprefix("-")).split(".")[0])
            number = -number if text.startswith("-") else number
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None:
        errors.append(RowError(row, column, f'{label} must be a whole number (got "{value}").'))
    elif number < 0:
        errors.append(RowError(row, column, f"{label} cannot be negative (got {number:,})."))
    elif number > _MAX_COUNT:
        errors.append(RowError(row, column, f"{label} ({number:,}) is implausibly large; "
                                            f"the limit is {_MAX_COUNT:,}."))
    else:
        return number
    return None


def _vocab(value: object, column: str, label: str, choices: dict[str, str], row: int,
           errors: list[RowError]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        found = choices.get(value)  # exact spelling first: no normalising needed
        if found is not None:
            return found
        if not value.strip():
            return None
        found = choices.get(_vocab_key(value))
        if found is not None:
            return found
    allowed = ", ".join(choices.values())
    errors.append(RowError(row, column, f'{label} "{value}" is not recognised: use one of '
                                        f"{allowed}."))
    return None


def _identifier(value: object, column: str, validator: Callable[[object], str], row: int,
                errors: list[RowError]) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a DUNS typed into Excel arrives as 150483782.0
    try:
        return validator(value)
    except ValueError as exc:
        errors.append(RowError(row, column, str(exc)))
        return None


def validate_supplier_values(
    values: dict[str, object], *, row: int = 0
) -> tuple[dict[str, Any], list[RowError]]:
    """Clean one supplier record (a spreadsheet row, a JSON body or a form).

    Returns the cleaned values for every column in SUPPLIER_COLUMNS and every error found.
    """
    errors: list[RowError] = []
    get = values.get
    name = _text(get("name"), "name", "Name", 300, row, errors)
    if name is None and not any(e.column == "name" for e in errors):
        errors.append(RowError(row, "name", "Name is required."))
    country = None
    raw_country = get("country")
    if raw_country is None or (isinstance(raw_country, str) and not raw_country.strip()):
        errors.append(RowError(row, "country", "Country is required."))
    else:
        try:
            country = normalise_country(raw_country if isinstance(raw_country, str)
                                        else str(raw_country))
        except UnknownCountry as exc:
            errors.append(RowError(row, "country", str(exc)))
    kind = _vocab(get("kind"), "kind", "Kind", _KINDS, row, errors) or "other"
    workers = _count(get("workers"), "workers", "Workers", row, errors)
    migrant = _count(get("migrant_workers"), "migrant_workers", "Migrant workers", row, errors)
    female = _count(get("female_workers"), "female_workers", "Female workers", row, errors)
    if workers is not None and ((migrant or 0) > workers or (female or 0) > workers):
        errors += [RowError(row, column, message)
                   for column, message in worker_count_problems(workers, migrant, female)]
    relationship_kind = _vocab(get("relationship_kind"), "relationship_kind", "Relationship kind",
                               _RELATIONSHIPS, row, errors)
    cleaned = {
        "external_id": _text(get("external_id"), "external_id", "External ID", 100, row, errors),
        "name": name,
        "latin_name": _text(get("latin_name"), "latin_name", "Latin name", 300, row, errors),
        "country": country,
        "kind": kind,
        "sector": _text(get("sector"), "sector", "Sector", 200, row, errors),
        "products": _list(get("products"), "products", "Product name", 200, row, errors,
                          fold=True),
        "address": _text(get("address"), "address", "Address", 500, row, errors,
                         multiline=True),
        "workers": workers,
        "migrant_workers": migrant,
        "female_workers": female,
        "os_id": _identifier(get("os_id"), "os_id", validate_os_id, row, errors),
        "lei": _identifier(get("lei"), "lei", validate_lei, row, errors),
        "duns": _identifier(get("duns"), "duns", validate_duns, row, errors),
        "supplies_to": _list(get("supplies_to"), "supplies_to", "Supplies-to reference", 300,
                             row, errors, fold=False),
        "relationship_kind": relationship_kind or ("labour" if kind in LABOUR_KINDS else "goods"),
        "relationship_product": _text(get("relationship_product"), "relationship_product",
                                      "Relationship product", 200, row, errors),
    }
    return cleaned, errors


def _tierlight_id(value: object, row: int, errors: list[RowError]) -> int | None:
    if value is None:
        return None
    number = value if value.__class__ is int else None
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 < number <= _MAX_ID:
        errors.append(RowError(row, "tierlight_id", f'Tierlight ID "{value}" is not an id '
                                                    "Tierlight exported: leave it as exported, "
                                                    "or blank."))
        return None
    return number


def parse_supplier_table(
    table: Table, *, on_progress: Callable[[int], None] | None = None,
    edges_elsewhere: bool = False,
) -> ParseResult:
    """Validate every row of an opened table, collecting every error with its row and column.

    Only rows without errors are returned in `rows`. on_progress(rows_seen) is called every
    1,000 rows and once at the end. A SpreadsheetError raised while reading (a damaged or
    oversized file) propagates to the caller. `edges_elsewhere`: the workbook lists its
    relationships on a sheet of their own, so the relationship columns must stay blank here.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        table.close()
        errors = [RowError(1, c, f'Required column "{c}" is missing.') for c in missing]
        return ParseResult([], errors, list(table.columns), list(table.unknown_columns))
    rows: list[SupplierRow] = []
    errors = []
    first_row: dict[str, dict[str, int]] = {column: {} for column, _ in _UNIQUE}
    seen = 0
    for row_number, values in table.rows:
        seen += 1
        if on_progress is not None and seen % 1000 == 0:
            on_progress(seen)
        cleaned, row_errors = validate_supplier_values(values, row=row_number)
        cleaned["tierlight_id"] = _tierlight_id(values.get("tierlight_id"), row_number,
                                                row_errors)
        if edges_elsewhere:
            row_errors += [RowError(row_number, column, f"{column} must be blank: this workbook "
                                    "lists relationships on its Relationships sheet.")
                           for column in RELATIONSHIP_COLUMNS
                           if values.get(column) not in (None, "")]
        for column, label in _UNIQUE:
            value = cleaned[column]
            if value is not None:
                earlier = first_row[column].setdefault(value, row_number)
                if earlier != row_number:
                    message = f'{label} "{value}" is already used on row {earlier}.'
                    row_errors.append(RowError(row_number, column, message))
        references = cleaned["supplies_to"]
        if references and (cleaned["external_id"] in references or cleaned["name"] in references):
            row_errors.append(RowError(row_number, "supplies_to",
                                       "A supplier cannot supply itself: remove its own ID or "
                                       "name from supplies_to."))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(SupplierRow(row=row_number, **cleaned))
    if on_progress is not None and seen % 1000:
        on_progress(seen)
    return ParseResult(rows, errors, list(table.columns), list(table.unknown_columns))

