"""Evidence files, stored for any package: a file is hostile until its content says otherwise.

Its type is read from its first bytes (never from the name or the browser's Content-Type) and
the name's extension must agree; Office files are zip archives run through the spreadsheet
code's archive guard (zip bombs, encrypted or odd archives); text must decode and hold no NUL,
and text that a browser would render as a page is refused. Files are kept in the instance
folder (EVIDENCE_FOLDER, outside the web root) under a random key, never under the uploader's
name; a file stored for a row that never commits is removed on rollback, and a deleted row's
file once the deletion commits. Served back as an attachment, with the stored type (or
application/octet-stream), nosniff and a sandboxing CSP.

Packages keep the rows (who, what it is attached to); this module keeps the bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from flask import Response, current_app
from sqlalchemy.orm import Session
from werkzeug.exceptions import Gone

from app.aftercommit import after_commit, after_rollback
from app.errors import NotFound, PayloadTooLarge, UnsupportedMedia, ValidationFailed
from app.sheet_errors import SpreadsheetError
from app.spreadsheets import check_xlsx_archive
from app.text_encoding import decode_plan

MAX_BYTES = 10 * 1024 * 1024
CHUNK = 1024 * 1024
_KEY = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("application/pdf", (".pdf",), "a PDF document")
PNG = Kind("image/png", (".png",), "a PNG image")
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"), "a JPEG image")
GIF = Kind("image/gif", (".gif",), "a GIF image")
WEBP = Kind("image/webp", (".webp",), "a WEBP image")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",), "a Word document")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",),
            "an Excel workbook")
TEXT = Kind("text/plain", (".txt",), "a text file")
CSV = Kind("text/csv", (".csv",), "a CSV file")
KINDS = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, TEXT, CSV)
ACCEPTED = "PDF, PNG, JPEG, WEBP, GIF, Word (.docx), Excel (.xlsx), text (.txt) or CSV (.csv)"
CONTENT_TYPES = tuple(k.content_type for k in KINDS)
# Text that a browser would render as a page or run as script: refused even as plain text.
_MARKUP = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe)", re.I)


@dataclass(frozen=True)
class StoredFile:
    """What a package records about a stored file."""

    storage_key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def _refuse(message: str) -> UnsupportedMedia:
    return UnsupportedMedia(message, [{"field": "file", "message": message}])


def _zip_kind(path: str) -> Kind:
    try:
        check_xlsx_archive(path)  # zip bombs, encrypted or odd archives, no [Content_Types]
    except SpreadsheetError as exc:
        message = str(exc).replace("workbook", "file")
        if exc.status == 415:
            raise _refuse(f"{message} Accepted: {ACCEPTED}.") from None
        raise ValidationFailed(message, [{"field": "file", "message": message}]) from None
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise _refuse(f"The file is an Office archive, but not a Word or Excel one. Accepted: "
                  f"{ACCEPTED}.")


def _text_kind(path: str, ext: str) -> tuple[Kind, str]:
    with open(path, "rb") as f:
        head = f.read(4096)
        if b"\x00" in head or any(b"\x00" in chunk for chunk in iter(lambda: f.read(CHUNK), b"")):
            raise _refuse(f"The file is not a document, image or text file we accept. "
                          f"Accepted: {ACCEPTED}.")
    if _MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
        raise _refuse("Web pages, SVG and XML files are not accepted as evidence: save the "
                      "page as PDF and upload that.")
    encoding, _problem = decode_plan(path)
    if encoding is None:
        raise _refuse("The text file is not in an encoding we can read: save it as UTF-8.")
    charset = "utf-8" if encoding.startswith("utf") else encoding
    return (CSV if ext == ".csv" else TEXT), charset


def sniff(path: str, filename: str) -> tuple[Kind, str]:
    """(kind, content type to serve it with), from the file's content; the name's extension
    must agree. 415 otherwise, 422 for a damaged or hostile archive."""
    ext = os.path.splitext(filename.lower())[1]
    with open(path, "rb") as f:
        head = f.read(16)
    if not head:
        raise ValidationFailed("The file is empty.", [{"field": "file", "message": "empty"}])
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        kind = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = WEBP
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
    elif ext in TEXT.extensions + CSV.extensions:
        kind, charset = _text_kind(path, ext)
        return kind, f"{kind.content_type}; charset={charset}"
    else:
        raise _refuse(f"The file's content is not of a type we accept (the name says "
                      f"{ext or 'nothing'}). Accepted: {ACCEPTED}.")
    if ext not in kind.extensions:
        raise _refuse(f"The file is named {ext or 'without an extension'} but its content is "
                      f"{kind.label} ({'/'.join(kind.extensions)}): rename it or upload the "
                      "right file.")
    return kind, kind.content_type


def clean_filename(name: str | None, fallback_ext: str = "") -> str:
    """A name safe to store and to put in a download header: no path, no control or quote
    characters, at most 120 characters, the extension kept."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in base)
    base = re.sub(r'["<>:|?*;]+', "_", base)
    base = re.sub(r"\s+", " ", base).strip(" .")
    stem, ext = os.path.splitext(base)
    ext = ext[:10] or fallback_ext
    stem = stem.strip(" .")[:120 - len(ext)].rstrip(" .") or "evidence"
    return stem + ext


