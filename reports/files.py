"""Generated files (reports, filed statements) kept in the instance folder (REPORTS_FOLDER,
outside the web root) under a random key, and streamed back as downloads.

Unlike uploaded evidence (app/filestore.py) these bytes are ours, but they can be large (an
XLSX of 100,000 suppliers), so they are moved into place from a temporary file and streamed,
never read whole. A file kept for a row that never commits is removed on rollback.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import Response, current_app
from sqlalchemy.orm import Session
from werkzeug.exceptions import Gone

from app.aftercommit import after_commit, after_rollback
from app.errors import NotFound
from app.filestore import content_disposition

_KEY = re.compile(r"[0-9a-f]{40}")
WHOLE_BYTES = 8 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def folder() -> Path:
    path = Path(current_app.config["REPORTS_FOLDER"])
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def temp_path(suffix: str = "") -> Path:
    """A private temporary file inside the folder, for a writer to fill; `keep` moves it."""
    fd, name = tempfile.mkstemp(dir=folder(), prefix=".part-", suffix=suffix)
    os.close(fd)
    return Path(name)


def path_of(storage_key: str) -> Path:
    if not isinstance(storage_key, str) or not _KEY.fullmatch(storage_key):
        raise NotFound("No such file.")
    return folder() / storage_key[:2] / storage_key


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def keep(session: Session | None, source: bytes | Path) -> tuple[str, int, str]:
    """Keep `source` (bytes, or a temporary file from `temp_path`, which is moved):
    (storage_key, size, sha256). With a session, the file goes again on rollback."""
    if isinstance(source, bytes):
        tmp = temp_path()
        tmp.write_bytes(source)
        source = tmp
    key = secrets.token_hex(20)
    target = path_of(key)
    target.parent.mkdir(exist_ok=True, mode=0o700)
    size, digest = source.stat().st_size, sha256_of(source)
    os.replace(source, target)
    if session is not None:
        after_rollback(session, lambda: target.unlink(missing_ok=True))
    return key, size, digest


def delete_after_commit(session: Session, storage_key: str | None) -> None:
    if storage_key:
        path = path_of(storage_key)
        after_commit(session, lambda: path.unlink(missing_ok=True))


def read(storage_key: str) -> bytes:
    path = path_of(storage_key)
    if not path.is_file():
        raise Gone("The file is no longer stored.")
    return path.read_bytes()


def _chunks(path: Path):
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            yield chunk


def serve(storage_key: str, filename: str, fmt: str, *, inline: bool = False) -> Response:
    """A kept file as a download, streamed when large (410 when the bytes have gone)."""
    path = path_of(storage_key)
    if not path.is_file():
        raise Gone("The file is no longer stored. Generate it again.")
    size = path.stat().st_size
    if size <= WHOLE_BYTES:  # small: read whole, no open handle outlives the response
        response = Response(path.read_bytes(), mimetype=CONTENT_TYPES[fmt])
    else:  # the file opens only once the body is read, and closes when it ends or is dropped
        response = Response(_chunks(path), mimetype=CONTENT_TYPES[fmt])
        response.headers["Content-Length"] = str(size)
    disposition = content_disposition(filename)
    response.headers["Content-Disposition"] = (
        disposition.replace("attachment", "inline", 1) if inline else disposition)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
