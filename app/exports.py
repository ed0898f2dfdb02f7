"""Formula-safe spreadsheet writers (xlsx and csv), for every export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain, islice
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with "'" so it shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _xlsx_text(value: object) -> str:
    text = str(neutralise(value if isinstance(value, str) else str(value)))
    if ILLEGAL_CHARACTERS_RE.search(text):  # XML 1.0 cannot hold most control characters
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[:32767]  # Excel's cell limit: longer text makes Excel "repair" the file


def _xlsx_value(sheet: Any, value: object) -> object:
    if value is None or isinstance(value, bool | int | float | Decimal) \
            or hasattr(value, "isoformat"):  # numbers and dates stay typed
        return value
    text = _xlsx_text(value)
    if text in ERROR_CODES:  # openpyxl would type "#N/A" as an error cell: force a string
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text  # openpyxl types other text as "s" (never "f": neutralise removed any "=")


def write_xlsx(path_or_buffer: Any,
               sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> None:
    """Stream a workbook: bold frozen header, widths from the first rows, text never a formula."""
    if not sheets:
        raise ValueError("write_xlsx needs at least one sheet")
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31])
        row_iter = iter(rows)
        sample = list(islice(row_iter, 50))
        for i, name in enumerate(header):
            longest = max([len(str(name))] + [len(str(r[i])) for r in sample
                                                if i < len(r) and r[i] is not None])
            sheet.column_dimensions[get_column_letter(i + 1)].width = min(max(longest + 2, 10), 60)
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=_xlsx_text(name))
            cell.data_type, cell.font = "s", bold
            cells.append(cell)
        sheet.append(cells)
        for row in chain(sample, row_iter):
            sheet.append([_xlsx_value(sheet, v) for v in row])
    workbook.save(path_or_buffer)


def write_csv(buffer: io.TextIOBase, header: Sequence[object],
              rows: Iterable[Sequence[object]]) -> None:
    """CSV with every cell neutralised; None becomes an empty cell."""
    writer = csv.writer(buffer)
    writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
