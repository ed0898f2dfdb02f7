"""The audits pages as their users use them: the list for each kind of user, planning an audit
(and inviting an auditor, whose acceptance page says what it is for), the audit page, adding
and uploading findings (row errors shown, nothing written)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from audits.models import Audit, Finding
from tests.audits.factories import make_audit, make_auditor, make_finding
from tests.audits.helpers import write_csv, write_xlsx
from tests.conftest import form_token, login
from tests.conftest_mail import link_in
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _token(client, audit_id: int) -> str:
    return form_token(client, f"/audits/{audit_id}")


def test_each_user_lists_only_what_is_theirs_or_addressed_to_them(app, db, buyer,
                                                                  compliance_user):
    firm = make_org(db, "audit_firm")
    mine, colleague = make_auditor(db, firm), make_auditor(db, firm)
    supplier_org = make_org(db, "supplier")
    supplier_person = make_user(db, supplier_org, "supplier")
    a_mine = make_audit(db, buyer, supplier=make_supplier(db, buyer, name="Penang Gloves"),
                        auditor=mine, status="in_progress", internal_notes="Keep it quiet")
    a_shared = make_audit(db, buyer, supplier=make_supplier(db, buyer, name="Dhaka Knit"),
                          linked_org=supplier_org, status="submitted", scheme="SMETA")
    make_audit(db, buyer, supplier=make_supplier(db, buyer, name="Hidden Draft Mill"),
               linked_org=supplier_org, status="planned")
    other_buyer = make_org(db, "buyer")
    make_audit(db, other_buyer, supplier=make_supplier(db, other_buyer, name="Elsewhere Ltd"),
               auditor=colleague)
    db.commit()

    listed = _as(app, compliance_user).get("/audits")
    assert listed.status_code == 200
    assert "Penang Gloves" in listed.text and "Dhaka Knit" in listed.text
    assert "Hidden Draft Mill" in listed.text and "Elsewhere Ltd" not in listed.text
    assert "Plan an audit" in listed.text
    buyer_client = _as(app, compliance_user)
    by_scheme = buyer_client.get("/audits?scheme=SMETA")
    assert "Dhaka Knit" in by_scheme.text and "Penang Gloves" not in by_scheme.text
    by_status = buyer_client.get("/audits?status=in_progress")
    assert "Penang Gloves" in by_status.text and "Dhaka Knit" not in by_status.text
    by_name = buyer_client.get("/audits?supplier=penang")
    assert "Penang Gloves" in by_name.text and "Dhaka Knit" not in by_name.text
    bad = buyer_client.get("/audits?status=lost")
    assert bad.status_code == 200 and "is not one of planned" in bad.text

    as_auditor = _as(app, mine).get("/audits")
    assert "<h1>My audits</h1>" in as_auditor.text
    assert "Penang Gloves" in as_auditor.text
    assert "Dhaka Knit" not in as_auditor.text and "Elsewhere Ltd" not in as_auditor.text
    assert "Penang Gloves" not in _as(app, colleague).get("/audits").text

    as_supplier = _as(app, supplier_person).get("/audits")
    assert "Dhaka Knit" in as_supplier.text
    assert "Hidden Draft Mill" not in as_supplier.text and "Penang Gloves" not in as_supplier.text
    assert buyer.name in as_supplier.text  # whose audit it is

    # Internal notes: the buyer's page only.
    assert "Keep it quiet" in buyer_client.get(f"/audits/{a_mine.id}").text
    page = _as(app, mine).get(f"/audits/{a_mine.id}")
    assert page.status_code == 200 and "Keep it quiet" not in page.text
    assert "Internal notes" not in page.text
    assert _as(app, colleague).get(f"/audits/{a_mine.id}").status_code == 404
    assert _as(app, supplier_person).get(f"/audits/{a_shared.id}").status_code == 200


def test_plan_an_audit_inviting_an_auditor_who_lands_on_it(app, db, buyer, compliance_user,
                                                          smtp):
    supplier = make_supplier(db, buyer, name="Kathmandu Knitwear")
    db.commit()
    client = _as(app, compliance_user)
    page = client.get(f"/audits/new?supplier_id={supplier.id}")
    assert page.status_code == 200
    assert re.search(rf'<option selected value="{supplier.id}">|<option value="{supplier.id}" '
                     r'selected', page.text)
    form = {"csrf_token": form_token(client, "/audits/new"), "supplier_id": supplier.id,
            "scheme": "SMETA", "scheme_variant": "4-pillar", "audit_type": "semi_announced",
            "audit_date": "2026-12-08", "end_date": "2026-12-09",
            "auditor_email": "ana@verita.example", "audit_firm": "",
            "internal_notes": "Budget approved"}
    missing_firm = client.post("/audits/new", data=form)
    assert missing_firm.status_code == 422
    assert "name the audit firm they will join" in missing_firm.text
    assert db.scalar(select(func.count(Audit.id)).where(Audit.org_id == buyer.id)) == 0
    planned = client.post("/audits/new", data=form | {"audit_firm": "Verita Audits"})
    assert planned.status_code == 303, planned.text
    audit = db.scalar(select(Audit).where(Audit.org_id == buyer.id))
    assert planned.headers["Location"].endswith(f"/audits/{audit.id}")
    assert (audit.scheme, audit.audit_type, audit.auditor_user_id) == (
        "SMETA", "semi_announced", None)
    shown = client.get(f"/audits/{audit.id}")
    assert "ana@verita.example is invited to join Verita Audits" in shown.text
    assert "invited, not joined yet" in shown.text

    [mail] = smtp.wait_for(1)
    link = link_in(mail, "/invitations/")
    token = link.rsplit("/", 1)[-1]
    stranger = app.test_client()
    accept = stranger.get(f"/invitations/{token}")
    assert accept.status_code == 200
    assert (f"Join Verita Audits to audit Kathmandu Knitwear for {buyer.name}"
            in accept.text)
    assert f"Join {buyer.name}</h1>" not in accept.text
    done = stranger.post(f"/invitations/{token}", data={
        "csrf_token": form_token(stranger, f"/invitations/{token}"), "name": "Ana Duarte",
        "password": "lantern-orchard-77", "confirm": "lantern-orchard-77"})
    assert done.status_code == 302, done.text
    assert f"next=/audits/{audit.id}" in done.headers["Location"].replace("%2F", "/")
    signed_in = stranger.post(done.headers["Location"], data={
        "csrf_token": form_token(stranger, "/login"), "email": "ana@verita.example",
        "password": "lantern-orchard-77"})
    assert signed_in.headers["Location"].endswith(f"/audits/{audit.id}")
    landed = stranger.get(f"/audits/{audit.id}")
    assert landed.status_code == 200 and "Kathmandu Knitwear" in landed.text
    assert "Budget approved" not in landed.text


def test_the_auditor_starts_records_a_finding_and_the_crosswalk_decides(app, db, buyer):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="SMETA")
    db.commit()
    client = _as(app, auditor)
    token = _token(client, audit.id)
    started = client.post(f"/audits/{audit.id}/status", data={"csrf_token": token,
                                                             "to": "in_progress"})
    assert started.status_code == 303
    page = client.get(f"/audits/{audit.id}")
    assert "is in progress" in page.text and "Submit the audit" in page.text
    bad = client.post(f"/audits/{audit.id}/status", data={"csrf_token": token, "to": "accepted"})
    assert bad.status_code == 303  # refused, as a message on the page
    assert "cannot become accepted" in client.get(f"/audits/{audit.id}").text
    added = client.post(f"/audits/{audit.id}/findings", data={
        "csrf_token": token, "code": "S-1", "description": "Passports held in the HR safe",
        "scheme_severity": "Non-compliance", "indicators": ["FL07"], "workers_affected": "40",
        "worker_groups": ["migrant"]})
    assert added.status_code == 303, added.text
    finding = db.scalar(select(Finding).where(Finding.audit_id == audit.id))
    assert finding.severity == "critical" and finding.indicators == ["FL07"]  # SMETA + FL07
    table = client.get(f"/audits/{audit.id}").text
    assert "Retention of identity documents" in table and "Non-compliance" in table
    duplicate = client.post(f"/audits/{audit.id}/findings", data={
        "csrf_token": token, "code": "S-1", "description": "Again",
        "scheme_severity": "Observation"})
    assert duplicate.status_code == 409 and "already" in duplicate.text
    unknown = client.post(f"/audits/{audit.id}/findings", data={
        "csrf_token": token, "description": "x", "scheme_severity": "Major",
        "fee_amount": "12.345", "fee_currency": "USD"})
    assert unknown.status_code == 422 and "Unknown severity" in unknown.text


BAD_ROWS = [
    ["R-01", "A1", "Passports held by HR", "Priority", "FL07", 42, "migrant", None, None,
     None, None],
    ["R-02", "A2", "Fees paid to an agency", "Critical", "FL09", 12, None, "1000", "USD",
     None, None],
    ["R-03", "A3", "Overtime", "Minor", "forced marriage", "-3", None, None, None, None, None],
]


def test_a_bad_upload_lists_its_row_errors_and_writes_nothing(app, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA")
    db.commit()
    client = _as(app, auditor)
    book = write_xlsx(tmp_path / "bad.xlsx", BAD_ROWS)
    with open(book, "rb") as f:
        response = client.post(f"/audits/{audit.id}/findings/upload", data={
            "csrf_token": _token(client, audit.id), "file": (f, "bad.xlsx")},
            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "nothing was imported" in response.text
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td><code>(\w+)</code></td><td>(.*?)</td>',
                      response.text)
    cells = {(int(r), c) for r, c, _m in rows}
    assert (3, "scheme_severity") in cells  # row 3 of the sheet: the second finding
    assert (4, "indicators") in cells and (4, "workers_affected") in cells
    message = next(m for r, c, m in rows if (r, c) == ("3", "scheme_severity"))
    assert "Unknown severity" in message and "Priority, Major, Minor" in message
    assert db.scalar(select(func.count(Finding.id)).where(Finding.audit_id == audit.id)) == 0


def test_a_dry_run_then_the_upload_then_the_same_file_again(app, db, buyer, tmp_path):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, scheme="RBA")
    db.commit()
    client = _as(app, auditor)
    good = write_csv(tmp_path / "good.csv", [BAD_ROWS[0], ["R-02", "A2", "Fees", "Major",
                                                           "FL09", 12, None, "1000", "USD",
                                                           None, None]])

    def send(dry_run: bool):
        data = {"csrf_token": _token(client, audit.id)}
        if dry_run:
            data["dry_run"] = "y"
        with open(good, "rb") as f:
            return client.post(f"/audits/{audit.id}/findings/upload",
                               data=data | {"file": (f, "good.csv")},
                               content_type="multipart/form-data")

    dry = send(True)
    assert dry.status_code == 200 and "Dry run of good.csv" in dry.text
    assert re.search(r"<strong>2</strong><span>would be created", dry.text)
    assert db.scalar(select(func.count(Finding.id)).where(Finding.audit_id == audit.id)) == 0
    real = send(False)
    assert real.status_code == 303
    shown = client.get(f"/audits/{audit.id}")
    assert "Imported good.csv: 2 created, 0 updated, 0 unchanged" in shown.text
    assert "1,000.00 USD" in shown.text  # the fee per worker, in its currency
    send(False)
    assert "0 created, 0 updated, 2 unchanged" in client.get(f"/audits/{audit.id}").text


def test_finding_filters_on_the_audit_page(app, db, buyer, compliance_user):
    audit = make_audit(db, buyer)
    make_finding(db, audit, code="F-A", description="Passports kept", severity="critical",
                 indicators=["FL07"])
    make_finding(db, audit, code="F-B", description="Overtime of 70 hours", severity="medium",
                 indicators=["FL11"], status="closed")
    db.commit()
    client = _as(app, compliance_user)
    url = f"/audits/{audit.id}"
    assert "Overtime of 70" not in client.get(url + "?severity=critical").text
    by_indicator = client.get(url + "?indicator=FL11").text
    assert "Overtime of 70" in by_indicator and "Passports kept" not in by_indicator
    assert "Passports kept" in client.get(url + "?status=open").text
    assert "Overtime of 70" not in client.get(url + "?status=open").text
    ignored = client.get(url + "?indicator=FL99")
    assert ignored.status_code == 200 and "is not one of FL01" in ignored.text


def test_planning_from_a_supplier_page_offers_it_whatever_the_search(app, db, buyer,
                                                                    compliance_user):
    chosen = make_supplier(db, buyer, name="Zhejiang Yarn")
    make_supplier(db, buyer, name="Anhui Cotton")
    archived = make_supplier(db, buyer, name="Closed Mill")
    from app.db import utcnow

    archived.archived_at = utcnow()
    db.commit()
    client = _as(app, compliance_user)
    page = client.get(f"/audits/new?q=anhui&supplier_id={chosen.id}").text
    assert "Zhejiang Yarn" in page and "Anhui Cotton" in page
    assert "Closed Mill" not in client.get(f"/audits/new?supplier_id={archived.id}").text
