"""Streaming reader of worksheet XML (cells and shared strings), used by app.spreadsheets.

openpyxl (through defusedxml) still reads the workbook's structure; the cells and shared strings
go through expat here, because openpyxl's read-only mode took 36 s for 100,000 rows against
about 5 s this way. Any DOCTYPE is refused (entity attacks), only the wanted columns are kept
and missing rows are never padded.
"""

from __future__ import annotations

import pyexpat
from collections.abc import Iterator, Sequence
from contextlib import suppress
from itertools import islice
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.escape import unescape
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

from app.spreadsheets import _RESAVE, MAX_SHARED_STRINGS, SpreadsheetError

_CHUNK = 256 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # pyexpat's "uri name"
_ROW, _C, _V, _T, _RPH, _SI = (_MAIN + tag for tag in ("row", "c", "v", "t", "rPh", "si"))


def xlsx_source(handle: Any, width: list[int]) -> Iterator[tuple[int, list[object]]]:
    """Rows of the first worksheet. openpyxl (through defusedxml) reads the workbook's structure;
    the cells go through _xml_items: openpyxl's read-only mode took 36 s for 100,000 rows here
    (it parses a sheet without <dimension> twice, in pure Python); pyexpat takes about 6."""
    reader = ExcelReader(handle, read_only=True, data_only=True, keep_links=False)
    reader.read_manifest()
    reader.read_workbook()
    archive = reader.archive
    sheet = next((rel.target for _, rel in reader.parser.find_sheets()
                  if rel.Type.endswith("/worksheet") and rel.target in reader.valid_files), None)
    if sheet is None:
        raise SpreadsheetError("The workbook has no worksheet.", code="empty")
    dates: set[int] = set()
    if ARC_STYLE in reader.valid_files:
        dates = Stylesheet.from_tree(fromstring(archive.read(ARC_STYLE))).date_formats
    strings: list[object] = []
    part = reader.package.find(SHARED_STRINGS)
    if part is not None:
        with archive.open(part.PartName[1:]) as src:
            items = _xml_items(src, [1], (), frozenset(), None)
            strings = [v[0] or "" for _, v in islice(items, MAX_SHARED_STRINGS + 1)]
        if len(strings) > MAX_SHARED_STRINGS:
            raise SpreadsheetError(f"The workbook holds more than {MAX_SHARED_STRINGS:,} "
                                   "different texts; split it into smaller files.")
    return _xml_items(archive.open(sheet), width, strings, {str(i) for i in dates},
                      reader.wb.epoch)


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
            if kind == "n":
                value: object = float(text) if "." in text or "e" in text or "E" in text \
                    else int(text)
                if style in dates:
                    with suppress(ValueError, OverflowError):  # beyond the calendar: a number
                        value = from_excel(value, epoch)
            elif kind == "s":
                value = strings[int(text)]
            elif kind == "b":
                value = text.strip() == "1"
            elif kind == "d":
                value = from_ISO8601(text.strip())
            else:  # inlineStr, str (a formula's text), e ("#N/A"); Excel writes CR as _x000D_
                value = unescape(text) if "_x" in text else text
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
            if row:
                done.append((row, values))
            ref = attrs.get("r")
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
        if final:
            if parts:
                finish_cell()
            if row:
                done.append((row, values))
        yield from done
        done.clear()
