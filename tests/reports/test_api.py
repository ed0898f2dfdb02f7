"""GET /api/v1/reports/due-diligence and the kept reports: files read back, 422s, tenancy."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from app.activity.models import ActivityEntry
from reports.models import ReportFile
from tests.conftest import token_for
from tests.factories import make_org, make_user
from tests.reports.helpers import fetch, pdf_pages, pdf_text, xlsx
from tests.suppliers.factories import make_supplier

URL = "/api/v1/reports/due-diligence"


def _period(net) -> str:
    return f"period_start={net.start.isoformat()}&period_end={net.end.isoformat()}"


def test_pdf_names_company_riskiest_methodology_and_editions(client, network, api):
    response = fetch(client, f"{URL}?format=pdf&{_period(network)}", headers=api)
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    flat = re.sub(r"\s+", " ", text)
    assert network.org.name in flat
    for name in ("Anhui Cotton Spinning", "Saigon Dye House", "Kathmandu Manpower"):
        assert name in flat
    assert flat.index("Anhui Cotton Spinning") < flat.index("Saigon Dye House")
    assert "Methodology" in flat and "Risk method version" in flat
    assert "ILAB List of Goods 2024" in flat and "TIP report 2025" in flat
    assert "Debt bondage" in flat  # findings by indicator
    assert "Page 2 of" in flat  # page numbers in the margin
    assert "Grievances" not in flat  # no grievance facts yet
    assert pdf_pages(response.data) <= 8


def test_xlsx_has_every_table_and_formulas_stay_text(client, db, network, api):
    make_supplier(db, network.org, name="=SUM(1,2)", external_id="+CMD|' /C calc'!A0",
                  country="CN")
    db.commit()
    response = fetch(client, f"{URL}?format=xlsx&{_period(network)}", headers=api)
    assert response.status_code == 200, response.text
    book = xlsx(response.data)
    assert book.sheetnames == ["About", "Suppliers", "Relationships", "Findings", "Actions",
                               "Fees", "Questionnaires"]
    sheet = book["Suppliers"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[0]]
    assert header[:3] == ["id", "external_id", "name"] and "top_factors" in header
    names = {r[2].value: r for r in rows[1:]}
    assert len(names) == 5
    hostile = names["'=SUM(1,2)"]
    assert hostile[2].data_type == "s"
    assert hostile[1].value.startswith("'+")
    every_cell = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c for c in every_cell if c.data_type == "f"]
    top = names["Anhui Cotton Spinning"]
    assert top[header.index("band")].value == "critical"
    assert "Goods on the ILAB list" in top[header.index("top_factors")].value
    assert book["Findings"].max_row == 3  # the period's two findings
    assert book["Fees"].max_row == 3 and book["Actions"].max_row == 4


def test_csv_register_is_formula_safe(client, db, network, api):
    make_supplier(db, network.org, name="=SUM(1,2)", country="CN")
    db.commit()
    response = fetch(client, f"{URL}?format=csv", headers=api)
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))
    assert rows[0] == ["id", "external_id", "name", "country", "kind", "tier", "score",
                       "band", "top_factors", "method_version"]
    names = [r[2] for r in rows[1:]]
    assert "'=SUM(1,2)" in names and "=SUM(1,2)" not in names
    anhui = next(r for r in rows if r[2] == "Anhui Cotton Spinning")
    assert anhui[6] == "82.0" and anhui[7] == "critical" and anhui[9]


@pytest.mark.parametrize(("query", "field"), [
    ("format=docx", "format"),
    ("period_start=2026-13-01", "period_start"),
    ("period_end=yesterday", "period_end"),
    ("period_start=2026-06-01&period_end=2026-05-01", "period_start"),
    ("period_start=2026-6-1", "period_start"),
    ("period_start=", "period_start"),
])
def test_bad_requests_are_422_naming_the_field(client, api, query, field):
    response = fetch(client, f"{URL}?{query}", headers=api)
    assert response.status_code == 422, response.text
    assert response.json["error"]["details"][0]["field"] == field


def test_kept_until_replaced_and_logged(client, db, network, api):
    first = fetch(client, f"{URL}?format=csv", headers=api)
    assert first.status_code == 200
    listed = fetch(client, "/api/v1/reports", headers=api).json
    assert listed["total"] == 1 and listed["items"][0]["status"] == "done"
    old = listed["items"][0]
    assert old["created_by"] and old["sha256"] and old["rows"] == 4
    assert fetch(client, old["download_url"], headers=api).data == first.data
    fetch(client, f"{URL}?format=pdf", headers=api)  # another format: both kept
    fetch(client, f"{URL}?format=csv", headers=api)  # the same format: the old one goes
    items = fetch(client, "/api/v1/reports", headers=api).json["items"]
    assert sorted(i["format"] for i in items) == ["csv", "pdf"]
    assert old["id"] not in [i["id"] for i in items]
    assert fetch(client, f"/api/v1/reports/{old['id']}", headers=api).status_code == 404
    assert fetch(client, old["download_url"], headers=api).status_code == 404
    logged = db.scalars(select(ActivityEntry).where(
        ActivityEntry.org_id == network.org.id, ActivityEntry.action == "reports.generated"))
    assert len(logged.all()) == 3


def test_async_report_runs_on_the_queue_with_progress(client, db, network, api):
    response = fetch(client, f"{URL}?format=xlsx&async=1", headers=api)
    assert response.status_code == 202, response.text
    body = response.json
    report_id = body["report"]["id"]
    assert response.headers["Location"].endswith(f"/api/v1/reports/{report_id}")
    # QUEUE_IMMEDIATE: the job ran when the request committed
    assert body["job"]["status"] == "done" and body["job"]["stage"] == "done"
    assert body["job"]["total"] == 4 and body["job"]["result"]["report_id"] == report_id
    assert body["report"]["status"] == "done"
    one = fetch(client, f"/api/v1/reports/{report_id}", headers=api).json
    data = fetch(client, one["download_url"], headers=api)
    assert data.status_code == 200 and xlsx(data.data)["Suppliers"].max_row == 5


def test_above_the_inline_limit_it_is_queued(app, client, network, api):
    app.config["REPORT_INLINE_MAX_SUPPLIERS"] = 3
    try:
        response = fetch(client, f"{URL}?format=csv", headers=api)
    finally:
        app.config["REPORT_INLINE_MAX_SUPPLIERS"] = 2000
    assert response.status_code == 202 and response.json["report"]["format"] == "csv"


def test_another_tenants_reports_are_404_and_roles_403(client, db, network, api):
    mine = fetch(client, f"{URL}?format=csv", headers=api)
    assert mine.status_code == 200
    report = db.scalars(select(ReportFile).where(ReportFile.org_id == network.org.id)).one()
    stranger = make_user(db, make_org(db, "buyer"), "admin")
    auditor = make_user(db, make_org(db, "audit_firm"), "auditor")
    supplier_admin = make_user(db, make_org(db, "supplier"), "admin")
    db.commit()
    theirs = token_for(client, stranger.email)
    for path in (f"/api/v1/reports/{report.id}", f"/api/v1/reports/{report.id}/download"):
        assert fetch(client, path, headers=theirs).status_code == 404
    assert fetch(client, "/api/v1/reports", headers=theirs).json["total"] == 0
    for user in (auditor, supplier_admin):
        assert fetch(client, URL, headers=token_for(client, user.email)).status_code == 403
    assert fetch(client, URL).status_code == 401


def test_download_of_a_report_being_made_is_409(client, db, network, reporter, api):
    report = ReportFile(org_id=network.org.id, format="pdf", period_start=network.start,
                        period_end=network.end, status="running", created_by_id=reporter.id)
    db.add(report)
    db.commit()
    response = fetch(client, f"/api/v1/reports/{report.id}/download", headers=api)
    assert response.status_code == 409
    assert fetch(client, f"/api/v1/reports/{report.id}", headers=api).json["download_url"] is None


def test_the_queued_answer_is_in_the_openapi_document(client, network, api):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    spec = client.get("/api/v1/openapi.json").json
    op = spec["paths"]["/api/v1/reports/due-diligence"]["get"]
    assert op["responses"]["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReportQueued"}
    assert "async" in {p["name"] for p in op["parameters"]}
    body = fetch(client, f"{URL}?format=csv&async=1", headers=api).json
    doc = Resource({"components": spec["components"]}, specification=DRAFT202012)
    validator = Draft202012Validator({"$ref": "urn:spec#/components/schemas/ReportQueued"},
                                     registry=Registry().with_resource("urn:spec", doc))
    assert not list(validator.iter_errors(body))
    assert list(validator.iter_errors({"report": "not an object"}))  # the check can fail
