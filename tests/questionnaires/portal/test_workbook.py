"""The offline workbook: written with the shared export code, read back with the shared
spreadsheet reader; round trip, row errors naming the question code, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest

from questionnaires import definitions
from questionnaires.models import Assignment
from tests.conftest import csrf_from
from tests.questionnaires.factories import make_assignment
from tests.questionnaires.portal.helpers import complete_answers, multipart, zip_bomb

RECRUITMENT = definitions.get_template("recruitment")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(client, token, lang="en"):
    response = client.get(f"/portal/{token}/workbook.xlsx?lang={lang}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _rows(sheet) -> dict[str, list]:
    rows = list(sheet.iter_rows(values_only=True))
    return {r[0]: list(r) for r in rows[1:]}


def _fill(book, answers: dict[str, object]) -> bytes:
    sheet = book["Questionnaire"]
    header = [c.value for c in sheet[1]]
    column = header.index("answer") + 1
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code in answers:
            sheet.cell(row, column).value = answers[code]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_lists_every_question_with_its_rules(client, db, buyer):
    _a, token = make_assignment(db, buyer, status="in_progress", answers={
        "workers_paid_fees": True, "fee_amount": 1500, "agency_countries": "=HYPERLINK(1)"})
    db.commit()
    book = _download(client, token)
    assert book.sheetnames == ["Questionnaire", "How to fill this in"]
    sheet = book["Questionnaire"]
    assert [c.value for c in sheet[1]] == ["code", "section", "question", "help", "type",
                                           "allowed values", "required", "shown", "answer"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:I")
    rows = _rows(sheet)
    assert list(rows) == [q.code for q in RECRUITMENT.questions]
    assert rows["workers_paid_fees"][8] == "yes" and rows["fee_amount"][8] == 1500
    assert rows["fee_amount"][7].startswith("yes (because workers_paid_fees = yes")
    assert rows["agencies_licensed"][7].startswith(
        "hidden: only when uses_recruitment_agencies = yes")
    assert rows["monthly_wage"][4] == "money" and rows["monthly_wage"][6] == "yes"
    assert "USD" in rows["fee_currency"][5]
    assert rows["agency_countries"][8] == "'=HYPERLINK(1)"  # text, never a live formula
    assert "yes or no" in rows["workers_paid_fees"][5]
    assert any("answer" in (r[0] or "") for r in book["How to fill this in"].iter_rows(
        values_only=True))


def test_fill_in_offline_and_upload_saves_the_draft(client, db, buyer):
    a, token = make_assignment(db, buyer, status="opened", answers={"agency_countries": "=x"})
    db.commit()
    answers = complete_answers(RECRUITMENT, workers_paid_fees=True, fee_amount=1500,
                               fee_currency="USD", monthly_wage=300, wage_currency="USD",
                               identity_documents_retained=True)
    cells = {code: ("yes" if v is True else "no" if v is False else
                    "; ".join(v) if isinstance(v, list) else v) for code, v in answers.items()}
    data = _fill(_download(client, token), cells | {"fee_amount": "1,500"})
    page = client.get(f"/portal/{token}")
    response = client.post(f"/portal/{token}/workbook", data={
        "csrf_token": csrf_from(page.text), "section": "fees",
        "file": (io.BytesIO(data), "filled.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    db.expire_all()
    saved = db.get(Assignment, a.id)
    for code, value in answers.items():
        assert saved.answers[code] == value, code
    assert saved.answers["agency_countries"] == "=x"  # the escape written out is read back
    assert saved.status == "in_progress"
    assert "answers read from filled.xlsx" in client.get(response.headers["Location"]).text


def test_a_bad_answer_is_a_row_error_naming_the_code_and_nothing_is_saved(client, db, buyer):
    a, token = make_assignment(db, buyer, status="opened")
    db.commit()
    book = _download(client, token)
    row_of = {c: i + 2 for i, c in enumerate(_rows(book["Questionnaire"]))}
    sheet = book["Questionnaire"]
    sheet.append(["no_such_question", None, None, None, None, None, None, None, "x"])
    data = _fill(book, {"workers_paid_fees": "maybe", "fee_amount": "lots",
                        "migrant_workers_employed": "yes"})
    response = client.post(f"/api/v1/portal/{token}/workbook", **multipart(
        file=(data, "filled.xlsx")))
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert {"row": row_of["workers_paid_fees"], "column": "answer",
            "message": "workers_paid_fees: Answer yes or no"} in details
    assert any(d["row"] == row_of["fee_amount"] and d["message"].startswith("fee_amount: ")
               for d in details)
    assert any(d["column"] == "code" and d["message"].startswith("no_such_question")
               for d in details)
    db.expire_all()
    assert db.get(Assignment, a.id).answers == {}  # all or nothing
    page = client.get(f"/portal/{token}")
    html = client.post(f"/portal/{token}/workbook", data={
        "csrf_token": csrf_from(page.text), "file": (io.BytesIO(data), "filled.xlsx")},
        content_type="multipart/form-data")
    assert html.status_code == 422
    assert "workers_paid_fees: Answer yes or no" in html.text and "Nothing was saved" in html.text


def test_the_api_round_trip_in_spanish(client, db, buyer):
    a, token = make_assignment(db, buyer, status="opened", answers={"workers_paid_fees": True})
    db.commit()
    response = client.get(f"/api/v1/portal/{token}/workbook.xlsx?lang=es")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Questionnaire"]
    assert [c.value for c in sheet[1]][:3] == ["code", "sección", "pregunta"]
    rows = _rows(sheet)
    assert rows["workers_paid_fees"][8] == "sí"
    assert rows["workers_paid_fees"][2] == definitions.tr(
        RECRUITMENT.question("workers_paid_fees").text, "es")
    data = _fill(book, {"identity_documents_retained": "Sí", "workers_paid_fees": "no"})
    upload = client.post(f"/api/v1/portal/{token}/workbook", **multipart(
        file=(data, "respuestas.xlsx")))
    assert upload.status_code == 200, upload.text
    assert upload.json["assignment"]["status"] == "in_progress"
    db.expire_all()
    saved = db.get(Assignment, a.id).answers
    assert saved["identity_documents_retained"] is True and saved["workers_paid_fees"] is False


@pytest.mark.parametrize(("data", "name", "status"), [
    (zip_bomb("xl/worksheets/sheet1.xml"), "bomb.xlsx", 422),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "picture.xlsx", 415),
    (b"code,answer\nworkers_paid_fees,yes\n", "answers.csv", 200),
])
def test_hostile_and_other_files_go_through_the_shared_guards(client, db, buyer, data, name,
                                                              status):
    _a, token = make_assignment(db, buyer, status="opened")
    db.commit()
    response = client.post(f"/api/v1/portal/{token}/workbook", **multipart(file=(data, name)))
    assert response.status_code == status, response.text


def test_uploading_after_submit_is_409(client, db, buyer):
    _a, token = make_assignment(db, buyer, status="submitted")
    db.commit()
    data = b"code,answer\nworkers_paid_fees,yes\n"
    response = client.post(f"/api/v1/portal/{token}/workbook",
                           **multipart(file=(data, "a.csv")))
    assert response.status_code == 409
