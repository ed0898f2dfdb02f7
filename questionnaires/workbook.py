"""The questionnaire as an Excel workbook, to answer offline and upload back into the draft.

Written with app.exports (formula-safe, typed cells) and read back with app.spreadsheets
(the archive guard and the streaming reader), never with openpyxl directly. One row per
question; only the `code` and `answer` columns are read back, whatever the language of the
others. Every bad answer is a row error naming the question code, and nothing is saved unless
every row is good. File questions are answered on the portal, so their rows are ignored.
"""

from __future__ import annotations

import io
import os
from typing import Any

from sqlalchemy.orm import Session

from app.auth.models import User
from app.errors import ValidationFailed
from app.exports import FORMULA_PREFIXES, write_xlsx
from app.sheet_errors import SpreadsheetError
from app.spreadsheets import open_table
from app.uploads import as_app_error
from questionnaires import definitions, logic
from questionnaires.conditions import Condition
from questionnaires.models import Assignment
from questionnaires.portal_text import t
from questionnaires.services.answering import _log, _move, save, template_of

SHEET = "Questionnaire"
READ_BACK = ("code", "answer")
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_WORDS: dict[str, tuple[str, str, str]] = {
    "section": ("section", "sección", "部分"),
    "question": ("question", "pregunta", "问题"),
    "help": ("help", "ayuda", "说明"),
    "type": ("type", "tipo", "类型"),
    "allowed": ("allowed values", "valores permitidos", "允许的值"),
    "required": ("required", "obligatoria", "必答"),
    "shown": ("shown", "se muestra", "是否显示"),
    "yes": ("yes", "sí", "是"),
    "no": ("no", "no", "否"),
    "always": ("yes", "sí", "是"),
    "hidden_when": ("hidden: only when {condition}", "oculta: solo si {condition}",
                    "隐藏：仅当 {condition} 时显示"),
    "hidden_now": ("hidden now; shown when {condition}", "oculta ahora; se muestra si "
                   "{condition}", "当前隐藏；当 {condition} 时显示"),
    "shown_when": ("yes (because {condition})", "sí (porque {condition})",
                   "是（因为 {condition}）"),
    "and": ("and", "y", "且"),
    "or": ("or", "o", "或"),
    "one_of": ("is one of", "es una de", "属于"),
    "any_of": ("includes any of", "incluye alguna de", "包含其中之一"),
    "answered": ("is answered", "tiene respuesta", "已回答"),
    "not_answered": ("is not answered", "no tiene respuesta", "未回答"),
    "yes_no": ("yes or no", "sí o no", "是 或 否"),
    "number": ("a number", "un número", "数字"),
    "money": ("an amount (a point for decimals), e.g. 1,500.50",
              "un importe (punto decimal), p. ej. 1,500.50", "金额（小数用点），例如 1,500.50"),
    "date": ("a date, YYYY-MM-DD", "una fecha, AAAA-MM-DD", "日期，YYYY-MM-DD"),
    "text": ("text, up to {n} characters", "texto, hasta {n} caracteres", "文本，最多 {n} 个字符"),
    "choice": ("one of: {values}", "una de: {values}", "以下之一：{values}"),
    "multi_choice": ("one or more of, separated by ;: {values}",
                     "una o varias, separadas por ;: {values}", "一个或多个，用 ; 分隔：{values}"),
    "file": ("a file: attach it on the portal (this row is not read back)",
             "un archivo: adjúntelo en el portal (esta fila no se lee)",
             "文件：请在门户网站上附加（此行不会被读取）"),
    "at_least": ("at least {n}", "al menos {n}", "至少 {n}"),
    "at_most": ("at most {n}", "como máximo {n}", "最多 {n}"),
    "guide_sheet": ("How to fill this in", "Cómo completarlo", "填写说明"),
}
_GUIDE = {
    "en": [
        "This workbook holds the questionnaire {title} that {buyer} sent to {supplier}.",
        "Answer in the 'answer' column of the Questionnaire sheet, one question per row. "
        "Do not change the 'code' column: it says which question a row answers.",
        "The 'allowed values' column says what each answer may be. Yes/no questions take yes "
        "or no; choices take the value or the text shown; several choices are separated by ;.",
        "Rows marked 'hidden' apply only for some answers to earlier questions; answer them "
        "only when the condition in the 'shown' column holds.",
        "Answers already saved on the portal are filled in. An answer you empty is removed "
        "from the draft when you upload the workbook.",
        "Upload the workbook on the portal page. If any row has a problem, nothing is saved "
        "and each problem is listed with its row and question code.",
        "Uploading saves a draft only: review the answers and submit them on the portal.",
        "Files (evidence) are attached on the portal, not in this workbook.",
    ],
    "es": [
        "Este libro contiene el cuestionario {title} que {buyer} envió a {supplier}.",
        "Responda en la columna 'answer' de la hoja Questionnaire, una pregunta por fila. "
        "No cambie la columna 'code': indica a qué pregunta responde cada fila.",
        "La columna de valores permitidos indica qué puede ser cada respuesta. Las preguntas "
        "de sí/no admiten sí o no; las opciones admiten el valor o el texto mostrado; varias "
        "opciones se separan con ;.",
        "Las filas marcadas como ocultas solo se aplican según respuestas anteriores; "
        "respóndalas solo si se cumple la condición indicada.",
        "Las respuestas ya guardadas en el portal aparecen completadas. Una respuesta que "
        "vacíe se elimina del borrador al subir el libro.",
        "Suba el libro en la página del portal. Si alguna fila tiene un problema, no se "
        "guarda nada y cada problema se indica con su fila y el código de la pregunta.",
        "Subir el libro solo guarda un borrador: revise las respuestas y envíelas en el portal.",
        "Los archivos (evidencias) se adjuntan en el portal, no en este libro.",
    ],
    "zh": [
        "本工作簿包含 {buyer} 发送给 {supplier} 的问卷 {title}。",
        "请在 Questionnaire 工作表的 'answer' 列作答，每行一个问题。"
        "不要修改 'code' 列：它表示该行回答的是哪个问题。",
        "“允许的值”列说明每个回答可以填写的内容。是/否问题填写 是 或 否；"
        "选择题填写所示的值或文字；多个选项用 ; 分隔。",
        "标为“隐藏”的行仅在之前的某些回答下适用；只有在条件成立时才需作答。",
        "已在门户网站保存的回答已预先填写。上传工作簿时，被清空的回答将从草稿中删除。",
        "请在门户网站页面上传工作簿。如有任何一行有问题，将不会保存任何内容，并会列出每个问题所在的行和问题代码。",
        "上传仅保存草稿：请在门户网站检查回答后再提交。",
        "文件（证据）请在门户网站上附加，而不是在本工作簿中。",
    ],
}
_LANG_INDEX = {"en": 0, "es": 1, "zh": 2}


