"""The supplier portal's own words (buttons, headings, messages) in its three languages.

Pure module. The questions' texts come from the templates; these are the page around them.
`t(lang, key, **values)` falls back to English for a language or a key it lacks.
"""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "es": "Español", "zh": "中文"}

_TEXT: dict[str, tuple[str, str, str]] = {
    # key: (English, Spanish, Simplified Chinese)
    "asks": ("{buyer} asks {supplier} to complete this questionnaire.",
             "{buyer} pide a {supplier} que complete este cuestionario.",
             "{buyer} 请 {supplier} 填写本问卷。"),
    "due": ("Due {date}", "Fecha límite: {date}", "截止日期：{date}"),
    "overdue": ("overdue", "vencido", "已逾期"),
    "answered": ("{answered} of {visible} questions answered",
                 "{answered} de {visible} preguntas respondidas",
                 "已回答 {answered}/{visible} 个问题"),
    "sections": ("Sections", "Secciones", "部分"),
    "section_of": ("Section {n} of {total}", "Sección {n} de {total}",
                   "第 {n} 部分，共 {total} 部分"),
    "review_submit": ("Review and submit", "Revisar y enviar", "检查并提交"),
    "save_draft": ("Save draft", "Guardar borrador", "保存草稿"),
    "save_continue": ("Save and continue", "Guardar y continuar", "保存并继续"),
    "saved": ("Your answers are saved. You can come back to this page at any time before the "
              "due date.",
              "Sus respuestas se han guardado. Puede volver a esta página en cualquier momento "
              "antes de la fecha límite.",
              "您的回答已保存。截止日期前您可以随时回到此页面。"),
    "new_questions": ("More questions appeared because of your answers: please answer them too.",
                      "Aparecieron más preguntas según sus respuestas: respóndalas también.",
                      "根据您的回答出现了更多问题，请一并回答。"),
    "fix_errors": ("Some answers could not be saved: please correct the ones marked below.",
                   "Algunas respuestas no se pudieron guardar: corrija las marcadas abajo.",
                   "部分回答无法保存：请更正下面标出的回答。"),
    "required": ("required", "obligatoria", "必答"),
    "optional": ("optional", "opcional", "选答"),
    "yes": ("Yes", "Sí", "是"),
    "no": ("No", "No", "否"),
    "choose": ("Choose…", "Elija…", "请选择…"),
    "choose_many": ("Choose all that apply.", "Elija todas las que correspondan.",
                    "选择所有适用项。"),
    "number_hint": ("A number, e.g. 1,500.50", "Un número, p. ej. 1,500.50",
                    "数字，例如 1,500.50"),
    "no_answer": ("Not answered", "Sin respuesta", "未回答"),
    "returned_title": ("{buyer} returned this questionnaire to you",
                       "{buyer} le devolvió este cuestionario",
                       "{buyer} 已将本问卷退回给您"),
    "returned_hint": ("Change the answers they ask about, then submit again.",
                      "Cambie las respuestas que se indican y vuelva a enviarlo.",
                      "请修改对方指出的回答，然后重新提交。"),
    "readonly_submitted": ("Submitted on {date} by {name}. The answers can no longer be "
                           "changed unless {buyer} returns the questionnaire to you.",
                           "Enviado el {date} por {name}. Las respuestas ya no se pueden "
                           "cambiar, salvo que {buyer} le devuelva el cuestionario.",
                           "已于 {date} 由 {name} 提交。"
                           "除非 {buyer} 将问卷退回给您，否则回答无法再修改。"),
    "readonly_accepted": ("{buyer} accepted these answers on {date}.",
                          "{buyer} aceptó estas respuestas el {date}.",
                          "{buyer} 已于 {date} 接受这些回答。"),
    "files": ("Files", "Archivos", "文件"),
    "no_files": ("No file attached yet.", "Aún no hay archivos adjuntos.", "尚未附加文件。"),
    "add_files": ("Add files (PDF, image, Word, Excel, text; up to 10 MB each)",
                  "Añadir archivos (PDF, imagen, Word, Excel, texto; hasta 10 MB cada uno)",
                  "添加文件（PDF、图片、Word、Excel、文本；每个不超过 10 MB）"),
    "files_saved_with": ("Files are uploaded when you save.",
                         "Los archivos se suben al guardar.", "保存时上传文件。"),
    "remove": ("Remove", "Quitar", "移除"),
    "download": ("Download", "Descargar", "下载"),
    "file_added": ("File attached: {name}", "Archivo adjunto: {name}", "已附加文件：{name}"),
    "file_removed": ("File removed: {name}", "Archivo quitado: {name}", "已移除文件：{name}"),
    "file_refused": ("The file {name} was not attached: {reason}",
                     "El archivo {name} no se adjuntó: {reason}",
                     "文件 {name} 未能附加：{reason}"),
    "submit_title": ("Review and submit", "Revisar y enviar", "检查并提交"),
    "missing_title": ("These required questions are not answered yet",
                      "Estas preguntas obligatorias aún no tienen respuesta",
                      "以下必答问题尚未回答"),
    "all_answered": ("Every required question is answered.",
                     "Todas las preguntas obligatorias tienen respuesta.",
                     "所有必答问题均已回答。"),
    "attest_title": ("Attestation", "Declaración", "声明"),
    "attest_text": ("I confirm that these answers are true and complete to the best of my "
                    "knowledge, and that I may answer for {supplier}.",
                    "Confirmo que estas respuestas son verdaderas y completas según mi leal "
                    "saber, y que puedo responder en nombre de {supplier}.",
                    "我确认，据我所知这些回答真实完整，并且我有权代表 {supplier} 作答。"),
    "attest_name": ("Your full name", "Su nombre completo", "您的全名"),
    "attest_job": ("Your job title", "Su cargo", "您的职务"),
    "submit": ("Submit to {buyer}", "Enviar a {buyer}", "提交给 {buyer}"),
    "submitted": ("Thank you: your answers were submitted to {buyer}.",
                  "Gracias: sus respuestas se enviaron a {buyer}.",
                  "谢谢：您的回答已提交给 {buyer}。"),
    "submit_failed": ("The questionnaire was not submitted yet: see below.",
                      "El cuestionario aún no se envió: vea abajo.",
                      "问卷尚未提交：请见下文。"),
    "offline_title": ("Answer offline", "Responder sin conexión", "离线作答"),
    "offline_text": ("Download the questionnaire as an Excel workbook, fill in the answer "
                     "column, and upload it here. Files are attached on this page.",
                     "Descargue el cuestionario como libro de Excel, complete la columna de "
                     "respuestas y súbalo aquí. Los archivos se adjuntan en esta página.",
                     "将问卷下载为 Excel 工作簿，填写答案列后在此上传。文件请在本页面附加。"),
    "download_workbook": ("Download workbook (.xlsx)", "Descargar libro (.xlsx)",
                          "下载工作簿 (.xlsx)"),
    "upload_workbook": ("Upload filled-in workbook", "Subir libro completado",
                        "上传已填写的工作簿"),
    "workbook_saved": ("{count} answers read from {name} and saved.",
                       "{count} respuestas leídas de {name} y guardadas.",
                       "已从 {name} 读取并保存 {count} 个回答。"),
    "workbook_errors": ("Nothing was saved from {name}: correct these rows and upload it again.",
                        "No se guardó nada de {name}: corrija estas filas y súbalo de nuevo.",
                        "{name} 中的内容均未保存：请更正这些行后重新上传。"),
    "row": ("Row", "Fila", "行"),
    "reuse_title": ("Start from your earlier answers", "Empezar con sus respuestas anteriores",
                    "从您以前的回答开始"),
    "reuse_text": ("Copy your answers submitted to {other} on {date} into this questionnaire. "
                   "{buyer} will see them only when you submit.",
                   "Copiar sus respuestas enviadas a {other} el {date} a este cuestionario. "
                   "{buyer} solo las verá cuando usted lo envíe.",
                   "将您于 {date} 提交给 {other} 的回答复制到本问卷。"
                   "只有在您提交后，{buyer} 才能看到它们。"),
    "reuse_note": ("You can change any answer before submitting. Comments from {other} and "
                   "files are not copied.",
                   "Puede cambiar cualquier respuesta antes de enviar. Los comentarios de "
                   "{other} y los archivos no se copian.",
                   "提交前您可以修改任何回答。{other} 的评论和文件不会被复制。"),
    "reuse_button": ("Copy these answers", "Copiar estas respuestas", "复制这些回答"),
    "reused": ("{count} answers copied. Check them, then submit when you are ready.",
               "Se copiaron {count} respuestas. Revíselas y envíe cuando esté listo.",
               "已复制 {count} 个回答。请检查后在准备好时提交。"),
    "language": ("Language", "Idioma", "语言"),
    "mine_title": ("Questionnaires to answer", "Cuestionarios por responder", "待回答的问卷"),
    "mine_empty": ("No questionnaire has been sent to your organisation yet.",
                   "Aún no se ha enviado ningún cuestionario a su organización.",
                   "尚未有问卷发送给您的组织。"),
    "from": ("From", "De", "来自"),
    "questionnaire": ("Questionnaire", "Cuestionario", "问卷"),
    "status": ("Status", "Estado", "状态"),
    "due_col": ("Due", "Fecha límite", "截止日期"),
    "open": ("Open", "Abrir", "打开"),
    "back": ("Back to the questionnaire", "Volver al cuestionario", "返回问卷"),
    "previous": ("← Previous section", "← Sección anterior", "← 上一部分"),
    "next": ("Next section →", "Sección siguiente →", "下一部分 →"),
    "hidden_note": ("Shown only for some answers.", "Solo se muestra para ciertas respuestas.",
                    "仅在特定回答时显示。"),
    "status_sent": ("not started", "sin empezar", "未开始"),
    "status_opened": ("opened", "abierto", "已打开"),
    "status_in_progress": ("in progress", "en curso", "进行中"),
    "status_submitted": ("submitted", "enviado", "已提交"),
    "status_returned": ("returned to you", "devuelto", "已退回"),
    "status_accepted": ("accepted", "aceptado", "已接受"),
}

_INDEX = {"en": 0, "es": 1, "zh": 2}
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}


def day(lang: str, value) -> str:
    """A date as people of that language write it: 31 Dec 2026, 31 dic 2026, 2026年12月31日."""
    if value is None:
        return "—"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    months = _MONTHS.get(lang, _MONTHS["en"])
    return f"{value.day} {months[value.month - 1]} {value.year}"


def t(lang: str, key: str, **values: object) -> str:
    texts = _TEXT.get(key)
    if texts is None:
        return key
    text = texts[_INDEX.get(lang, 0)] or texts[0]
    return text.format(**values) if values else text


__all__ = ["LANGUAGE_NAMES", "day", "t"]
