"""Safe reading and writing of uploaded spreadsheets (.xlsx and .csv), shared by every domain.

Uploads are hostile until proven otherwise: a file may lie about its type, be a zip bomb, carry
XML entity attacks, forge its <dimension>, put a cell in column XFD on every row, or hold
formulas aimed at whoever opens our exports. Reading streams: memory is one row plus the
workbook's shared-string table, itself bounded by the archive checks.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl.utils import get_column_letter
from openpyxl.xml import DEFUSEDXML

from app.sheet_errors import (  # noqa: F401 - the names callers import from here
    _RESAVE,
    MAX_SHARED_STRINGS,
    MAX_SHARED_TEXT,
    PARSER_ERRORS,
    SpreadsheetError,
    _unreadable,
)
from app.text_encoding import decode_plan

if not DEFUSEDXML:  # pragma: no cover - a deployment error: fail closed, never parse unsafely
    raise ImportError("openpyxl must use defusedxml (OPENPYXL_DEFUSEDXML must not be False)")

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_ROWS = 200_000
MAX_HEADER_COLUMNS = 100
MAX_ARCHIVE_MEMBERS = 1000
MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # 100,000 openpyxl-written supplier rows unzip to 68 MB
MAX_COMPRESSION_RATIO = 100             # checked for parts over 1 MB; real sheets are ~10:1
MAX_SHEET_ROWS = 1_048_576              # Excel's last row: more (blank rows too) is forged

log = logging.getLogger(__name__)

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"%PDF-", "a PDF document"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
           "an old-style Excel (.xls) file or a password-protected workbook"),
          (b"PK\x03\x04", "a zip archive"), (b"PK\x05\x06", "an empty zip archive"),
          (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"))
_SAVE_AS_XLSX = {".xls", ".xlsm", ".xlsb", ".xlt", ".xltx", ".ods", ".numbers"}
_HEADER_JUNK = re.compile(r"[^0-9a-z]+")


@dataclass
class Table:
    """A header-matched sheet whose rows are read lazily, once. close() if you stop early
    (or use it as a context manager): an open table holds the file open."""

    format: str
    columns: list[str]
    unknown_columns: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]
    # Releases the file even when `rows` was never started (closing a fresh generator
    # does not run its `finally`).
    closer: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def close(self) -> None:
        if hasattr(self.rows, "close"):
            self.rows.close()
        if self.closer is not None:
            self.closer()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _size(n: float, *, exact: bool = False) -> str:
    """"70.0 MB"; exact=True drops a ".0" for limits ("25 MB")."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            text = f"{n / scale:.1f}"
            return f"{text.removesuffix('.0') if exact else text} {unit}"
    return f"{int(n)} bytes"


def normalise_header(text: object) -> str:
    """"External ID", " external_id ", "EXTERNAL-ID" and "external id*" all give "external_id"."""
    s = str(text).replace("\ufeff", "").replace("\x00", "").strip().lower().rstrip("*")
    return _HEADER_JUNK.sub("_", s).strip("_")


def _looks_like(head: bytes) -> str | None:
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)


def _not_a_workbook(head: bytes) -> SpreadsheetError:
    looks_like = _looks_like(head) or ("a binary file" if b"\x00" in head else "a text file")
    return SpreadsheetError(f"The file is named .xlsx but looks like {looks_like}, not an "
                            f"Excel workbook. {_RESAVE}", code="unsupported_type", status=415)


def detect_format(filename: str, head: bytes) -> Literal["xlsx", "csv"]:
    """The format named by the extension, refused unless the first bytes agree with it."""
    ext = os.path.splitext(filename.strip().rstrip(".").lower())[1]
    looks_like = _looks_like(head)
    if ext in _SAVE_AS_XLSX:
        raise SpreadsheetError(f'"{ext}" files cannot be imported: open the file in Excel and '
                               "save it as .xlsx.", code="unsupported_type", status=415)
    if ext not in (".xlsx", ".csv"):
        raise SpreadsheetError("Only Excel workbooks (.xlsx) and CSV files (.csv) can be "
                               "imported.", code="unsupported_type", status=415)
    if not head:
        raise SpreadsheetError("The file is empty.", code="empty")
    if ext == ".xlsx":
        if head.startswith(b"PK\x03\x04"):
            return "xlsx"
        raise _not_a_workbook(head)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError('The CSV file is saved as UTF-16 text: save it as "CSV UTF-8" '
                               "instead.", code="unsupported_type", status=415)
    if looks_like or b"\x00" in head:
        raise SpreadsheetError(f"The file is named .csv but looks like "
                               f"{looks_like or 'a binary file'}, not a CSV text file.",
                               code="unsupported_type", status=415)
    return "csv"


