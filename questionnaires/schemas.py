"""JSON shapes of the questionnaire API (API.md). The buyer's view of an assignment and the
supplier's are separate serialisers: the supplier never gets signals or the buyer's records."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, NO_NUL, PAGE_QUERY, required_text, text
from questionnaires import definitions, logic
from questionnaires.models import Assignment, Evidence, Signal
from questionnaires.states import STATUSES

_DATE = {"type": "string", "format": "date"}
_WHEN = {"type": ["string", "null"], "format": "date-time"}
_STATUS = {"type": "string", "enum": list(STATUSES)}
_NAMED = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
_TEMPLATE_REF = {"type": "object", "required": ["key", "version", "title"], "properties": {
    "key": {"type": "string"}, "version": {"type": "integer"}, "title": {"type": "string"}}}
_SIGNAL = {"type": "object", "required": ["indicator", "strength", "question", "answer"],
           "properties": {"indicator": {"type": "string", "pattern": "^FL(0[1-9]|1[01])$"},
                          "indicator_name": {"type": "string"},
                          "strength": {"type": "string", "enum": list(definitions.STRENGTHS)},
                          "weight": {"type": "number"}, "question": {"type": "string"},
                          "answer": {}, "note": {"type": "string"}}}
_EVIDENCE = {"type": "object", "required": ["id", "question", "filename", "size"], "properties": {
    "id": INT_ID, "question": {"type": "string"}, "filename": {"type": "string"},
    "content_type": {"type": "string"}, "size": {"type": "integer"},
    "sha256": {"type": "string"}, "uploaded_at": {"type": "string"}}}
_ANSWERS = {"type": "object", "description": "question code -> answer: booleans for yes/no, "
            "numbers, option values, lists of option values, ISO 8601 dates, text"}

_EMAIL = {"type": ["string", "null"], "format": "email", "maxLength": 254, "pattern": NO_NUL}
# Not blank: the service strips the comment and refuses an empty one.
_COMMENT = required_text(4000)
_TEXT_ITEM = {"type": "string", "maxLength": 4000, "pattern": NO_NUL}
_ANSWER_VALUE = {"anyOf": [
    {"type": ["boolean", "number", "null"]}, _TEXT_ITEM,
    {"type": "array", "maxItems": 50, "items": _TEXT_ITEM}]}

ASSIGNMENT = {"type": "object", "required": ["id", "status", "due_date", "template", "overdue"],
              "properties": {
                  "id": INT_ID, "supplier_id": INT_ID, "campaign_id": {"type": ["integer", "null"]},
                  "supplier": {"type": "object"}, "buyer": _NAMED, "template": _TEMPLATE_REF,
                  "status": _STATUS, "due_date": _DATE, "overdue": {"type": "boolean"},
                  "contact_email": {"type": ["string", "null"]},
                  "created_at": {"type": "string"}, "opened_at": _WHEN,
                  "submitted_at": _WHEN, "returned_at": _WHEN, "accepted_at": _WHEN,
                  "review_comment": {"type": ["string", "null"]},
                  "attestation": {"type": ["object", "null"]},
                  "answers": {"type": ["object", "null"],
                              "description": _ANSWERS["description"]},
                  "signals": {"type": "array", "items": _SIGNAL},
                  "evidence": {"type": "array", "items": _EVIDENCE},
                  "reused_answers": {"type": "boolean"},
                  "link": {"type": ["string", "null"]}}}

_QUESTION = {"type": "object", "required": ["code", "type", "required", "text", "visible"],
             "properties": {"code": {"type": "string"}, "type": {"type": "string"},
                            "required": {"type": "boolean"}, "text": {"type": "string"},
                            "help": {"type": "string"}, "visible": {"type": "boolean"},
                            "options": {"type": "array"}, "answer": {}}}
PORTAL = {"type": "object", "required": ["assignment", "sections", "missing", "progress"],
          "properties": {
              "assignment": {"type": "object"}, "language": {"type": "string"},
              "sections": {"type": "array", "items": {"type": "object", "properties": {
                  "code": {"type": "string"}, "title": {"type": "string"},
                  "questions": {"type": "array", "items": _QUESTION}}}},
              "missing": {"type": "array", "items": {"type": "string"}},
              "progress": {"type": "object", "properties": {
                  "answered": {"type": "integer"}, "visible": {"type": "integer"}}}}}

OPENAPI_SCHEMAS: dict[str, dict[str, Any]] = {
    "QuestionnaireTemplate": {"type": "object", "required": ["key", "title", "versions"],
                              "properties": {"key": {"type": "string"}, "title": {"type": "string"},
                                             "description": {"type": "string"},
                                             "latest_version": {"type": "integer"},
                                             "versions": {"type": "array"},
                                             "questions": {"type": "integer"}}},
    "QuestionnaireDetail": {"type": "object", "required": ["key", "version", "sections"],
                            "properties": {"key": {"type": "string"},
                                           "version": {"type": "integer"},
                                           "title": {"type": "string"},
                                           "sections": {"type": "array"}}},
    "TemplateQuery": {"type": "object", "properties": {
        "version": INT_ID, "lang": {"type": "string", "maxLength": 20, "pattern": NO_NUL}}},
    "SendInput": {"type": "object", "required": ["supplier_ids", "due_date"],
                  "additionalProperties": False, "properties": {
                      "due_date": _DATE | {"description": "today or later, within two years"},
                      "supplier_ids": {"type": "array", "minItems": 1, "maxItems": 100_000,
                                       "items": INT_ID,
                                       "description": "suppliers of your network (422 names "
                                                      "the others)"},
                      "email": _EMAIL | {"description": "sends every invitation here, "
                                                       "instead of each supplier's contact"},
                      "message": text(2000)}},
    "SendResult": {"type": "object", "required": ["assignments"], "properties": {
        "campaign_id": INT_ID,
        "assignments": {"type": "array", "items": {"type": "object", "properties": {
            "id": INT_ID, "supplier_id": INT_ID, "status": _STATUS, "link": {"type": "string"}}}},
        "skipped": {"type": "array"}}},
    "Assignment": ASSIGNMENT,
    "AssignmentFilters": {"type": "object", "properties": {
        "status": {"type": "string", "enum": [*STATUSES, ""]},
        "supplier_id": INT_ID, "campaign_id": INT_ID,
        "template": {"type": "string", "maxLength": 40, "pattern": NO_NUL},
        "overdue": {"type": "string", "enum": ["1", "0", "true", "false", ""]},
        **PAGE_QUERY}},
    # Returning needs a comment that says something; accepting takes an optional one.
    "ReviewInput": {"oneOf": [
        {"type": "object", "required": ["decision"], "additionalProperties": False,
         "properties": {"decision": {"const": "accept"}, "comment": text(4000)}},
        {"type": "object", "required": ["decision", "comment"], "additionalProperties": False,
         "properties": {"decision": {"const": "return"}, "comment": _COMMENT}}]},
    "NewLinkInput": {"type": "object", "additionalProperties": False,
                     "properties": {"email": _EMAIL | {"description": "the new contact"}}},
    "NewLink": {"type": "object", "required": ["link"], "properties": {
        "link": {"type": "string"}, "expires_at": {"type": "string"}}},
    "Portal": PORTAL,
    "PortalQuery": {"type": "object", "properties": {
        "lang": {"type": "string", "maxLength": 20, "pattern": NO_NUL}}},
    "AnswersInput": {"type": "object", "required": ["answers"], "additionalProperties": False,
                     "properties": {"answers": {
                         "type": "object", "maxProperties": 500, "description": _ANSWERS[
                             "description"] + "; null clears an answer",
                         "propertyNames": {"pattern": "^[a-z][a-z0-9_]{1,63}$"},
                         "additionalProperties": _ANSWER_VALUE}}},
    "SubmitInput": {"type": "object", "additionalProperties": False, "properties": {
        "attestation": {"type": "object", "additionalProperties": False, "properties": {
            "name": text(200), "title": text(200)}}}},
}


def template_ref(key: str, version: int, lang: str = "en") -> dict[str, Any]:
    template = definitions.get_template(key, version)
    return {"key": key, "version": version, "title": definitions.tr(template.title, lang)}


def signal_json(s: Signal) -> dict[str, Any]:
    return s.as_json() | {"indicator_name": definitions.INDICATORS.get(s.indicator, "")}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _common(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.id, "status": a.status, "due_date": a.due_date.isoformat(),
        "overdue": a.overdue, "template": template_ref(a.template_key, a.template_version),
        "created_at": a.created_at.isoformat(), "opened_at": _iso(a.opened_at),
        "submitted_at": _iso(a.submitted_at), "returned_at": _iso(a.returned_at),
        "accepted_at": _iso(a.accepted_at), "review_comment": a.review_comment,
        "attestation": ({"name": a.attestation_name, "title": a.attestation_title}
                        if a.attestation_name else None),
    }


def buyer_json(a: Assignment, *, signals: list[Signal] | None = None,
               evidence: list[Evidence] | None = None, detail: bool = False) -> dict[str, Any]:
    out = _common(a) | {
        "supplier_id": a.supplier_id, "campaign_id": a.campaign_id,
        "supplier": {"id": a.supplier.id, "name": a.supplier.name, "country": a.supplier.country},
        "contact_email": a.contact_email, "reused_answers": a.reused_from_id is not None,
    }
    if detail:
        # The buyer reads only what was submitted, never the supplier's draft.
        submitted = a.submitted_answers if a.status in ("submitted", "returned", "accepted") \
            else None
        shown = set(_evidence_ids(submitted))
        out |= {"answers": submitted,
                "signals": [signal_json(s) for s in signals or []],
                "evidence": [e.as_json() for e in evidence or [] if e.id in shown]}
    return out


def _evidence_ids(answers: dict | None) -> list[int]:
    ids: list[int] = []
    for value in (answers or {}).values():
        if isinstance(value, list):
            ids += [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return ids


def supplier_json(a: Assignment, *, evidence: list[Evidence] | None = None,
                  detail: bool = False) -> dict[str, Any]:
    out = _common(a) | {"buyer": {"name": a.organization.name}}
    if detail:
        out |= {"answers": a.answers or {}, "evidence": [e.as_json() for e in evidence or []]}
    return out


def portal_json(a: Assignment, lang: str, *, evidence: list[Evidence] | None = None
                ) -> dict[str, Any]:
    """What the supplier answers: sections, questions in its language, saved answers."""
    template = definitions.get_template(a.template_key, a.template_version)
    answers = a.answers or {}
    shown = logic.visible_codes(template, answers)  # once, not once per question
    sections = []
    for section in template.sections:
        questions = []
        for q in section.questions:
            questions.append({
                "code": q.code, "type": q.type, "required": q.required,
                "text": definitions.tr(q.text, lang), "help": definitions.tr(q.help, lang),
                "visible": q.code in shown,
                "options": [{"value": o.value, "text": definitions.tr(o.text, lang)}
                            for o in q.options],
                "answer": answers.get(q.code),
            })
        sections.append({"code": section.code, "title": definitions.tr(section.title, lang),
                         "questions": questions})
    answered, visible = logic.progress(template, answers)
    return {
        "assignment": supplier_json(a, evidence=evidence, detail=False)
        | {"template": template_ref(a.template_key, a.template_version, lang),
           "supplier": {"name": a.supplier.name},
           "link_expires_at": a.link_expires_at.isoformat()},
        "language": lang, "sections": sections,
        "missing": logic.missing_required(template, answers),
        "progress": {"answered": answered, "visible": visible},
    }
