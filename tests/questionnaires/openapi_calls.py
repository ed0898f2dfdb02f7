"""A success call for every questionnaire API operation (collected by tests/app/test_openapi.py)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from tests.conftest import CURRENT_APP
from tests.questionnaires.access import sent_assignment

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def success_calls(db, user, client) -> dict:
    with CURRENT_APP[0].app_context():
        from questionnaires import services

        org = user.org
        opened, opened_token = sent_assignment(db, org)
        _answering, answering_token = sent_assignment(db, org)
        done, _done_token = sent_assignment(db, org)
        relink, _ = sent_assignment(db, org)
        _w, workbook_token = sent_assignment(db, org)
        _u, upload_token = sent_assignment(db, org)
        _e, evidence_token = sent_assignment(db, org)
        services.save(db, done, {"migrant_workers_employed": False,
                                 "uses_recruitment_agencies": False,
                                 "workers_paid_fees": False}, actor=None)
        for code in services.missing(done):
            question = services.template_of(done).question(code)
            value = {"yes_no": False, "number": 0, "money": 0}.get(question.type)
            if value is None:
                value = question.options[0].value if question.options else "n/a"
            services.save(db, done, {code: value}, actor=None)
        to_submit, submit_token = sent_assignment(db, org)
        services.save(db, to_submit, done.answers, actor=None)
        services.submit(db, done, actor=None, attestation_name="Lim Wei Ling")
        db.commit()
    return {
        ("get", "/api/v1/questionnaires"): {},
        ("get", "/api/v1/questionnaires/{key}"): dict(id="labour-standards",
                                                      query_string={"lang": "es"}),
        ("post", "/api/v1/questionnaires/{key}/send"): dict(id="recruitment", json={
            "supplier_ids": [opened.supplier_id],
            "due_date": (date.today() + timedelta(days=60)).isoformat(),
            "email": "someone@example.org"}),
        ("get", "/api/v1/assignments"): dict(query_string={"overdue": "0", "page": 1}),
        ("get", "/api/v1/assignments/{assignment_id}"): dict(id=done.id),
        ("post", "/api/v1/assignments/{assignment_id}/review"): dict(
            id=done.id, json={"decision": "return", "comment": "Add the payslips."}),
        ("post", "/api/v1/assignments/{assignment_id}/link"): dict(id=relink.id, json={}),
        ("get", "/api/v1/portal/{token}"): dict(id=opened_token, headers={}),
        ("put", "/api/v1/portal/{token}/answers"): dict(
            id=answering_token, headers={}, json={"answers": {"workers_paid_fees": True}}),
        ("post", "/api/v1/portal/{token}/submit"): dict(
            id=submit_token, headers={}, json={"attestation": {"name": "Ram", "title": "HR"}}),
        ("get", "/api/v1/portal/{token}/workbook.xlsx"): dict(id=workbook_token, headers={}),
        ("post", "/api/v1/portal/{token}/workbook"): dict(
            id=upload_token, headers={}, content_type="multipart/form-data",
            data={"file": (io.BytesIO(b"code,answer\nworkers_paid_fees,no\n"), "answers.csv")}),
        ("post", "/api/v1/portal/{token}/evidence/{code}"): dict(
            url=f"/api/v1/portal/{evidence_token}/evidence/recruitment_agreement_file",
            headers={}, content_type="multipart/form-data",
            data={"file": (io.BytesIO(PDF), "agreement.pdf")}),
    }
