"""An assigned auditor uploads findings: crosswalk severities, indicators, all or nothing,
idempotent re-upload, dry run, the template."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import func, select

from audits.models import Finding
from tests.audits.factories import make_audit, make_auditor, make_finding
from tests.audits.helpers import auth, upload, write_csv, write_xlsx

RBA_ROWS = [
    ["R-01", "A1", "Workers' passports held by HR", "Priority", "FL07", 42, "migrant",
     None, None, "Policy to prevent absconding", "Photos of the safe"],
    ["R-02", "A2", "Agency fees of USD 1,200 per worker", "major nonconformance",
     "debt bondage; Deception", 120, "migrant; agency", "144000", "USD", None, None],
    ["R-03", "A3", "Overtime above 60 hours", "Minor", "fl11", "35", None, None, None, None,
     None],
    ["R-04", "C1", "No written grievance procedure", "Risk of non-conformance", None, None,
     None, None, None, None, None],
]


def _findings(db, audit):
    return {f.code: f for f in db.scalars(select(Finding).where(Finding.audit_id == audit.id))}


def test_an_assigned_auditor_uploads_a_workbook_and_the_crosswalk_decides(
        client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA")
    db.commit()
    headers = auth(client, auditor)
    book = write_xlsx(tmp_path / "rba-findings.xlsx", RBA_ROWS)
    first = upload(client, headers, audit.id, book)
    assert first.status_code == 200, first.json
    assert first.json == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0,
                               "dry_run": False}
    found = _findings(db, audit)
    assert {c: f.severity for c, f in found.items()} == {
        "R-01": "critical", "R-02": "high", "R-03": "medium", "R-04": "low"}
    assert found["R-01"].indicators == ["FL07"]
    assert found["R-02"].indicators == ["FL02", "FL09"]
    assert found["R-03"].indicators == ["FL11"] and found["R-03"].workers_affected == 35
    assert found["R-02"].fee_minor == 14_400_000 and found["R-02"].fee_currency == "USD"
    assert found["R-02"].worker_groups == ["migrant", "agency"]
    listed = client.get(f"/api/v1/audits/{audit.id}/findings", headers=headers).json
    by_code = {f["code"]: f for f in listed["items"]}
    assert by_code["R-02"]["fee_amount"] == "144000.00"
    assert by_code["R-01"]["severity"] == "critical" and by_code["R-01"]["status"] == "open"

    again = upload(client, headers, audit.id, book)
    assert again.json["created"] == 0 and again.json["unchanged"] == 4
    assert db.scalar(select(func.count(Finding.id)).where(Finding.audit_id == audit.id)) == 4

    changed = [list(r) for r in RBA_ROWS]
    changed[2][3] = "Major"
    third = upload(client, headers, audit.id, write_xlsx(tmp_path / "v2.xlsx", changed))
    assert (third.json["updated"], third.json["unchanged"], third.json["created"]) == (1, 3, 0)
    db.expire_all()
    assert _findings(db, audit)["R-03"].severity == "high"


def test_smeta_non_compliance_is_critical_for_forced_labour_indicators(client, db, buyer,
                                                                       tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="SMETA")
    db.commit()
    rows = [["S-1", "ETI 1", "Passports retained", "Non-compliance",
             "retention of identity documents", 8, None, None, None, None, None],
            ["S-2", "ETI 6", "Payslips not itemised", "non compliance", None, 300, None, None,
             None, None, None],
            ["S-3", "ETI 9", "Fire drill records incomplete", "Observation", None, None, None,
             None, None, None, None]]
    response = upload(client, auth(client, auditor), audit.id,
                      write_csv(tmp_path / "smeta.csv", rows))
    assert response.status_code == 200, response.json
    found = _findings(db, audit)
    assert [found[c].severity for c in ("S-1", "S-2", "S-3")] == ["critical", "high", "low"]
    assert found["S-1"].indicators == ["FL07"]


def test_an_unknown_severity_is_422_naming_the_row_and_writes_nothing(client, db, buyer,
                                                                      tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA")
    db.commit()
    rows = [list(r) for r in RBA_ROWS]
    rows[2][3] = "Serious"
    rows[3][4] = "FL12"
    response = upload(client, auth(client, auditor), audit.id,
                      write_xlsx(tmp_path / "bad.xlsx", rows))
    assert response.status_code == 422, response.json
    details = response.json["error"]["details"]
    assert {"row": 4, "column": "scheme_severity"}.items() <= details[0].items()
    assert "Serious" in details[0]["message"]
    assert any(d["row"] == 5 and d["column"] == "indicators" for d in details)
    assert "nothing was imported" in response.json["error"]["message"]
    assert _findings(db, audit) == {}


def test_dry_run_duplicates_missing_columns_and_final_audits(client, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA")
    db.commit()
    headers = auth(client, auditor)
    book = write_xlsx(tmp_path / "f.xlsx", RBA_ROWS)
    dry = upload(client, headers, audit.id, book, dry_run=True)
    assert dry.status_code == 200 and dry.json["created"] == 4 and dry.json["dry_run"]
    assert _findings(db, audit) == {}
    twice = upload(client, headers, audit.id,
                   write_xlsx(tmp_path / "dup.xlsx", [RBA_ROWS[0], RBA_ROWS[0]]))
    assert twice.status_code == 422
    assert {"row": 3, "column": "code"}.items() <= twice.json["error"]["details"][0].items()
    no_severity = upload(client, headers, audit.id, write_csv(
        tmp_path / "cols.csv", [["x", "Passports held"]], header=["code", "description"]))
    assert no_severity.status_code == 422
    assert no_severity.json["error"]["details"][0]["column"] == "scheme_severity"
    audit.status = "submitted"
    db.commit()
    assert upload(client, headers, audit.id, book).status_code == 409


def test_one_finding_through_the_api_and_the_template(client, db, buyer, compliance_user):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="amfori BSCI")
    make_finding(db, audit, code="Z-1")
    db.commit()
    headers = auth(client, auditor)
    url = f"/api/v1/audits/{audit.id}/findings"
    created = client.post(url, headers=headers, json={
        "code": "Z-2", "description": "Workers cannot leave the dormitory at night",
        "scheme_severity": "Zero Tolerance", "indicators": ["FL03", "isolation"],
        "workers_affected": 60, "fee_amount": 12.5, "fee_currency": "usd"})
    assert created.status_code == 201, created.json
    assert created.json["severity"] == "critical"
    assert created.json["indicators"] == ["FL03", "FL04"]
    assert created.json["fee_amount"] == "12.50"
    bad = client.post(url, headers=headers, json={"description": "x", "scheme_severity": "F"})
    assert bad.status_code == 422
    assert bad.json["error"]["details"][0]["field"] == "scheme_severity"
    taken = client.post(url, headers=headers, json={"code": "Z-1", "description": "x",
                                                    "scheme_severity": "E"})
    assert taken.status_code == 409
    template = client.get("/api/v1/audits/findings-template.xlsx", headers=headers)
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.data), read_only=True)
    assert book.sheetnames == ["Findings", "Column guide"]
    header = next(book["Findings"].iter_rows(max_row=1, values_only=True))
    assert list(header)[:4] == ["code", "clause", "description", "scheme_severity"]
    guide = " ".join(str(c) for row in book["Column guide"].iter_rows(values_only=True)
                     for c in row if c)
    assert "Zero Tolerance" in guide and "Risk of non-conformance" in guide
