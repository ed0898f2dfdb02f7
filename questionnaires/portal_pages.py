"""What the supplier portal's pages show and do, whichever way the supplier came in.

A `Door` is the way in: the emailed link (a token; no login, nobody signed in as the actor)
or a supplier user's login (the assignment addressed to their organisation). The views in
questionnaires/portal_views.py only open the door; everything else is here, once, with one
set of templates (templates/portal/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.models import User
from app.db import get_session
from app.deferred import after_request_write
from app.errors import AppError, Conflict, ValidationFailed, field_error
from questionnaires import definitions, logic, services
from questionnaires.conditions import Condition
from questionnaires.models import Assignment, Evidence
from questionnaires.portal_text import LANGUAGE_NAMES, day, t
from questionnaires.queries import evidence_of
from questionnaires.services import evidence as evidence_service
from questionnaires.states import EDITABLE

ENDPOINTS = {
    "link": {"page": "portal.start", "submit": "portal.submit", "evidence": "portal.evidence",
             "workbook": "portal.workbook", "workbook_upload": "portal.workbook_upload"},
    "login": {"page": "portal.answer", "submit": "portal.answer_submit",
              "evidence": "portal.answer_evidence", "workbook": "portal.answer_workbook",
              "workbook_upload": "portal.answer_workbook_upload", "reuse": "portal.answer_reuse"},
}


def language() -> str:
    return definitions.pick_language(request.args.get("lang"),
                                     [lang for lang, _q in request.accept_languages])


@dataclass
class Door:
    kind: str  # "link" or "login"
    assignment: Assignment
    actor: User | None = None
    token: str | None = None
    lang: str = field(default_factory=language)

    def url(self, page: str, _anchor: str | None = None, **values: Any) -> str:
        ident = ({"token": self.token} if self.kind == "link"
                 else {"assignment_id": self.assignment.id})
        return url_for(ENDPOINTS[self.kind][page], **ident, lang=self.lang, _anchor=_anchor,
                       **values)

    def url_in(self, lang: str, page: str, **values: Any) -> str:
        """The same page in another language (the language switcher)."""
        return Door(self.kind, self.assignment, self.actor, self.token, lang).url(page, **values)

    @property
    def editable(self) -> bool:
        return self.assignment.status in EDITABLE

    def t(self, key: str, **values: Any) -> str:
        return t(self.lang, key, **values)

    def day(self, value: Any) -> str:
        return day(self.lang, value)


def mark_opened_later(door: Door) -> None:
    """A GET may not write (app/db.py): the first opening is stamped after the request."""
    if door.assignment.status == "sent":
        assignment_id = door.assignment.id
        user_id = door.actor.id if door.actor is not None else None
        after_request_write(lambda session: services.mark_opened(
            session, assignment_id, session.get(User, user_id) if user_id else None))


def _must_be_editable(door: Door) -> None:
    if not door.editable:
        raise Conflict(f"This questionnaire is {door.assignment.status.replace('_', ' ')}: its "
                       "answers can no longer be changed.")


# --- reading the page ------------------------------------------------------------------------


def condition_json(cond: Condition | None) -> dict | None:
    """show_if for questionnaires/static portal.js, which evaluates it as logic.is_visible."""
    if cond is None:
        return None
    if cond.op in ("all", "any"):
        return {"op": cond.op, "parts": [condition_json(p) for p in cond.parts]}
    value = sorted(cond.value) if isinstance(cond.value, frozenset) else cond.value
    return {"op": cond.op, "q": cond.question, "v": value}


def _field_value(question: definitions.Question, value: Any) -> Any:
    """A stored answer as the form's inputs hold it."""
    if value is None:
        return [] if question.type == "multi_choice" else ""
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type in ("number", "money") and isinstance(value, float):
        return f"{value:f}".rstrip("0").rstrip(".")
    return value


def _shown_answer(question: definitions.Question, value: Any, lang: str) -> str:
    """A stored answer in words, for the read-only view."""
    if value is None or value == [] or value == "":
        return ""
    texts = {o.value: definitions.tr(o.text, lang) for o in question.options}
    if question.type == "yes_no":
        return t(lang, "yes" if value else "no")
    if question.type == "choice":
        return texts.get(value, str(value))
    if question.type == "multi_choice":
        return "; ".join(texts.get(v, str(v)) for v in value)
    if question.type in ("number", "money"):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return str(value)


def _section(template: definitions.Template, code: str | None) -> definitions.Section:
    return next((s for s in template.sections if s.code == code), template.sections[0])


