"""Spreadsheet import end to end: real files, the page, the API, all-or-nothing."""

from __future__ import annotations

import io
import time

import openpyxl
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from suppliers.models import ImportJob, Relationship, Supplier
from tests.conftest import form_token, token_for
from tests.suppliers.files import (
    FACILITY_HEADER,
    FACILITY_ROWS,
    facility_list,
    write_csv,
    write_xlsx,
    zip_bomb_xlsx,
)


def post_file(client, url, fileobj, name, headers=None, **fields):
    """POST multipart; closes the body Werkzeug's test client spools to a temp file."""
    builder = EnvironBuilder(path=url, method="POST", headers=headers or {},
                             data={"file": (fileobj, name), **fields})
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def _upload(client, headers, path, dry_run=False):
    url = "/api/v1/suppliers/import" + ("?dry_run=1" if dry_run else "")
    with open(path, "rb") as f:
        return post_file(client, url, f, path.name, headers)


def _count(db, model, org_id):
    return db.scalar(select(func.count(model.id)).where(model.org_id == org_id))


def test_brand_facility_list_imports_whole_and_reimport_creates_nothing(
    client, db, compliance_user, tmp_path
):
    headers = token_for(client, compliance_user.email)
    path = facility_list(tmp_path)
    first = _upload(client, headers, path)
    assert first.status_code == 200, first.json
    assert first.json["created"] == 7 and first.json["rows"] == 7
    assert first.json["relationships_created"] == 7
    countries = dict(db.execute(
        select(Supplier.external_id, Supplier.country)
        .where(Supplier.org_id == compliance_user.org_id)).all())
    assert countries == {"NW-0001": "CN", "NW-0002": "CN", "NW-0003": "CN", "NW-0004": "US",
                         "NW-0005": "VN", "NW-0006": "AE", "NW-0007": "NP"}
    tiers = dict(db.execute(
        select(Supplier.external_id, Supplier.tier)
        .where(Supplier.org_id == compliance_user.org_id)).all())
    assert tiers["NW-0001"] == 1 and tiers["NW-0002"] == 2 and tiers["NW-0003"] == 3
    assert tiers["NW-0007"] == 2  # the recruiter, one labour edge above its factory
    labour = db.scalar(select(Relationship).where(Relationship.kind == "labour",
                                                  Relationship.org_id == compliance_user.org_id))
    assert labour.product == "migrant workers"

    again = _upload(client, headers, path)
    assert again.status_code == 200
    assert again.json["created"] == 0 and again.json["updated"] == 0
    assert again.json["unchanged"] == 7 and again.json["relationships_created"] == 0
    assert _count(db, Supplier, compliance_user.org_id) == 7
    assert _count(db, Relationship, compliance_user.org_id) == 7


