"""What the supplier does: open, save a draft, start from earlier answers (consent), submit.

Reached through an emailed link (`actor` None: the link's holder) or a supplier user's login.
The buyer never reads the draft: only what the supplier submits (`submitted_answers`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app import signals
from app.activity.services import record
from app.auth.models import User
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.mail import queue_mail
from questionnaires import definitions, logic, scoring
from questionnaires.models import Assignment, Consent, Signal
from questionnaires.states import IllegalMove, next_status

REUSE_WINDOW = timedelta(days=365)
NAME_LIMIT = 200


def template_of(assignment: Assignment) -> definitions.Template:
    return definitions.get_template(assignment.template_key, assignment.template_version)


def _who(actor: User | None) -> str:
    return actor.email if actor is not None else "the emailed link"


def _move(assignment: Assignment, event: str) -> str:
    try:
        return next_status(assignment.status, event)
    except IllegalMove as exc:
        raise Conflict(str(exc)) from None


def _log(session: Session, assignment: Assignment, actor: User | None, action: str,
         summary: str, **details: Any) -> None:
    record(session, org_id=assignment.org_id, actor=actor, action=action, obj=assignment,
           summary=f"{assignment.supplier.name}: {summary}"[:200],
           details={"by": _who(actor), **details})


def mark_opened(session: Session, assignment_id: int, actor: User | None = None) -> bool:
    """sent -> opened, once; a conditional update, so two first visits record it once."""
    now = utcnow()
    claimed = session.execute(
        update(Assignment).where(Assignment.id == assignment_id, Assignment.status == "sent")
        .values(status="opened", opened_at=now, version=Assignment.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        assignment = session.get(Assignment, assignment_id)
        session.refresh(assignment)
        _log(session, assignment, actor, "questionnaire.opened", "opened the questionnaire")
    return bool(claimed)


def _details(errors: list[logic.AnswerError]) -> list[dict[str, str]]:
    return [{"field": e.code, "message": f"{e.code}: {e.message}"} for e in errors]


def save(session: Session, assignment: Assignment, answers: Any, *, actor: User | None,
         from_text: bool = False) -> Assignment:
    """Merge answers into the draft (None removes one); 422 names each bad code, 409 when
    the questionnaire is submitted or accepted."""
    if not isinstance(answers, dict):
        raise ValidationFailed("answers must be an object of question code to answer.",
                               [{"field": "answers", "message": "An object is required."}])
    status = _move(assignment, "save")
    template = template_of(assignment)
    cleaned, errors = logic.clean_answers(template, answers, from_text=from_text)
    if errors:
        raise ValidationFailed(
            f"{len(errors)} answer{'s' if len(errors) != 1 else ''} could not be saved: "
            + ", ".join(e.code for e in errors[:10]), _details(errors))
    draft = dict(assignment.answers or {})
    for code in answers:
        if code in cleaned:
            draft[code] = cleaned[code]
        elif code in template.codes and template.question(code).type != "file":
            draft.pop(code, None)
    before = assignment.status
    assignment.answers = draft
    assignment.status = status
    if assignment.started_at is None:
        assignment.started_at = utcnow()
    session.flush()
    if before != status:
        _log(session, assignment, actor, "questionnaire.started", f"{before} -> {status}")
    return assignment


def missing(assignment: Assignment) -> list[str]:
    return logic.missing_required(template_of(assignment), assignment.answers or {})


def _attestation(name: Any, title: Any) -> tuple[str, str | None]:
    problems = []
    name = name.strip() if isinstance(name, str) else ""
    title = title.strip() if isinstance(title, str) else ""
    if not name or len(name) > NAME_LIMIT or any(ord(c) < 32 for c in name):
        problems.append({"field": "attestation.name",
                         "message": "The name of the person attesting the answers is required "
                                    f"(up to {NAME_LIMIT} characters)."})
    if len(title) > NAME_LIMIT or any(ord(c) < 32 for c in title):
        problems.append({"field": "attestation.title",
                         "message": f"A job title of up to {NAME_LIMIT} characters."})
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    return name, title or None


def submit(session: Session, assignment: Assignment, *, actor: User | None,
           attestation_name: Any, attestation_title: Any = None) -> list[scoring.Signal]:
    """Submit the draft: every visible required question answered, attested; scored."""
    status = _move(assignment, "submit")
    template = template_of(assignment)
    draft = assignment.answers or {}
    gaps = logic.missing_required(template, draft)
    problems = [{"field": code, "message": f"{code}: required, not answered "
                 f"({definitions.tr(template.question(code).text, 'en')})"} for code in gaps]
    try:
        name, title = _attestation(attestation_name, attestation_title)
    except ValidationFailed as exc:
        problems += exc.details
        name = title = None
    if problems:
        message = (f"{len(gaps)} required question{'s are' if len(gaps) != 1 else ' is'} not "
                   f"answered: {', '.join(gaps)}" if gaps else problems[0]["message"])
        raise ValidationFailed(message, problems)
    effective = logic.effective_answers(template, draft)
    raised = scoring.score(template, effective)
    now = utcnow()
    session.execute(delete(Signal).where(Signal.assignment_id == assignment.id))
    if raised:
        session.execute(insert(Signal), [{
            "org_id": assignment.org_id, "assignment_id": assignment.id,
            "supplier_id": assignment.supplier_id, "indicator": s.indicator,
            "strength": s.strength, "weight": s.weight, "question": s.question,
            "answer": s.answer, "note": s.note[:500], "created_at": now} for s in raised])
    assignment.submitted_answers = effective
    assignment.status = status
    assignment.submitted_at = now
    assignment.submitted_by_id = actor.id if actor is not None else None
    assignment.attestation_name, assignment.attestation_title = name, title
    if actor is not None and actor.organization.kind == "supplier":
        assignment.supplier_org_id = assignment.supplier_org_id or actor.org_id
    session.flush()
    _log(session, assignment, actor, "questionnaire.submitted",
         f"submitted, attested by {name}", signals=len(raised))
    _notify_buyer(session, assignment, template)
    signals.queue(session, signals.questionnaire_submitted, "questionnaires",
                  org_id=assignment.org_id, supplier_id=assignment.supplier_id,
                  assignment_id=assignment.id)
    return raised


def _notify_buyer(session: Session, assignment: Assignment, template) -> None:
    campaign = assignment.campaign
    sender = campaign.created_by if campaign is not None else None
    if sender is None or not sender.is_active:
        return
    from app.links import external_url

    queue_mail(
        session, org_id=assignment.org_id, to=sender.email,
        subject=f"{assignment.supplier.name} submitted {definitions.tr(template.title, 'en')}",
        template="questionnaire_submitted", related=assignment,
        context={"supplier": assignment.supplier.name,
                 "title": definitions.tr(template.title, "en"),
                 "attested_by": assignment.attestation_name or "",
                 "link": external_url("questionnaires.assignment", assignment_id=assignment.id)},
    )


# --- answer once, share with consent -------------------------------------------------------


def reuse_sources(session: Session, assignment: Assignment, user: User | None) -> list[Assignment]:
    """Earlier submissions of the same questions by the user's (supplier) organisation.

    Offered only to a signed-in user of the connected supplier organisation: the holder of an
    emailed link is not shown another buyer's questionnaire."""
    if (user is None or user.organization.kind != "supplier"
            or assignment.supplier_org_id != user.org_id
            or assignment.status not in ("sent", "opened", "in_progress")):
        return []
    template = template_of(assignment)
    since = utcnow() - REUSE_WINDOW
    found = session.scalars(
        select(Assignment).where(
            Assignment.supplier_org_id == user.org_id, Assignment.id != assignment.id,
            Assignment.template_key == assignment.template_key,
            Assignment.status.in_(("submitted", "accepted")),
            Assignment.submitted_at >= since,
        ).order_by(Assignment.submitted_at.desc())
    )
    return [a for a in found if definitions.same_questions(template, template_of(a))]


