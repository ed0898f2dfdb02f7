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
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Control characters other than tab, LF and CR (C0, DEL and C1): XML 1.0 cannot hold most of
# them, and a spreadsheet program may drop them, so "\x01=HYPERLINK(..)" would become a formula.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with "'" so it shows as text.

    Run it last, on the text exactly as it will be written: anything removed afterwards
    could uncover a "=".
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_text(text: str) -> str:
    """Control characters removed first, and only then neutralised."""
    if CONTROL_CHARACTERS.search(text):
        text = CONTROL_CHARACTERS.sub("", text)
    return str(neutralise(text))


def _xlsx_text(value: object) -> str:
    # Cutting the end cannot uncover a "=". Excel's cell limit: longer text makes it "repair".
    return _safe_text(value if isinstance(value, str) else str(value))[:32767]


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
               sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]], *,
               filters: bool = False) -> None:
    """Stream a workbook: bold frozen header, widths from the first rows, text never a formula;
    `filters` adds a filter button to each header cell."""
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
        count = 0
        for row in chain(sample, row_iter):
            sheet.append([_xlsx_value(sheet, v) for v in row])
            count += 1
        if filters and header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(path_or_buffer)


def write_csv(buffer: io.TextIOBase, header: Sequence[object],
              rows: Iterable[Sequence[object]]) -> None:
    """CSV with every cell neutralised; None becomes an empty cell."""
    writer = csv.writer(buffer)
    writer.writerow([_csv_value(v) for v in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    return _safe_text(value) if isinstance(value, str) else value
