"""File-level spreadsheet errors and the limits the readers share (app/spreadsheets.py and
app/xlsx_stream.py both stand on this module, so neither imports the other's internals)."""

from __future__ import annotations

import csv
import logging
import pyexpat
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from defusedxml.common import DefusedXmlException

MAX_SHARED_STRINGS = 2_000_000          # distinct texts; bounds the one table held in memory
# Their total length, in characters: 9.6 MB of zip whose shared strings held 380 MB of text
# took a worker to 477 MB. 100,000 real supplier rows hold about 8 million characters.
MAX_SHARED_TEXT = 40_000_000

log = logging.getLogger("app.spreadsheets")
# What a hostile or damaged file makes the parsers raise. Anything else is our own bug: it
# propagates to the 500 handler, which logs it with the request id.
PARSER_ERRORS: tuple[type[BaseException], ...] = (
    csv.Error, DefusedXmlException, ParseError, pyexpat.ExpatError, zipfile.BadZipFile,
    zlib.error, EOFError, UnicodeDecodeError,
)

_RESAVE = "Open it in Excel and save it again as .xlsx."


class SpreadsheetError(Exception):
    """A file-level problem (not a row problem): message is a sentence for the user."""

    def __init__(self, message: str, *, code: str = "invalid_file", status: int = 422) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status  # 413, 415 or 422


def _unreadable(exc: BaseException, row: int | None = None) -> SpreadsheetError:
    """A parser exception (one of PARSER_ERRORS), as a sentence for the user, logged."""
    if isinstance(exc, SpreadsheetError):
        return exc
    log.warning("spreadsheet refused as unreadable (row %s): %r", row, exc, exc_info=exc)
    if isinstance(exc, csv.Error):
        where = f"Row {row} of the CSV file" if row else "The CSV file"
        return SpreadsheetError(f"{where} could not be read ({exc}).")
    if isinstance(exc, DefusedXmlException):
        return SpreadsheetError(f"The workbook contains XML entity declarations, which are "
                                f"refused for safety. {_RESAVE}")
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return SpreadsheetError(f"The workbook is damaged (its zip archive is corrupt). {_RESAVE}")
    if isinstance(exc, pyexpat.ExpatError | ParseError):
        return SpreadsheetError(f"The workbook is damaged: a part of it is not well-formed XML "
                                f"({exc}). {_RESAVE}")
    detail = f"row {row}, " if row else ""
    return SpreadsheetError(f"The workbook could not be read ({detail}{type(exc).__name__}): it "
                            f"is damaged or was not saved by a spreadsheet program. {_RESAVE}")