def page_context(door: Door, section_code: str | None, *, errors: dict[str, str] | None = None,
                 raw: dict[str, Any] | None = None, workbook_errors: list | None = None
                 ) -> dict[str, Any]:
    a, lang = door.assignment, door.lang
    db = get_session()
    template = services.template_of(a)
    answers = a.answers or {}
    visible = logic.visible_codes(template, answers)
    section = _section(template, section_code)
    index = template.sections.index(section)
    files: dict[str, list[Evidence]] = {}
    for ev in evidence_of(db, a.id):
        files.setdefault(ev.question_code, []).append(ev)
    errors, raw = errors or {}, raw or {}
    questions = []
    for q in section.questions:
        value = answers.get(q.code)
        questions.append({
            "code": q.code, "type": q.type, "required": q.required and q.type != "file",
            "text": definitions.tr(q.text, lang), "help": definitions.tr(q.help, lang),
            "visible": q.code in visible, "conditional": q.show_if is not None,
            "options": [(o.value, definitions.tr(o.text, lang)) for o in q.options],
            "value": raw[q.code] if q.code in raw else _field_value(q, value),
            "shown": _shown_answer(q, value, lang), "error": errors.get(q.code),
            "show_if": json.dumps(condition_json(q.show_if)) if q.show_if else "",
            "files": files.get(q.code, []), "max_length": q.max_length,
        })
    nav = []
    for s in template.sections:
        shown = [q for q in s.questions if q.code in visible]
        nav.append({"code": s.code, "title": definitions.tr(s.title, lang),
                    "answered": sum(1 for q in shown if logic.is_answered(answers.get(q.code))),
                    "visible": len(shown), "current": s is section,
                    "missing": any(q.required and not logic.is_answered(answers.get(q.code))
                                   for q in shown)})
    here = {q.code for q in section.questions}
    context = {code: answers.get(code) for code in visible - here if code in answers}
    answered, total = logic.progress(template, answers)
    return {
        "door": door, "a": a, "template": template, "title": definitions.tr(template.title, lang),
        "description": definitions.tr(template.description, lang), "section": section,
        "section_title": definitions.tr(section.title, lang), "questions": questions,
        "nav": nav, "answered": answered, "total": total,
        "step": index + 1, "steps": len(template.sections),
        "previous": template.sections[index - 1] if index > 0 else None,
        "next": template.sections[index + 1] if index + 1 < len(template.sections) else None,
        "js_context": json.dumps({"visible": sorted(visible - here), "answers": context}),
        "reuse": _reuse_offers(door), "workbook_errors": workbook_errors or [],
        "languages": LANGUAGE_NAMES, "buyer": a.organization.name, "supplier": a.supplier.name,
    }


def _reuse_offers(door: Door) -> list[dict[str, Any]]:
    if door.kind != "login" or not door.editable:
        return []
    sources = services.reuse_sources(get_session(), door.assignment, current_user)
    # Only who it went to and when: never the other buyer's comments or review.
    return [{"id": s.id, "buyer": s.organization.name, "date": s.submitted_at.date()}
            for s in sources[:3]]


def render_page(door: Door, section_code: str | None, status: int = 200, **extra: Any):
    return render_template("portal/page.html", **page_context(door, section_code, **extra)), status


def show_page(door: Door):
    mark_opened_later(door)
    return render_page(door, request.args.get("section"))


# --- saving a section ------------------------------------------------------------------------


def read_section(section: definitions.Section, form) -> dict[str, Any]:
    """The form's strings for the questions the page showed (listed in `_q`): an unticked box
    or an emptied field is an answer removed. Hidden questions post nothing (disabled)."""
    shown = set(form.getlist("_q"))
    answers: dict[str, Any] = {}
    for q in section.questions:
        if q.code not in shown or q.type == "file":
            continue
        if q.type == "multi_choice":
            answers[q.code] = ";".join(v for v in form.getlist(q.code) if v)
        else:
            answers[q.code] = form.get(q.code, "")
    return answers


def _errors_by_code(exc: ValidationFailed) -> dict[str, str]:
    found = {}
    for detail in exc.details:
        code = detail.get("field") or ""
        found[code] = str(detail.get("message", "")).removeprefix(f"{code}: ")
    return found


def save_page(door: Door):
    _must_be_editable(door)
    a, db = door.assignment, get_session()
    template = services.template_of(a)
    section = _section(template, request.form.get("section"))
    here = [q.code for q in section.questions]
    before = logic.visible_codes(template, a.answers or {})
    answers = read_section(section, request.form)
    if answers:
        try:
            services.save(db, a, answers, actor=door.actor, from_text=True)
        except ValidationFailed as exc:
            db.rollback()
            flash(door.t("fix_errors"), "error")
            raw = {code: (value.split(";") if template.question(code).type == "multi_choice"
                          else value) for code, value in answers.items()}
            return render_page(door, section.code, 422, errors=_errors_by_code(exc), raw=raw)
    anchor = _files(door, section)
    db.commit()
    after = logic.visible_codes(template, a.answers or {})
    # Questions the saved answers reveal that the page did not show (without JavaScript, or
    # the script's view differed): the supplier stays to see them.
    posted = set(request.form.getlist("_q"))
    appeared = [c for c in here if c in after and c not in before and c not in posted
                and not logic.is_answered((a.answers or {}).get(c))]
    if appeared:
        flash(door.t("new_questions"), "info")
        return redirect(door.url("page", section=section.code, _anchor=f"q-{appeared[0]}"), 303)
    if anchor:
        return redirect(door.url("page", section=section.code, _anchor=anchor), 303)
    if request.form.get("action") == "continue":
        index = template.sections.index(section)
        if index + 1 < len(template.sections):
            return redirect(door.url("page", section=template.sections[index + 1].code), 303)
        return redirect(door.url("submit"), 303)
    flash(door.t("saved"), "success")
    return redirect(door.url("page", section=section.code), 303)


