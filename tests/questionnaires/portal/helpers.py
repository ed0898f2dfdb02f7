"""Helpers of the portal tests: answers that complete a template, forms, files."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from questionnaires import definitions, logic
from tests.conftest import csrf_from


def complete_answers(template: definitions.Template, **chosen: Any) -> dict[str, Any]:
    """Answers to every visible required question (plus `chosen`), as the API stores them."""
    defaults = {"yes_no": False, "number": 0, "money": 250, "text": "Not applicable",
                "date": "2026-01-15"}
    answers = dict(chosen)
    while True:
        missing = logic.missing_required(template, answers)
        if not missing:
            return answers
        for code in missing:
            q = template.question(code)
            if q.type == "choice":
                answers[code] = q.options[0].value
            elif q.type == "multi_choice":
                answers[code] = [q.options[0].value]
            else:
                value = defaults[q.type]
                if q.type == "number" and q.min is not None:
                    value = max(value, q.min)
                answers[code] = value


def token_of_page(html: str) -> str:
    return csrf_from(html)


def fieldset(html: str, code: str) -> str:
    """The opening tag of a question's fieldset."""
    found = re.search(r'<fieldset class="question[^"]*" id="q-' + re.escape(code) + r'"[^>]*>',
                      html)
    assert found, f"no question {code} on the page"
    return found.group(0)


def is_shown(html: str, code: str) -> bool:
    tag = fieldset(html, code)
    return " hidden" not in tag and " disabled" not in tag


def multipart(**files: tuple[bytes, str]) -> dict[str, Any]:
    """client.post(**multipart(file=(data, name))): the body encoded in memory (the test
    client would spool a large one to a temporary file it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    fields = {k: FileStorage(io.BytesIO(data), filename=name) for k, (data, name) in files.items()}
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def office_file(kind: str = "docx") -> bytes:
    """A minimal Word document or Excel workbook (a zip with [Content_Types].xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        if kind == "docx":
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def zip_bomb(name: str = "word/document.xml") -> bytes:
    """A small archive whose one part expands 1,000-fold (the archive guard refuses it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