def _w(lang: str, key: str, **values: Any) -> str:
    text = _WORDS[key][_LANG_INDEX.get(lang, 0)]
    return text.format(**values) if values else text


# --- writing ---------------------------------------------------------------------------------


def _value_text(template: definitions.Template, cond: Condition, lang: str) -> str:
    value = cond.value
    if isinstance(value, bool):
        return _w(lang, "yes" if value else "no")
    if isinstance(value, frozenset):
        order = template.question(cond.question).values
        return ", ".join(v for v in order if v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe(template: definitions.Template, cond: Condition, lang: str = "en") -> str:
    """A condition in words, naming question codes: "workers_paid_fees = yes"."""
    if cond.op in ("all", "any"):
        joiner = f" {_w(lang, 'and' if cond.op == 'all' else 'or')} "
        parts = [describe(template, p, lang) for p in cond.parts]
        return joiner.join(f"({p})" if p.count(" ") > 2 and len(cond.parts) > 1 else p
                           for p in parts)
    if cond.op == "answered":
        return f"{cond.question} {_w(lang, 'answered' if cond.value else 'not_answered')}"
    symbol = {"equals": "=", "above": ">", "at_least": "≥", "below": "<", "at_most": "≤",
              "in": _w(lang, "one_of"), "any_of": _w(lang, "any_of")}[cond.op]
    return f"{cond.question} {symbol} {_value_text(template, cond, lang)}"


def allowed_values(question: definitions.Question, lang: str) -> str:
    kind = question.type
    if kind == "yes_no":
        return _w(lang, "yes_no")
    if kind in ("choice", "multi_choice"):
        values = "; ".join(f"{o.value} ({definitions.tr(o.text, lang)})"
                           for o in question.options)
        return _w(lang, kind, values=values)
    if kind in ("number", "money"):
        text = _w(lang, kind)
        bounds = [_w(lang, "at_least", n=f"{question.min:g}") if question.min is not None
                  else "", _w(lang, "at_most", n=f"{question.max:g}")
                  if question.max is not None else ""]
        return "; ".join([text, *[b for b in bounds if b]])
    if kind == "text":
        return _w(lang, "text", n=f"{question.max_length:,}")
    return _w(lang, kind)


def answer_cell(question: definitions.Question, value: Any, lang: str) -> Any:
    """A stored answer as the workbook shows it (and as logic.coerce_text reads it back)."""
    if value is None or question.type == "file":
        return None
    if question.type == "yes_no":
        return _w(lang, "yes" if value else "no")
    if question.type == "multi_choice":
        return "; ".join(value)
    return value


def _shown(template, question, answers, visible: set[str], lang: str) -> str:
    if question.show_if is None:
        return _w(lang, "always")
    condition = describe(template, question.show_if, lang)
    if question.code in visible:
        return _w(lang, "shown_when", condition=condition)
    return _w(lang, "hidden_when", condition=condition)


def rows(template: definitions.Template, answers: dict[str, Any], lang: str):
    visible = logic.visible_codes(template, answers)
    titles = {s.code: definitions.tr(s.title, lang) for s in template.sections}
    for q in template.questions:
        yield [
            q.code, titles.get(q.section, q.section), definitions.tr(q.text, lang),
            definitions.tr(q.help, lang), q.type, allowed_values(q, lang),
            _w(lang, "yes" if q.required and q.type != "file" else "no"),
            _shown(template, q, answers, visible, lang),
            answer_cell(q, answers.get(q.code), lang),
        ]


def header(lang: str) -> list[str]:
    return ["code", _w(lang, "section"), _w(lang, "question"), _w(lang, "help"),
            _w(lang, "type"), _w(lang, "allowed"), _w(lang, "required"), _w(lang, "shown"),
            "answer"]


def build(assignment: Assignment, lang: str = "en") -> bytes:
    """The workbook of an assignment: its questions in `lang`, its draft answers filled in."""
    template = template_of(assignment)
    title = definitions.tr(template.title, lang)
    guide = [[line.format(title=title, buyer=assignment.organization.name,
                          supplier=assignment.supplier.name)]
             for line in _GUIDE.get(lang, _GUIDE["en"])]
    buffer = io.BytesIO()
    write_xlsx(buffer, [
        (SHEET, header(lang), rows(template, assignment.answers or {}, lang)),
        (_w(lang, "guide_sheet"), [f"{title} · {t(lang, 'due', date=assignment.due_date)}"],
         guide),
    ], filters=True)
    return buffer.getvalue()


def filename(assignment: Assignment) -> str:
    return f"questionnaire-{assignment.template_key}-{assignment.id}.xlsx"


# --- reading back ----------------------------------------------------------------------------


def _unescape(question: definitions.Question, raw: Any) -> Any:
    """Text we wrote as "'=..." (app.exports neutralises formulas) reads back as "=..."."""
    if (question.type == "text" and isinstance(raw, str) and raw.startswith("'")
            and raw[1:2] and raw[1] in "".join(FORMULA_PREFIXES)):
        return raw[1:]
    return raw


def read(template: definitions.Template, path: str, name: str
         ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """({code: raw answer}, row errors) of an uploaded workbook or CSV file."""
    sheet = None if os.path.splitext(name.lower())[1] == ".csv" else SHEET
    try:
        table = open_table(path, name, READ_BACK, max_rows=MAX_ROWS, max_bytes=MAX_BYTES,
                           sheet=sheet)
    except SpreadsheetError as exc:
        raise as_app_error(exc) from None
    answers: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    with table:
        missing = [c for c in READ_BACK if c not in table.columns]
        if missing:
            message = (f"The sheet has no {' or '.join(missing)} column: download the "
                       "workbook again and keep its first row as it is.")
            raise ValidationFailed(message, [{"field": "file", "message": message}])
        try:
            for number, record in table.rows:
                _read_row(template, number, record, answers, errors, seen)
        except SpreadsheetError as exc:
            raise as_app_error(exc) from None
    return answers, errors


def _read_row(template, number: int, record: dict, answers: dict, errors: list,
              seen: dict[str, int]) -> None:
    code_cell, raw = record.get("code"), record.get("answer")
    code = str(code_cell).strip() if code_cell is not None else ""
    if not code:
        if raw is not None:
            errors.append({"row": number, "column": "code",
                           "message": "An answer without a question code: put the code back."})
        return
    if code not in template.codes:
        errors.append({"row": number, "column": "code",
                       "message": f"{code[:64]}: not a question of this questionnaire."})
        return
    if code in seen:
        errors.append({"row": number, "column": "code",
                       "message": f"{code}: answered twice (rows {seen[code]} and {number})."})
        return
    seen[code] = number
    question = template.question(code)
    if question.type == "file":
        return  # files are attached on the portal
    raw = _unescape(question, raw)
    try:
        logic.coerce_text(question, raw)
    except logic.AnswerProblem as exc:
        errors.append({"row": number, "column": "answer", "message": f"{code}: {exc}"})
        return
    answers[code] = raw


def apply_upload(session: Session, assignment: Assignment, path: str, name: str, *,
                 actor: User | None) -> int:
    """Save the workbook's answers into the draft, all or nothing; the number of answers read.

    422 with a {row, column, message} per bad row; 409 once the questionnaire is submitted."""
    _move(assignment, "save")  # 409 before reading a file that could not be saved anyway
    answers, errors = read(template_of(assignment), path, name)
    if errors:
        raise ValidationFailed(
            f"{len(errors)} row{'s' if len(errors) != 1 else ''} of {name} "
            f"{'have' if len(errors) != 1 else 'has'} a problem; nothing was saved.",
            errors[:500])
    if not answers:
        raise ValidationFailed(f"{name} holds no answers.",
                               [{"field": "file", "message": "no answer rows"}])
    save(session, assignment, answers, actor=actor, from_text=True)
    _log(session, assignment, actor, "questionnaire.workbook_uploaded",
         f"uploaded {len(answers)} answers from a workbook", filename=name[:200])
    return sum(1 for v in answers.values() if v is not None)


__all__ = ["SHEET", "XLSX", "allowed_values", "apply_upload", "build", "describe", "filename",
           "read", "rows"]
