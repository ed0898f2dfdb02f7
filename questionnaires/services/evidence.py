"""Evidence files attached to a questionnaire's file questions.

The bytes go through the shared hostile-file store (app/filestore.py: type read from the
content, the archive guard, NUL and markup refused, a random key in EVIDENCE_FOLDER, removed
again when the row never commits). This module keeps the rows: the file question's answer is
the list of its evidence ids, kept in step on add and remove.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import filestore
from app.auth.models import User
from app.errors import Conflict, NotFound, ValidationFailed
from app.filestore import ACCEPTED, CONTENT_TYPES, MAX_BYTES, clean_filename, sniff
from questionnaires.models import Assignment, Evidence
from questionnaires.services.answering import _log, _move, template_of
from questionnaires.states import EDITABLE

MAX_FILES = 10  # per question


def stored_path(evidence: Evidence) -> Path:
    return filestore.path_of(evidence.storage_key)


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
    filestore.require_upload(upload)
    count = session.scalar(select(func.count()).select_from(Evidence).where(
        Evidence.assignment_id == assignment.id, Evidence.question_code == question.code))
    if (count or 0) >= MAX_FILES:
        raise ValidationFailed(
            f"{question.code}: at most {MAX_FILES} files per question; remove one first.",
            [{"field": question.code, "message": f"at most {MAX_FILES} files"}])
    stored = filestore.store(session, upload, max_bytes=MAX_BYTES)
    status = _move(assignment, "save")
    evidence = Evidence(
        org_id=assignment.org_id, assignment_id=assignment.id, question_code=question.code,
        filename=stored.filename, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, storage_key=stored.storage_key,
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
         sha256=stored.sha256, size=stored.size, status=f"{before} -> {status}")
    return evidence


def remove_evidence(session: Session, assignment: Assignment, evidence_id: Any, *,
                    actor: User | None) -> Evidence:
    """Remove one of the assignment's files; the file itself is deleted once this commits."""
    _editable(assignment)
    evidence = evidence_of(session, assignment, evidence_id)
    code = evidence.question_code
    filestore.delete_after_commit(session, evidence.storage_key)
    session.delete(evidence)
    session.flush()
    _sync_answer(session, assignment, code)
    session.flush()
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


__all__ = ["ACCEPTED", "CONTENT_TYPES", "MAX_BYTES", "MAX_FILES", "add_evidence", "clean_filename",
           "evidence_of", "remove_evidence", "sniff", "stored_path", "submitted_ids"]