def _head(path_or_file: Any) -> bytes:
    if hasattr(path_or_file, "read"):
        position = path_or_file.tell()
        head = path_or_file.read(512)
        path_or_file.seek(position)
        return head
    with open(path_or_file, "rb") as f:
        return f.read(512)


def check_xlsx_archive(path: Any) -> None:
    """Refuse other file types, zip bombs and odd archives, before any XML is parsed.

    The first bytes are sniffed first, so a PNG named .xlsx is named a PNG by every caller.
    Declared sizes are safe bounds: zipfile stops inflating a member at its declared size
    (then fails the CRC check), so a lying header cannot make it expand further.
    """
    head = _head(path)
    if not head:
        raise SpreadsheetError("The file is empty.", code="empty")
    if not head.startswith(b"PK\x03\x04"):
        raise _not_a_workbook(head)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        log.info("zip directory unreadable: %r", exc, exc_info=exc)
        raise SpreadsheetError(f"The workbook is damaged: it is not a readable zip archive. "
                               f"{_RESAVE}") from exc
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise SpreadsheetError(f"The workbook contains {len(infos):,} parts; the limit is "
                               f"{MAX_ARCHIVE_MEMBERS:,}.", code="archive_too_large")
    total = sum(info.file_size for info in infos)
    if total > MAX_EXPANDED_BYTES:
        raise SpreadsheetError(f"The workbook expands to {_size(total)} when unzipped; the limit "
                               f"is {_size(MAX_EXPANDED_BYTES, exact=True)}.",
                               code="archive_too_large")
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError("The workbook is encrypted: remove its password and save it "
                                   "again as .xlsx.", code="unsupported_type", status=415)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            raise SpreadsheetError(f'The workbook part "{info.filename[:100]}" expands '
                                   f"{ratio:,.0f} times when unzipped, as zip bombs do, so the "
                                   "file was refused.", code="archive_too_large")
    if not any(info.filename == "[Content_Types].xml" for info in infos):
        raise SpreadsheetError("The file is a zip archive but not an Excel workbook.",
                               code="unsupported_type", status=415)


def _match_header(cells: Sequence[object], canon: dict[str, str]
                  ) -> tuple[list[str], list[str], list[tuple[int, str]]]:
    """(canonical columns, unknown header cells as written, [(position, canonical column)])."""
    columns: list[str] = []
    unknown: list[str] = []
    positions: list[tuple[int, str]] = []
    for i, cell in enumerate(cells[:MAX_HEADER_COLUMNS]):
        text = "" if cell is None else str(cell).replace("\x00", "").strip()
        name = canon.get(normalise_header(text)) if text else None
        if name in columns:
            first = get_column_letter(positions[columns.index(name)][0] + 1)
            raise SpreadsheetError(f'The column "{text}" appears twice (columns {first} and '
                                   f"{get_column_letter(i + 1)}): keep only one.",
                                   code="duplicate_column")
        if name:
            columns.append(name)
            positions.append((i, name))
        elif text:
            unknown.append(text)
    return columns, unknown, positions


def _record(values: Sequence[object], positions: list[tuple[int, str]]) -> dict | None:
    """{column: cleaned value}, or None for an entirely blank row. The hot path: keep it lean."""
    record: dict[str, object] = {}
    blank = True
    width = len(values)
    for i, name in positions:
        value = values[i] if i < width else None
        if value.__class__ is str:
            if "\x00" in value:  # PostgreSQL refuses NUL in text
                value = value.replace("\x00", "")
            value = value.strip() or None
        if value is not None:
            blank = False
        record[name] = value
    return None if blank else record


def _table(fmt: str, source: Iterator[tuple[int, Sequence[object]]], canon: dict[str, str],
           expected: Sequence[str], max_rows: int, close: Callable[[], None],
           width: list[int] | None = None) -> Table:
    """Match the header (row 1) and wrap the remaining rows; `close` runs when they end."""
    first = next(source, None)
    if first is None:
        raise SpreadsheetError("The file is empty.", code="empty")
    columns, unknown, positions = _match_header(first[1] if first[0] == 1 else (), canon)
    if not columns and not unknown:
        example = " and ".join(f'"{c}"' for c in expected[:2])
        raise SpreadsheetError(f"The first row is blank: it must hold the column names (for "
                               f"example {example}).", code="no_header")
    if width is not None:  # from now on keep only up to our last column
        width[0] = max((i for i, _ in positions), default=0) + 1
    return Table(fmt, columns, unknown, _rows(source, positions, max_rows, close), close)