def _files(door: Door, section: definitions.Section) -> str | None:
    """Attach the files chosen on the page and remove the one asked; the anchor to go back to.

    Each file is stored in its own savepoint: a refused file is reported, and the answers
    saved with it stay saved."""
    a, db, anchor = door.assignment, get_session(), None
    for q in section.questions:
        if q.type != "file":
            continue
        for upload in request.files.getlist(f"file-{q.code}"):
            if not upload.filename:
                continue
            anchor = f"q-{q.code}"
            savepoint = db.begin_nested()
            try:
                ev = evidence_service.add_evidence(db, a, q.code, upload, actor=door.actor)
                savepoint.commit()
                flash(door.t("file_added", name=ev.filename), "success")
            except AppError as exc:
                savepoint.rollback()
                name = evidence_service.clean_filename(upload.filename)
                flash(door.t("file_refused", name=name, reason=exc.message), "error")
    remove = request.form.get("remove")
    if remove:
        ev = evidence_service.remove_evidence(db, a, remove, actor=door.actor)
        flash(door.t("file_removed", name=ev.filename), "info")
        anchor = f"q-{ev.question_code}"
    return anchor


# --- submitting ------------------------------------------------------------------------------


def submit_context(door: Door, errors: list[dict] | None = None) -> dict[str, Any]:
    a, lang = door.assignment, door.lang
    template = services.template_of(a)
    missing = []
    for code in services.missing(a):
        q = template.question(code)
        missing.append({"code": code, "text": definitions.tr(q.text, lang),
                        "href": door.url("page", section=q.section, _anchor=f"q-{code}")})
    answered, total = logic.progress(template, a.answers or {})
    return {"door": door, "a": a, "title": definitions.tr(template.title, lang),
            "missing": missing, "errors": errors or [], "answered": answered, "total": total,
            "languages": LANGUAGE_NAMES, "buyer": a.organization.name,
            "supplier": a.supplier.name,
            "form": {"name": request.form.get("name", ""), "title": request.form.get("title", "")}}


def show_submit(door: Door):
    mark_opened_later(door)
    return render_template("portal/submit.html", **submit_context(door))


def do_submit(door: Door):
    _must_be_editable(door)
    db = get_session()
    try:
        services.submit(db, door.assignment, actor=door.actor,
                        attestation_name=request.form.get("name"),
                        attestation_title=request.form.get("title"))
    except ValidationFailed as exc:
        db.rollback()
        flash(door.t("submit_failed"), "error")
        errors = [d for d in exc.details if str(d.get("field", "")).startswith("attestation")]
        return render_template("portal/submit.html", **submit_context(door, errors)), 422
    db.commit()
    flash(door.t("submitted", buyer=door.assignment.organization.name), "success")
    return redirect(door.url("page"), 303)


# --- files and workbooks ---------------------------------------------------------------------


def serve_evidence(evidence: Evidence):
    from app.filestore import serve

    return serve(evidence.storage_key, evidence.filename, evidence.content_type,
                 gone="The file is no longer stored. Ask the supplier to upload it again.")


def download_workbook(door: Door):
    from flask import Response

    from questionnaires import workbook

    mark_opened_later(door)
    return Response(workbook.build(door.assignment, door.lang), mimetype=workbook.XLSX,
                    headers={"Content-Disposition":
                             f'attachment; filename="{workbook.filename(door.assignment)}"'})


def upload_workbook(door: Door):
    from app.uploads import received_file
    from questionnaires import workbook

    _must_be_editable(door)
    db = get_session()
    try:
        with received_file(max_bytes=workbook.MAX_BYTES) as (path, name):
            count = workbook.apply_upload(db, door.assignment, path, name, actor=door.actor)
    except ValidationFailed as exc:
        db.rollback()
        rows = [d for d in exc.details if d.get("row") is not None]
        flash(door.t("workbook_errors", name=request.files["file"].filename[:100])
              if rows else exc.message, "error")
        return render_page(door, request.form.get("section"), 422,
                           workbook_errors=rows or exc.details)
    db.commit()
    flash(door.t("workbook_saved", count=count, name=name), "success")
    return redirect(door.url("page", section=request.form.get("section") or None), 303)


def start_from_earlier(door: Door):
    _must_be_editable(door)
    source = request.form.get("source", "")
    if not (source.isascii() and source.isdigit() and len(source) < 10):
        raise field_error("source", "Choose the earlier questionnaire to start from.")
    db = get_session()
    consent = services.start_from(db, door.assignment, int(source), user=current_user)
    db.commit()
    flash(door.t("reused", count=consent.answers_copied), "success")
    return redirect(door.url("page"), 303)
