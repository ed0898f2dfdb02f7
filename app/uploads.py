"""Receiving uploaded files: size-capped, stored to a private temporary file, then removed."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, request

from app.errors import AppError, PayloadTooLarge, UnsupportedMedia, ValidationFailed
from app.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError

CHUNK = 1024 * 1024


def as_app_error(exc: SpreadsheetError) -> AppError:
    """A file-level spreadsheet problem in the one error vocabulary."""
    cls = {413: PayloadTooLarge, 415: UnsupportedMedia}.get(exc.status, ValidationFailed)
    return cls(str(exc), [{"field": "file", "message": str(exc)}])


def safe_filename(name: str | None) -> str:
    base = Path(name or "upload").name.replace("\x00", "")
    return base[:200] or "upload"


@contextmanager
def received_file(field: str = "file", max_bytes: int = MAX_UPLOAD_BYTES) -> Iterator[
    tuple[str, str]
]:
    """(path, original filename) of the uploaded file, deleted when the block ends."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise ValidationFailed(
            "Choose a file to upload.", [{"field": field, "message": "No file was sent."}]
        )
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    filename = safe_filename(upload.filename)
    fd, path = tempfile.mkstemp(dir=folder, suffix=Path(filename).suffix[:10])
    try:
        with os.fdopen(fd, "wb") as out:
            written = 0
            while chunk := upload.stream.read(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise PayloadTooLarge(
                        f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit.",
                        [{"field": field, "message": "Too large."}],
                    )
                out.write(chunk)
        yield path, filename
    finally:
        Path(path).unlink(missing_ok=True)


@contextmanager
def kept_file(field: str = "file", max_bytes: int = MAX_UPLOAD_BYTES) -> Iterator[
    tuple[str, str]
]:
    """Like received_file, but the caller owns the file afterwards (for background jobs)."""
    with received_file(field, max_bytes) as (path, filename):
        keep = path + ".job"
        os.link(path, keep)
        yield keep, filename


def estimate_rows(path: str, filename: str) -> int | None:
    """A cheap row count for progress bars (never used for limits or loops over data)."""
    try:
        if filename.lower().endswith(".csv"):
            with open(path, "rb") as f:
                return max(sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(CHUNK), b""))
                           - 1, 0)
        with zipfile.ZipFile(path) as archive:
            sheet = next((n for n in archive.namelist()
                          if n.startswith("xl/worksheets/sheet")), None)
            if sheet is None:
                return None
            count, seen = 0, 0
            with archive.open(sheet) as stream:
                tail = b""
                while chunk := stream.read(CHUNK):
                    seen += len(chunk)
                    if seen > 600 * CHUNK:  # bounded even for a file not yet checked
                        return None
                    count += (tail + chunk).count(b"<row ")
                    tail = chunk[-4:]
                    if count > 2_000_000:  # the archive checks refuse such files anyway
                        return None
            return max(count - 1, 0)
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
