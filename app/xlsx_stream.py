"""Streaming reader of worksheet XML (cells and shared strings), used by app.spreadsheets.

openpyxl (through defusedxml) still reads the workbook's structure; the cells and shared strings
go through expat here, because openpyxl's read-only mode took 36 s for 100,000 rows against
about 5 s this way. Any DOCTYPE is refused (entity attacks), only the wanted columns are kept
and missing rows are never padded.
"""

from __future__ import annotations

import logging
import pyexpat
from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

from app.sheet_errors import (
    _RESAVE,
    MAX_SHARED_STRINGS,
    MAX_SHARED_TEXT,
    PARSER_ERRORS,
    SpreadsheetError,
    _unreadable,
)

log = logging.getLogger(__name__)
# openpyxl reports a workbook whose structure it cannot make sense of with these: KeyError for a
# missing part, ValueError and TypeError from its typed descriptors, OSError ("no valid
# workbook part"). Caught only around the structure reading below, where no code of ours runs.
_STRUCTURE_ERRORS = (InvalidFileException, KeyError, ValueError, TypeError, OSError)
_MAX_CELL_TEXT = 1_000_000  # characters pending in one cell; Excel's own limit is 32,767

_CHUNK = 256 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # pyexpat's "uri name"
_ROW, _C, _V, _T, _RPH, _SI = (_MAIN + tag for tag in ("row", "c", "v", "t", "rPh", "si"))


def xlsx_source(handle: Any, width: list[int], name: str | None = None
                ) -> Iterator[tuple[int, list[object]]]:
    """Rows of the worksheet called `name` (ignoring case), else of the first worksheet.
    openpyxl (through defusedxml) reads the workbook's structure; the cells go through
    _xml_items: openpyxl's read-only mode took 36 s for 100,000 rows here (it parses a sheet
    without <dimension> twice, in pure Python); pyexpat takes about 6."""
    try:
        reader = ExcelReader(handle, read_only=True, data_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_workbook()
        sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if rel.Type.endswith("/worksheet") and rel.target in reader.valid_files]
        dates: set[int] = set()
        if ARC_STYLE in reader.valid_files:
            dates = Stylesheet.from_tree(fromstring(reader.archive.read(ARC_STYLE))).date_formats
        part = reader.package.find(SHARED_STRINGS)
        epoch = reader.wb.epoch
    except SpreadsheetError:
        raise
    except PARSER_ERRORS as exc:
        raise _unreadable(exc) from exc
    except _STRUCTURE_ERRORS as exc:
        log.warning("workbook structure unreadable: %r", exc, exc_info=exc)
        raise SpreadsheetError(f"The workbook could not be read ({type(exc).__name__}): it is "
                               f"damaged or was not saved by a spreadsheet program. {_RESAVE}"
                               ) from exc
    wanted = name.strip().casefold() if name is not None else None
    sheet = next((target for title, target in sheets
                  if wanted is None or (title or "").strip().casefold() == wanted), None)
    if sheet is None:
        if wanted is not None:
            raise SpreadsheetError(f'The workbook has no sheet named "{name}".',
                                   code="missing_sheet")
        raise SpreadsheetError("The workbook has no worksheet.", code="empty")
    strings: list[object] = []
    if part is not None:
        try:
            src = reader.archive.open(part.PartName[1:])
        except KeyError as exc:  # listed in [Content_Types].xml, missing from the archive
            log.info("shared strings missing: %r", exc, exc_info=exc)
            raise SpreadsheetError(f"The workbook is damaged: its table of texts is missing. "
                                   f"{_RESAVE}") from exc
        with src:
            strings = _shared_strings(src)
    return _xml_items(reader.archive.open(sheet), width, strings, {str(i) for i in dates}, epoch)


def _shared_strings(src: Any) -> list[object]:
    """The shared-string table, refused past MAX_SHARED_STRINGS texts or MAX_SHARED_TEXT
    characters in all, while it streams, so the refusal costs no more than the limit."""
    strings: list[object] = []
    total = 0
    for _, (text, *_) in _xml_items(src, [1], (), frozenset(), None):
        text = text or ""
        total += len(text)
        strings.append(text)
        if len(strings) > MAX_SHARED_STRINGS:
            raise SpreadsheetError(f"The workbook holds more than {MAX_SHARED_STRINGS:,} "
                                   "different texts; split it into smaller files.",
                                   code="too_much_text")
        if total > MAX_SHARED_TEXT:
            raise SpreadsheetError(f"The workbook's texts add up to more than "
                                   f"{MAX_SHARED_TEXT:,} characters, more than any supplier "
                                   "list needs; split it into smaller files.",
                                   code="too_much_text")
    return strings


