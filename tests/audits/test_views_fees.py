"""The fee ledger page (cohorts, totals per currency, adding a cohort, recording a repayment),
the dashboard cards and the supplier page's panel: amounts in different currencies never add."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from audits.models import FeeEntry
from tests.audits.factories import make_action, make_audit, make_auditor, make_fee, make_finding
from tests.conftest import form_token, login
from tests.suppliers.factories import make_supplier


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _totals(text: str) -> str:
    return html.unescape(text[text.index('id="totals"'):text.index('id="cohorts"')])


def test_totals_are_per_currency_and_never_added(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer, name="Johor Electronics")
    make_fee(db, supplier, workers=10, owed_minor=3_500_000, currency="NPR")
    make_fee(db, supplier, workers=5, owed_minor=1_000_000, currency="NPR",
             repaid_minor=1_000_000)
    make_fee(db, supplier, workers=4, owed_minor=120_000, currency="USD")
    make_fee(db, supplier, workers=2, owed_minor=150_000, currency="JPY", repaid_minor=150_000)
    make_fee(db, make_supplier(db, buyer), workers=3, owed_minor=999_900, currency="USD")
    db.commit()
    client = _as(app, compliance_user)
    page = client.get(f"/suppliers/{supplier.id}/fees")
    assert page.status_code == 200
    totals = _totals(page.text)
    assert re.findall(r"[\d,.]+ (?:NPR|USD|JPY) owed", totals) == [
        "150,000 JPY owed", "45,000.00 NPR owed", "1,200.00 USD owed"]  # sorted by code
    assert "10,000.00 NPR repaid" in totals and "35,000.00 NPR outstanding" in totals
    assert "150,000 JPY repaid" in totals and "settled" in totals
    assert "9,999.00" not in totals  # another supplier's fees
    cohorts = page.text[page.text.index('id="cohorts"'):]
    assert cohorts.count('<tr id="entry-') == 4
    assert "partly repaid" not in cohorts and cohorts.count(">owed</span>") == 2

    dashboard = html.unescape(client.get("/").text)
    lines = re.findall(r'<strong>(\d+%)</strong><meter min="0" max="1" value="([0-9.]+)">'
                       r".*?</meter><span>(.*?)</span>", dashboard)
    assert [(pct, label) for pct, _share, label in lines] == [
        ("100%", "JPY: 150,000 JPY of 150,000 JPY repaid (2 workers paid fees)"),
        ("22%", "NPR: 10,000.00 NPR of 45,000.00 NPR repaid (15 workers paid fees)"),
        ("0%", "USD: 0.00 USD of 11,199.00 USD repaid (7 workers paid fees)")]  # both USD suppliers
    assert float(lines[1][1]) == 10_000 / 45_000
    panel = re.sub(r"<[^>]+>", "", html.unescape(client.get(f"/suppliers/{supplier.id}").text))
    assert "Audits and recruitment fees" in panel
    assert "NPR: owed 45,000.00 NPR, repaid 10,000.00 NPR" in panel
    assert "USD: owed 1,200.00 USD" in panel and "11,199.00" not in panel


def test_add_a_cohort_linked_to_an_agency_and_a_finding(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer, name="Penang Gloves")
    agency = make_supplier(db, buyer, name="Everest Manpower", country="NP",
                           kind="recruitment_agency")
    audit = make_audit(db, buyer, supplier=supplier)
    finding = make_finding(db, audit, code="F-09", fee_minor=3_500_000, fee_currency="NPR")
    db.commit()
    client = _as(app, compliance_user)
    url = f"/suppliers/{supplier.id}/fees"
    token = form_token(client, url)
    form = {"csrf_token": token, "workers": "12", "fee_per_worker": "35,000",
            "currency": "npr", "category": "recruitment_fee", "origin_country": "Nepal",
            "agency_supplier_id": str(agency.id), "finding_id": str(finding.id)}
    bad = client.post(url, data=form | {"currency": "XYZ"})
    assert bad.status_code == 422
    assert "is not an ISO 4217 currency code" in html.unescape(bad.text)
    assert db.scalar(select(FeeEntry.id).where(FeeEntry.supplier_id == supplier.id)) is None
    added = client.post(url, data=form)
    assert added.status_code == 303, added.text
    entry = db.scalar(select(FeeEntry).where(FeeEntry.supplier_id == supplier.id))
    assert (entry.owed_minor, entry.currency, entry.origin_country) == (42_000_000, "NPR", "NP")
    page = client.get(url).text
    assert f'href="/suppliers/{agency.id}">Everest Manpower</a>' in page
    assert f'href="/findings/{finding.id}">F-09</a>' in page
    assert "Cohort of 12 workers added: 420,000.00 NPR owed." in page

    too_much = client.post(f"/fees/{entry.id}/repayment", data={
        "csrf_token": token, f"e{entry.id}-repaid_amount": "500000"})
    assert too_much.status_code == 303
    assert "More than the cohort paid (420,000.00 NPR)" in client.get(url).text
    not_a_number = client.post(f"/fees/{entry.id}/repayment", data={
        "csrf_token": token, f"e{entry.id}-repaid_amount": "100",
        f"e{entry.id}-workers_confirmed": "many"})
    assert not_a_number.status_code == 303
    assert "Workers who confirmed receipt" in client.get(url).text
    db.refresh(entry)
    assert entry.repaid_minor == 0


def test_the_ledger_is_the_buyers_only(app, db, buyer, compliance_user):
    auditor = make_auditor(db)
    supplier = make_supplier(db, buyer)
    make_audit(db, buyer, supplier=supplier, auditor=auditor)
    entry = make_fee(db, supplier)
    db.commit()
    client = _as(app, auditor)
    assert client.get(f"/suppliers/{supplier.id}/fees").status_code == 403
    assert client.post(f"/fees/{entry.id}/repayment").status_code in (400, 403)


def test_the_buyers_and_the_auditors_dashboard_cards(app, db, buyer, compliance_user):
    from datetime import timedelta

    from app.db import utcnow

    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor, status="in_progress")
    make_audit(db, buyer, auditor=auditor, status="submitted")
    critical = make_finding(db, audit, severity="critical")
    make_finding(db, audit, severity="low", status="closed")
    make_action(db, critical, due_date=utcnow().date() - timedelta(days=2))
    make_action(db, critical)
    db.commit()
    text = html.unescape(_as(app, compliance_user).get("/").text)
    assert "Audits and corrective actions" in text
    assert "<strong>2</strong><span>open corrective actions" in text
    assert "<strong>1</strong><span>overdue actions" in text
    assert "<strong>1</strong><span>open critical findings" in text
    assert "<strong>0</strong><span>open low findings" in text
    mine = html.unescape(_as(app, auditor).get("/").text)
    assert "My audits" in mine
    assert re.search(r"<strong>1</strong><span>in progress", mine)
    assert re.search(r"<strong>1</strong><span>submitted", mine)
    assert re.search(r'<a href="/audits"\s*>My audits</a>', mine)  # the auditor's menu