def test_changed_rows_update_matched_by_identifier(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    _upload(client, headers, facility_list(tmp_path))
    rows = [list(r) for r in FACILITY_ROWS]
    rows[0][0] = None  # no external ID: matched by its OS ID instead
    rows[0][7] = 1300
    changed = write_xlsx(tmp_path / "changed.xlsx", FACILITY_HEADER, rows)
    response = _upload(client, headers, changed)
    assert response.json["updated"] == 1 and response.json["created"] == 0
    workers = db.scalar(select(Supplier.workers).where(Supplier.os_id == "CN2019303BQ3FZP"))
    assert workers == 1300


def test_two_bad_rows_answer_422_naming_them_and_write_nothing(
    client, db, compliance_user, tmp_path
):
    headers = token_for(client, compliance_user.email)
    rows = [list(r) for r in FACILITY_ROWS]
    rows[2][2] = "Narnia"  # spreadsheet row 4
    rows[4][8] = 5000  # row 6: more migrant workers than workers
    path = write_xlsx(tmp_path / "bad.xlsx", FACILITY_HEADER, rows)
    response = _upload(client, headers, path)
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert {(d["row"], d["column"]) for d in details} == {(4, "country"), (6, "migrant_workers")}
    assert "Narnia" in next(d["message"] for d in details if d["row"] == 4)
    assert _count(db, Supplier, compliance_user.org_id) == 0
    assert _count(db, Relationship, compliance_user.org_id) == 0


def test_unknown_reference_is_a_row_error(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    rows = [list(r) for r in FACILITY_ROWS]
    rows[1][13] = "NW-9999"
    response = _upload(client, headers, write_xlsx(tmp_path / "ref.xlsx", FACILITY_HEADER, rows))
    assert response.status_code == 422
    assert response.json["error"]["details"] == [{
        "row": 3, "column": "supplies_to",
        "message": 'No supplier "NW-9999" in the file or the network (by external_id or exact '
                   "name).",
    }]


def test_references_to_suppliers_already_in_the_network(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    _upload(client, headers, facility_list(tmp_path))
    path = write_csv(tmp_path / "more.csv", ["name", "country", "supplies_to", "kind"],
                     [["Tashkent Ginnery", "Uzbekistan", "Ningbo Textile Dyeing Co.", "processor"]])
    response = _upload(client, headers, path)
    assert response.status_code == 200, response.json
    tier = db.scalar(select(Supplier.tier).where(Supplier.name == "Tashkent Ginnery"))
    assert tier == 3


def test_dry_run_validates_only(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    response = _upload(client, headers, facility_list(tmp_path), dry_run=True)
    assert response.status_code == 200
    assert response.json["dry_run"] is True and response.json["created"] == 7
    assert response.json["relationships_created"] == 7
    assert _count(db, Supplier, compliance_user.org_id) == 0


def test_csv_in_windows_1252(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    path = write_csv(tmp_path / "cp1252.csv", ["name", "country"],
                     [["Société Ivoirienne de Cacao", "Côte d'Ivoire"]], encoding="cp1252")
    response = _upload(client, headers, path)
    assert response.status_code == 200, response.json
    assert db.scalar(select(Supplier.country).where(
        Supplier.name == "Société Ivoirienne de Cacao")) == "CI"


def test_zip_bomb_is_refused_quickly(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx", expanded_mb=600)
    assert path.stat().st_size < 5 * 1024 * 1024
    started = time.perf_counter()
    response = _upload(client, headers, path)
    assert response.status_code == 422
    assert time.perf_counter() - started < 5
    assert "expand" in response.json["error"]["message"].lower()
    assert client.get("/healthz").status_code == 200


def test_png_named_xlsx_is_415(client, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
    response = _upload(client, headers, path)
    assert response.status_code == 415
    assert "PNG" in response.json["error"]["message"]


def test_70mb_upload_is_refused_with_413(client, compliance_user):
    headers = token_for(client, compliance_user.email)
    big = io.BytesIO(b"a" * (70 * 1024 * 1024))
    started = time.perf_counter()
    response = post_file(client, "/api/v1/suppliers/import", big, "huge.csv", headers)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert time.perf_counter() - started < 5
    assert client.get("/healthz").status_code == 200


def test_missing_file_field_is_422(client, compliance_user):
    headers = token_for(client, compliance_user.email)
    response = client.post("/api/v1/suppliers/import", headers=headers, data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "file"


def test_template_has_an_explanation_sheet(client, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    response = client.get("/api/v1/suppliers/import-template.xlsx", headers=headers)
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.data)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Suppliers", "Column guide"]
    header = [c.value for c in wb["Suppliers"][1]]
    assert header[:4] == ["external_id", "name", "latin_name", "country"]
    guide = {row[0]: row[2] for row in wb["Column guide"].iter_rows(min_row=2, values_only=True)}
    assert "supplies_to" in guide and guide["lei"]
    # It explains the Relationships sheet, its columns, CSV's limits and the encodings.
    assert "one row per relationship" in guide["Relationships sheet"]
    assert {"Relationships: supplier", "Relationships: customer", "Relationships: kind",
            "Relationships: product"} <= set(guide)
    assert "one kind and product per supplier" in guide["CSV files"]
    assert "GBK" in guide["Limits"] and "Shift-JIS" in guide["Limits"]
    # The template's own example rows import cleanly.
    upload = _upload(client, headers, path)
    assert upload.status_code == 200, upload.json


def test_import_page_runs_job_and_shows_result(logged_in, db, compliance_user, tmp_path):
    path = facility_list(tmp_path)
    token = form_token(logged_in, "/suppliers/import")
    with open(path, "rb") as f:
        response = post_file(logged_in, "/suppliers/import", f, path.name, csrf_token=token)
    assert response.status_code == 302
    job_url = response.headers["Location"]
    page = logged_in.get(job_url)
    assert page.status_code == 200
    assert "Imported." in page.text and "created" in page.text
    status = logged_in.get(job_url + "/status").json
    assert status["status"] == "done" and status["rows_read"] == 7
    assert status["rows_total"] == 7  # the estimate that drives the progress bar


def test_import_page_lists_row_errors_in_a_table(logged_in, db, compliance_user, tmp_path):
    rows = [list(r) for r in FACILITY_ROWS]
    rows[0][7] = "-3"
    rows[3][11] = "5493001KJTIIGC8Y1R13"
    path = write_xlsx(tmp_path / "bad.xlsx", FACILITY_HEADER, rows)
    token = form_token(logged_in, "/suppliers/import")
    with open(path, "rb") as f:
        response = post_file(logged_in, "/suppliers/import", f, path.name, csrf_token=token)
    page = logged_in.get(response.headers["Location"])
    assert "nothing was imported" in page.text
    assert "<code>workers</code>" in page.text and "<code>lei</code>" in page.text
    job = db.scalar(select(ImportJob).order_by(ImportJob.id.desc()))
    assert job.status == "failed" and job.error_count == 2
    assert _count(db, Supplier, compliance_user.org_id) == 0


def test_html_in_names_is_escaped_on_pages(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    path = write_csv(tmp_path / "xss.csv", ["name", "country"],
                     [['<script>alert("x")</script> Mill', "India"]])
    assert _upload(client, headers, path).status_code == 200
    from tests.conftest import login

    login(client, compliance_user.email)
    page = client.get("/suppliers")
    assert '<script>alert("x")</script>' not in page.text
    assert "&lt;script&gt;" in page.text


def test_a_job_orphaned_by_a_restart_shows_as_stalled(logged_in, db, compliance_user):
    from datetime import timedelta

    from app.db import utcnow

    job = ImportJob(org_id=compliance_user.org_id, user_id=compliance_user.id,
                    filename="big.xlsx", status="reading",
                    created_at=utcnow() - timedelta(hours=2))
    db.add(job)
    db.commit()
    page = logged_in.get(f"/suppliers/imports/{job.id}")
    assert "the server restarted while it ran" in page.text
    assert logged_in.get(f"/suppliers/imports/{job.id}/status").json["finished"] is True


def test_imported_ids_do_not_collide_with_later_inserts(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    _upload(client, headers, facility_list(tmp_path))
    imported = set(db.scalars(select(Supplier.id).where(
        Supplier.org_id == compliance_user.org_id)))
    created = client.post("/api/v1/suppliers", headers=headers,
                          json={"name": "After Import Mill", "country": "TR"})
    assert created.status_code == 201
    assert created.json["id"] not in imported and created.json["id"] > max(imported)