def _bad_cell(exc: Exception, kind: str, text: str, col: int, row: int, count: int
              ) -> SpreadsheetError:
    where = f"{get_column_letter(min(col, 16384))}{row}" if row else f"text {col}"
    log.info("cell %s unreadable: %r", where, exc, exc_info=exc)
    shown = text[:40]
    if kind == "s":
        what = f'refers to shared text "{shown}", but the workbook has {count:,} texts'
    elif kind == "n":
        what = f'holds "{shown}", which is not a number'
    elif kind == "d":
        what = f'holds "{shown}", which is not a date'
    else:
        what = f'holds "{shown}", which cannot be read'
    return SpreadsheetError(f"Cell {where} {what}: the file was not saved by a spreadsheet "
                            f"program. {_RESAVE}", code="bad_cell")


def _bad_row(ref: str, previous: int) -> SpreadsheetError:
    return SpreadsheetError(f'The row after row {previous:,} is numbered "{ref[:20]}", which is '
                            f"not a row number: the file was not saved by a spreadsheet program. "
                            f"{_RESAVE}", code="row_out_of_range")


def _column(ref: str) -> int:
    """1-based column of a cell reference: "AB12" -> 28."""
    number = 0
    for ch in ref.rstrip("0123456789"):
        number = number * 26 + ord(ch) - 64
    return number


def _refuse_dtd(*_: object) -> None:
    # Entity attacks (billion laughs, XXE) need a DTD, and spreadsheet programs never write one.
    raise SpreadsheetError(f"The workbook contains an XML document type declaration, which is "
                           f"refused for safety. {_RESAVE}")


def _xml_items(src: Any, width: list[int], strings: Sequence[object], dates: Any,
               epoch: Any) -> Iterator[tuple[int, list[object]]]:
    """Stream sheet XML as (row number, [values of columns 1..width[0]]); a shared-string
    table comes out as one single-cell "row" per <si>. Only start and text callbacks run Python
    (a Python end callback would cost a third more): a <v> or <t> holds the first text callback
    after it, exact because chunks are cut before a "<" so no text straddles two Parse() calls,
    and the builtin `len` as end callback makes expat flush its text buffer at every end tag."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.buffer_text, parser.buffer_size = True, 2 * _CHUNK
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EndElementHandler = len
    done: list[tuple[int, list[object]]] = []
    parts: list[str] = []
    row = col = 0
    kind, style, values, capture, skip = "n", None, [], False, False

    def finish_cell() -> None:
        nonlocal parts
        if 0 < col <= len(values):
            text = "".join(parts)
            try:
                if kind == "n":
                    value: object = float(text) if "." in text or "e" in text or "E" in text \
                        else int(text)
                    if style in dates:
                        with suppress(ValueError, OverflowError):  # beyond the calendar
                            value = from_excel(value, epoch)
                elif kind == "s":
                    value = strings[int(text)]
                elif kind == "b":
                    value = text.strip() == "1"
                elif kind == "d":
                    value = from_ISO8601(text.strip())
                else:  # inlineStr, str (a formula's text), e ("#N/A"); CR is written _x000D_
                    value = unescape(text) if "_x" in text else text
            except (ValueError, IndexError, TypeError) as exc:  # the file's data, not our code
                raise _bad_cell(exc, kind, text, col, row, len(strings)) from exc
            values[col - 1] = value
        parts = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, kind, style, values, capture, skip
        capture = False
        if name == _C:
            if parts:
                finish_cell()
            ref = attrs.get("r")
            col = _column(ref) if ref else col + 1
            kind, style, skip = attrs.get("t", "n"), attrs.get("s"), False
        elif name == _V or (name == _T and not skip):
            capture = True
        elif name in (_ROW, _SI):
            if parts:
                finish_cell()
            if values:  # a row was started (row 0 too, to be refused)
                done.append((row, values))
            ref = attrs.get("r")
            if ref and not (ref.isascii() and ref.isdigit()):  # "²".isdigit() is true
                raise _bad_row(ref, row)
            row, values = int(ref) if ref else row + 1, [None] * width[0]
            col, kind, skip = (0, "n", False) if name == _ROW else (1, "inlineStr", False)
        elif name == _RPH:  # a phonetic guide, not part of the text
            skip = True

    def text(data: str) -> None:
        nonlocal capture
        if capture:
            parts.append(data)
            capture = False

    parser.StartElementHandler, parser.CharacterDataHandler = start, text
    rest, final = b"", False
    while not final:
        chunk = rest + src.read(_CHUNK)
        final = len(chunk) == len(rest)
        cut = chunk.rfind(b"<")
        if final or cut <= 0 or len(chunk) - cut > _CHUNK:  # never carry more than a chunk
            cut = len(chunk)
        parser.Parse(chunk[:cut], final)
        rest = chunk[cut:]
        if len(parts) > 1000 or (parts and sum(map(len, parts)) > _MAX_CELL_TEXT):
            raise SpreadsheetError(f"A cell of row {row:,} holds more than {_MAX_CELL_TEXT:,} "
                                   f"characters; a spreadsheet cell holds at most 32,767.",
                                   code="cell_too_long")
        if final:
            if parts:
                finish_cell()
            if values:  # a row was started (row 0 too, to be refused)
                done.append((row, values))
        yield from done
        done.clear()