def _folder() -> Path:
    folder = Path(current_app.config["EVIDENCE_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def path_of(storage_key: str) -> Path:
    """Where a stored file lives; a key that is not one of ours is 404 (never a path)."""
    if not isinstance(storage_key, str) or not _KEY.fullmatch(storage_key):
        raise NotFound("No such evidence file.")
    return _folder() / storage_key[:2] / storage_key


def _receive(stream: BinaryIO, folder: Path, max_bytes: int) -> tuple[str, int, str]:
    """Copy the upload to a private temporary file: (path, size, sha256); 413 past the limit."""
    fd, path = tempfile.mkstemp(dir=folder, prefix=".upload-")
    sha, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(
                        f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit "
                        "for evidence.", [{"field": "file", "message": "Too large."}])
                sha.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return path, size, sha.hexdigest()


def require_upload(upload: Any) -> None:
    if upload is None or not getattr(upload, "filename", None):
        raise ValidationFailed("Choose a file to upload.",
                               [{"field": "file", "message": "No file was sent."}])


def store(session: Session, upload: Any, *, max_bytes: int = MAX_BYTES) -> StoredFile:
    """Check and keep `upload` (a werkzeug FileStorage, or anything with .filename and
    .stream). The file is removed again if the session's transaction does not commit."""
    require_upload(upload)
    folder = _folder()
    path, size, sha = _receive(upload.stream, folder, max_bytes)
    try:
        kind, content_type = sniff(path, clean_filename(upload.filename))
        key = secrets.token_hex(20)
        target = folder / key[:2] / key
        target.parent.mkdir(exist_ok=True, mode=0o700)
        os.replace(path, target)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    after_rollback(session, lambda: target.unlink(missing_ok=True))
    return StoredFile(storage_key=key, content_type=content_type, size=size, sha256=sha,
                      filename=clean_filename(upload.filename, kind.extensions[0]))


def delete_after_commit(session: Session, storage_key: str) -> None:
    """Delete the stored file once the deletion of its row commits (kept on rollback)."""
    path = path_of(storage_key)
    after_commit(session, lambda: path.unlink(missing_ok=True))


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def serve(storage_key: str, filename: str, content_type: str, *,
          gone: str = "The file is no longer stored. Ask for it to be uploaded again.",
          ) -> Response:
    """The stored file as a download: never anything a browser would render or run (410
    `gone` when the bytes are missing, say after a restore of the database alone)."""
    path = path_of(storage_key)
    if not path.is_file():
        raise Gone(gone)
    if content_type.split(";")[0] not in CONTENT_TYPES:
        content_type = "application/octet-stream"
    # Read whole (10 MB at most): no open file handle outlives a response nobody closes.
    response = Response(path.read_bytes(), mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(clean_filename(filename))
    response.headers["Content-Type"] = content_type  # as stored: werkzeug would add a charset
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


__all__ = ["ACCEPTED", "CONTENT_TYPES", "MAX_BYTES", "StoredFile", "clean_filename",
           "delete_after_commit", "path_of", "require_upload", "serve", "sniff", "store"]