def _rows(source: Iterator[tuple[int, Sequence[object]]], positions: list[tuple[int, str]],
          max_rows: int, close: Callable[[], None]) -> Iterator[tuple[int, dict[str, object]]]:
    count, number = 0, 1
    try:
        for seen, (number, values) in enumerate(source, start=2):
            if seen > MAX_SHEET_ROWS:
                raise SpreadsheetError(f"The file has more than {MAX_SHEET_ROWS:,} rows, the most "
                                       "a spreadsheet can hold.", code="too_many_rows")
            if not 1 <= number <= MAX_SHEET_ROWS:
                raise SpreadsheetError(f"The sheet numbers a row {number:,}, but a spreadsheet's "
                                       f"rows run from 1 to {MAX_SHEET_ROWS:,}: the file was not "
                                       f"saved by a spreadsheet program. {_RESAVE}",
                                       code="row_out_of_range")
            record = _record(values, positions)
            if record is not None:
                count += 1
                if count > max_rows:
                    raise SpreadsheetError(f"The file has more than {max_rows:,} rows; split it "
                                           "into smaller files.", code="too_many_rows")
                yield number, record
    except PARSER_ERRORS as exc:  # parse errors surface lazily, row by row
        raise _unreadable(exc, number + 1) from exc
    finally:
        close()


def open_table(path: str | os.PathLike[str], filename: str, expected_columns: Sequence[str], *,
               max_rows: int = MAX_ROWS, max_bytes: int = MAX_UPLOAD_BYTES,
               sheet: str | None = None) -> Table:
    """Check and open an upload: the header is read now, the rows lazily from `rows`.

    `sheet` names the worksheet to read (matched ignoring case); None means the first one.
    A workbook without it, or a CSV file (which has one unnamed sheet), raises a
    SpreadsheetError with code "missing_sheet". Every sheet gets every check.
    """
    size = os.path.getsize(path)
    if size > max_bytes:
        raise SpreadsheetError(f"The file is {_size(size)}; the limit is "
                               f"{_size(max_bytes, exact=True)}.", code="too_large", status=413)
    with open(path, "rb") as f:
        head = f.read(512)
    fmt = detect_format(filename, head)
    canon = {normalise_header(c): c for c in expected_columns}
    if fmt == "csv" and sheet is not None:
        raise SpreadsheetError(f'A CSV file has a single sheet, so no "{sheet}" sheet.',
                               code="missing_sheet")
    handle = _open_csv(path) if fmt == "csv" else open(path, "rb")  # noqa: SIM115 - see Table
    try:
        if fmt == "csv":
            source = enumerate(_csv_reader(handle), start=1)
            return _table("csv", source, canon, expected_columns, max_rows, handle.close)
        check_xlsx_archive(handle)
        width = [MAX_HEADER_COLUMNS]
        from app.xlsx_stream import xlsx_source

        source = xlsx_source(handle, width, sheet)
        return _table("xlsx", source, canon, expected_columns, max_rows, handle.close, width)
    except PARSER_ERRORS as exc:
        handle.close()
        raise _unreadable(exc) from exc
    except BaseException:
        handle.close()
        raise


def _open_csv(path: Any) -> io.TextIOWrapper:
    """The file as text, in the encoding app.text_encoding recognised (or a refusal)."""
    with open(path, "rb") as f:
        if not any(chunk.strip(b" \t\r\n\xef\xbb\xbf,;")
                   for chunk in iter(lambda: f.read(1 << 20), b"")):
            raise SpreadsheetError("The file is empty.", code="empty")
    encoding, problem = decode_plan(path)
    if encoding is None:
        raise SpreadsheetError(problem, code="unknown_encoding")
    return open(path, encoding=encoding, errors="strict", newline="")


def _csv_reader(f: io.TextIOWrapper) -> Iterator[list[str]]:
    """csv.reader with the header line's most frequent delimiter: "," or ";" (or a tab)."""
    first = f.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    f.seek(0)
    return csv.reader(f, delimiter=max(counts, key=counts.__getitem__))
