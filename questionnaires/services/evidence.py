"""Evidence files attached to a questionnaire's file questions.

A file is hostile until its content says otherwise: its type is read from its first bytes
(never from the name or the browser's Content-Type), Office files are zip archives run
through the spreadsheet code's archive guard, and text must decode and hold no NUL. Files are
kept in the instance folder (EVIDENCE_FOLDER, outside the web root) under a random key, and
the file question's answer is the list of its evidence ids, kept in step on add and remove.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.aftercommit import after_commit, after_rollback
from app.auth.models import User
from app.errors import Conflict, NotFound, PayloadTooLarge, UnsupportedMedia, ValidationFailed
from app.sheet_errors import SpreadsheetError
from app.spreadsheets import check_xlsx_archive
from app.text_encoding import decode_plan
from questionnaires.models import Assignment, Evidence
from questionnaires.services.answering import _log, _move, template_of
from questionnaires.states import EDITABLE

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10  # per question
CHUNK = 1024 * 1024
log = logging.getLogger(__name__)


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


def stored_path(evidence: Evidence) -> Path:
    if not re.fullmatch(r"[0-9a-f]{40}", evidence.storage_key):
        raise NotFound("No such evidence file.")
    return _folder() / evidence.storage_key[:2] / evidence.storage_key


def _receive(stream: BinaryIO, folder: Path) -> tuple[str, int, str]:
    """Copy the upload to a private temporary file: (path, size, sha256); 413 past the limit."""
    fd, path = tempfile.mkstemp(dir=folder, prefix=".upload-")
    sha, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise PayloadTooLarge(
                        f"The file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit "
                        "for evidence.", [{"field": "file", "message": "Too large."}])
                sha.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return path, size, sha.hexdigest()


def _file_question(assignment: Assignment, code: Any):
    template = template_of(assignment)
    try:
        question = template.question(code)
    except KeyError:
        raise NotFound(f"This questionnaire has no question {str(code)[:64]!r}.") from None
    if question.type != "file":
        raise ValidationFailed(f"{question.code}: this question takes an answer, not a file.",
                               [{"field": question.code, "message": "not a file question"}])
    return question


def _editable(assignment: Assignment) -> None:
    if assignment.status not in EDITABLE:
        raise Conflict(f"This questionnaire is {assignment.status}: its answers and files "
                       "can no longer be changed.")


def _sync_answer(session: Session, assignment: Assignment, code: str) -> None:
    ids = list(session.scalars(
        select(Evidence.id).where(Evidence.assignment_id == assignment.id,
                                  Evidence.question_code == code).order_by(Evidence.id)))
    answers = dict(assignment.answers or {})
    if ids:
        answers[code] = ids
    else:
        answers.pop(code, None)
    assignment.answers = answers  # a new dict: the JSON column sees the change


def add_evidence(session: Session, assignment: Assignment, question_code: Any, upload: Any, *,
                 actor: User | None) -> Evidence:
    """Store `upload` (a werkzeug FileStorage, or anything with .filename and .stream) as
    evidence for the file question `question_code`."""
    _editable(assignment)
    question = _file_question(assignment, question_code)
    if upload is None or not getattr(upload, "filename", None):
        raise ValidationFailed("Choose a file to upload.",
                               [{"field": "file", "message": "No file was sent."}])
    count = session.scalar(select(func.count()).select_from(Evidence).where(
        Evidence.assignment_id == assignment.id, Evidence.question_code == question.code))
    if (count or 0) >= MAX_FILES:
        raise ValidationFailed(
            f"{question.code}: at most {MAX_FILES} files per question; remove one first.",
            [{"field": question.code, "message": f"at most {MAX_FILES} files"}])
    folder = _folder()
    path, size, sha = _receive(upload.stream, folder)
    try:
        kind, content_type = sniff(path, clean_filename(upload.filename))
        key = secrets.token_hex(20)
        target = folder / key[:2] / key
        target.parent.mkdir(exist_ok=True, mode=0o700)
        os.replace(path, target)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    _forget_unless_committed(session, target)
    status = _move(assignment, "save")
    evidence = Evidence(
        org_id=assignment.org_id, assignment_id=assignment.id, question_code=question.code,
        filename=clean_filename(upload.filename, kind.extensions[0]),
        content_type=content_type, size=size, sha256=sha, storage_key=key,
        uploaded_by_id=actor.id if actor is not None else None,
    )
    session.add(evidence)
    session.flush()
    before = assignment.status
    assignment.status = status
    _sync_answer(session, assignment, question.code)
    session.flush()
    _log(session, assignment, actor, "questionnaire.evidence_added",
         f"attached {evidence.filename} to {question.code}", evidence=evidence.id,
         sha256=sha, size=size, status=f"{before} -> {status}")
    return evidence


def remove_evidence(session: Session, assignment: Assignment, evidence_id: Any, *,
                    actor: User | None) -> Evidence:
    """Remove one of the assignment's files; the file itself is deleted once this commits."""
    _editable(assignment)
    evidence = evidence_of(session, assignment, evidence_id)
    code, path = evidence.question_code, stored_path(evidence)
    session.delete(evidence)
    session.flush()
    _sync_answer(session, assignment, code)
    session.flush()
    after_commit(session, lambda: path.unlink(missing_ok=True))
    _log(session, assignment, actor, "questionnaire.evidence_removed",
         f"removed {evidence.filename} from {code}", evidence=evidence.id)
    return evidence


def submitted_ids(assignment: Assignment) -> set[int]:
    """Evidence ids in the answers the supplier submitted: what the buyer may download."""
    template = template_of(assignment)
    found: set[int] = set()
    for code, value in (assignment.submitted_answers or {}).items():
        if code in template.codes and template.question(code).type == "file" \
                and isinstance(value, list):
            found.update(v for v in value if type(v) is int)
    return found


def evidence_of(session: Session, assignment: Assignment, evidence_id: Any) -> Evidence:
    """One file of this assignment (404 for any other, whoever owns it)."""
    try:
        key = int(evidence_id)
    except (TypeError, ValueError):
        raise NotFound("No such evidence file.") from None
    found = session.get(Evidence, key)
    if found is None or found.assignment_id != assignment.id:
        raise NotFound("No such evidence file.")
    return found


def _forget_unless_committed(session: Session, path: Path) -> None:
    """A stored file whose row never commits is removed (a rollback, an error later on)."""
    after_rollback(session, lambda: path.unlink(missing_ok=True))


__all__ = ["ACCEPTED", "MAX_BYTES", "MAX_FILES", "add_evidence", "clean_filename",
           "evidence_of", "remove_evidence", "sniff", "stored_path", "submitted_ids"]