def start_from(session: Session, assignment: Assignment, source_id: Any, *,
               user: User) -> Consent:
    """Copy the supplier's submitted answers from `source_id` into this draft, with consent.

    Nothing reaches the new buyer until the supplier reviews and submits; the buyer's comments
    and evidence files of the earlier questionnaire are not carried over."""
    sources = {a.id: a for a in reuse_sources(session, assignment, user)}
    try:
        source = sources[int(source_id)]
    except (KeyError, TypeError, ValueError):
        raise NotFound("No earlier questionnaire of yours to start from.") from None
    template = template_of(assignment)
    carried = {code: value for code, value in (source.submitted_answers or {}).items()
               if code in template.codes and template.question(code).type != "file"}
    cleaned, _errors = logic.clean_answers(template, carried)
    status = _move(assignment, "save")
    assignment.answers = {**cleaned, **{k: v for k, v in (assignment.answers or {}).items()
                                        if template.question(k).type == "file"}}
    assignment.status = status
    assignment.started_at = assignment.started_at or utcnow()
    assignment.reused_from_id = source.id
    consent = Consent(org_id=assignment.org_id, assignment_id=assignment.id,
                      source_assignment_id=source.id, supplier_org_id=user.org_id,
                      user_id=user.id, answers_copied=len(cleaned))
    session.add(consent)
    session.flush()
    _log(session, assignment, user, "questionnaire.answers_reused",
         f"started from {len(cleaned)} earlier answers, with the supplier's consent",
         consent=consent.id)
    return consent
