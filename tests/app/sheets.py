"""Helpers for the spreadsheet tests: real workbooks and text files written to disk."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from app.spreadsheets import open_table

COLUMNS = ("external_id", "name", "country", "workers", "audited_on")
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def sheet_xml(rows: str, *, head: str = "", prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">'
            f"{head}<sheetData>{rows}</sheetData></worksheet>")


def build_xlsx(path: Path, sheet: str, strings: str | None = None,
               edits: dict[str, Callable[[str], str]] | None = None) -> Path:
    """A package framed by openpyxl (content types, relationships, styles with style 1 a date)
    whose sheet, shared strings and any other part we write ourselves, hostile if need be."""
    frame = openpyxl.Workbook()
    frame.active["A1"] = dt.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    frame.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        members = {name: source.read(name).decode() for name in source.namelist()}
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        "</Types>", override + "</Types>")
    members["xl/worksheets/sheet1.xml"] = sheet
    members["xl/sharedStrings.xml"] = strings or f'<sst xmlns="{MAIN_NS}" count="0"/>'
    for name, edit in (edits or {}).items():
        members[name] = edit(members[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def write_book(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, filename: str | None = None, columns=COLUMNS, **kw):
    """(table, [rows]) with the rows fully consumed, so the file is closed."""
    table = open_table(path, filename or path.name, columns, **kw)
    return table, list(table.rows)
