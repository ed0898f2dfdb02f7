"""The finding page and the corrective-action board: moves by who may make them, the fee rule
explained and enforced on the page, the board's order (overdue first), marks, counts, scoping,
its fixed number of queries, and hostile text shown as text."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from app.db import get_db, utcnow
from audits.models import Action
from tests.audits.factories import make_action, make_audit, make_auditor, make_fee, make_finding
from tests.conftest import form_token, login
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _move(client, action, to: str, note: str = ""):
    token = form_token(client, f"/findings/{action.finding_id}")
    return client.post(f"/actions/{action.id}/transition",
                       data={"csrf_token": token, "to": to, "note": note})


def _flash(client, url: str) -> str:
    found = re.search(r'<div class="flash flash-(\w+)"[^>]*>(.*?)</div>', client.get(url).text,
                      re.S)
    return f"{found.group(1)}: {html.unescape(found.group(2))}" if found else ""


def test_a_fee_findings_action_is_verified_only_after_the_repayment(app, db, buyer,
                                                                     compliance_user):
    auditor = make_auditor(db)
    supplier_org = make_org(db, "supplier")
    supplier_person = make_user(db, supplier_org, "supplier")
    audit = make_audit(db, buyer, auditor=auditor, linked_org=supplier_org, status="submitted")
    finding = make_finding(db, audit, code="F-09", description="Agency fees of NPR 35,000",
                           severity="high", indicators=["FL09"], workers_affected=10,
                           fee_minor=3_500_000, fee_currency="NPR")
    db.commit()
    as_auditor, as_buyer = _as(app, auditor), _as(app, compliance_user)
    as_supplier = _as(app, supplier_person)
    url = f"/findings/{finding.id}"

    page = as_auditor.get(url)
    assert page.status_code == 200 and "Fee repayment check" in page.text
    assert "No recruitment-fee ledger entry is linked" in page.text
    assert 'Until then "Verify" is refused' in html.unescape(page.text)
    token = form_token(as_auditor, url)
    added = as_auditor.post(f"{url}/actions", data={
        "csrf_token": token, "description": "Repay every worker the agency fee",
        "owner_email": "HR@Factory.example", "preventive_action": "Employer-pays clause"})
    assert added.status_code == 303, added.text
    action = db.query(Action).filter_by(finding_id=finding.id).one()
    assert action.owner_email == "hr@factory.example"
    assert action.due_date == utcnow().date() + timedelta(days=30)  # high: 30 days

    # The auditor verifies; not forward: refused as a message, never a 403 page or a 500.
    assert _move(as_auditor, action, "in_progress").status_code == 303
    assert "Only the company's compliance team or the supplier" in _flash(as_auditor, url)
    assert _move(as_supplier, action, "in_progress").status_code == 303
    assert _move(as_supplier, action, "submitted").status_code == 303
    assert _move(as_supplier, action, "verified").status_code == 303
    assert "Only the audit's auditor or the company's compliance team" in _flash(
        as_supplier, url)
    illegal = _move(as_auditor, action, "open")
    assert illegal.status_code == 303
    assert "Cannot move from submitted to open" in _flash(as_auditor, url)
    page = as_auditor.get(url).text
    assert "Verify</button>" in page and "Return with a reason" in page
    assert "Verifying will be refused until the fees are repaid" in page

    refused = _move(as_auditor, action, "verified")
    assert refused.status_code == 303
    message = _flash(as_auditor, url)
    assert message.startswith("error: This action cannot be verified yet")
    db.refresh(action)
    assert action.state == "submitted"

    entry = make_fee(db, audit.supplier, finding=finding, workers=10, owed_minor=3_500_000)
    db.commit()
    ledger = f"/suppliers/{audit.supplier_id}/fees"
    repaid = as_buyer.post(f"/fees/{entry.id}/repayment", data={
        "csrf_token": form_token(as_buyer, ledger), f"e{entry.id}-repaid_amount": "35000",
        f"e{entry.id}-repaid_on": "2026-12-20", f"e{entry.id}-method": "bank transfer",
        f"e{entry.id}-workers_confirmed": "10"})
    assert repaid.status_code == 303
    assert "Repayment recorded: 35,000.00 NPR of 35,000.00 NPR" in _flash(as_buyer, ledger)
    seen_by_auditor = as_auditor.get(url).text
    assert "All 10 affected workers have been repaid in full" in seen_by_auditor
    assert '<th class="num">Owed</th>' not in seen_by_auditor  # the ledger is the buyer's
    assert '<th class="num">Owed</th>' in as_buyer.get(url).text
    assert _move(as_auditor, action, "verified").status_code == 303
    assert _flash(as_auditor, url) == "success: The corrective action is verified."
    db.refresh(action)
    db.refresh(finding)
    assert action.state == "verified" and finding.status == "closed"


def test_a_return_needs_a_reason_and_shows_it(app, db, buyer, compliance_user):
    audit = make_audit(db, buyer, status="submitted")
    finding = make_finding(db, audit)
    action = make_action(db, finding, state="submitted")
    db.commit()
    client = _as(app, compliance_user)
    url = f"/findings/{finding.id}"
    _move(client, action, "in_progress")
    assert "needs a reason" in _flash(client, url)
    _move(client, action, "in_progress", "The locker photos are missing")
    assert "Returned to hr@factory.example" in _flash(client, url)
    assert "The locker photos are missing" in client.get(url).text


def _board_positions(text: str, names: list[str]) -> list[int]:
    return [text.index(n) for n in names]


def test_the_board_puts_overdue_first_marks_them_and_counts_columns(app, db, buyer,
                                                                    compliance_user):
    today = utcnow().date()
    audit = make_audit(db, buyer)
    finding = make_finding(db, audit, severity="critical")
    for days, text in ((20, "Due in twenty days"), (-3, "Three days late"),
                       (-40, "Forty days late"), (5, "Due in five days")):
        make_action(db, finding, description=text, due_date=today + timedelta(days=days))
    make_action(db, finding, state="submitted", description="Waiting for the auditor",
                due_date=today - timedelta(days=1))
    make_action(db, finding, state="verified", description="Done and verified",
                due_date=today - timedelta(days=9))
    db.commit()
    page = _as(app, compliance_user).get("/actions")
    assert page.status_code == 200
    text = page.text
    open_column = text[text.index('id="column-open"'):text.index('id="column-in_progress"')]
    positions = _board_positions(open_column, ["Forty days late", "Three days late",
                                               "Due in five days", "Due in twenty days"])
    assert positions == sorted(positions)
    assert "overdue by 40 days" in open_column and "overdue by 3 days" in open_column
    late_card = re.search(r'<li class="a-card a-is-overdue"[^>]*>.*?</li>', open_column, re.S)
    assert late_card and "Forty days late" in late_card.group(0)
    assert "Open: <strong>4</strong> <span class=\"a-late\">(2 overdue)</span>" in text
    assert "Submitted: <strong>1</strong>" in text and "overdue by 1 day<" in text
    verified = text[text.index('id="column-verified"'):]
    assert "Done and verified" in verified and "overdue" not in verified


def test_the_board_filters_and_shows_more_per_column(app, db, buyer, compliance_user):
    today = utcnow().date()
    penang = make_supplier(db, buyer, name="Penang Gloves")
    audit = make_audit(db, buyer, supplier=penang)
    low = make_finding(db, audit, severity="low")
    other = make_audit(db, buyer, supplier=make_supplier(db, buyer, name="Ankara Denim"))
    high = make_finding(db, other, severity="high")
    for i in range(53):
        make_action(db, low, description=f"Low action {i:02d}", owner_email="ops@penang.example",
                    due_date=today + timedelta(days=i))
    make_action(db, high, description="High action", owner_email="hr@ankara.example")
    db.commit()
    client = _as(app, compliance_user)
    first = client.get("/actions").text
    assert first.count('data-action="') == 50
    assert "Show 4 more of 4" in first
    more = client.get("/actions?open_limit=100").text
    assert more.count('data-action="') == 54 and "Show " not in more
    assert "High action" not in client.get("/actions?severity=low").text
    by_owner = client.get("/actions?owner=ankara").text
    assert "High action" in by_owner and "Low action" not in by_owner
    by_supplier = client.get("/actions?supplier=penang").text
    assert "Low action 00" in by_supplier and "High action" not in by_supplier
    assert client.get("/actions?open_limit=5000").status_code == 422  # beyond the cap


def test_the_board_of_the_auditor_and_of_the_supplier(app, db, buyer):
    firm = make_org(db, "audit_firm")
    mine, colleague = make_auditor(db, firm), make_auditor(db, firm)
    supplier_org = make_org(db, "supplier")
    person = make_user(db, supplier_org, "supplier")
    assigned = make_audit(db, buyer, auditor=mine, linked_org=supplier_org, status="submitted")
    make_action(db, make_finding(db, assigned), description="Action of the assigned audit")
    hidden = make_audit(db, buyer, auditor=colleague, linked_org=supplier_org,
                        status="in_progress")  # not submitted: the supplier does not see it
    make_action(db, make_finding(db, hidden), description="Draft action of the colleague")
    db.commit()
    as_mine = _as(app, mine).get("/actions").text
    assert "Action of the assigned audit" in as_mine
    assert "Draft action of the colleague" not in as_mine
    as_colleague = _as(app, colleague).get("/actions").text
    assert "Draft action of the colleague" in as_colleague
    assert "Action of the assigned audit" not in as_colleague
    as_supplier = _as(app, person).get("/actions").text
    assert "Action of the assigned audit" in as_supplier
    assert "Draft action of the colleague" not in as_supplier


@contextmanager
def _statements(app):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_board_asks_the_same_few_queries_for_3_or_60_actions(app, db, buyer,
                                                                 compliance_user):
    client = _as(app, compliance_user)

    def board_queries() -> int:
        with _statements(app) as seen:
            assert client.get("/actions").status_code == 200
        return len([s for s in seen if "audit_actions" in s])

    def add(n: int) -> None:
        for i in range(n):
            audit = make_audit(db, buyer, supplier=make_supplier(db, buyer))
            make_action(db, make_finding(db, audit), state=("open", "in_progress",
                                                            "submitted")[i % 3])
        db.commit()

    add(3)
    few = board_queries()
    add(57)
    assert board_queries() == few <= 7  # the counts, and two queries per non-empty column


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_is_shown_as_text(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer, name="Evil " + HOSTILE)
    audit = make_audit(db, buyer, supplier=supplier, internal_notes=HOSTILE)
    finding = make_finding(db, audit, code="<b>F</b>", description=HOSTILE, clause=HOSTILE,
                           root_cause=HOSTILE, fee_minor=100, fee_currency="USD")
    make_action(db, finding, description=HOSTILE, preventive_action=HOSTILE,
                owner_email="x@y.example")
    entry = make_fee(db, supplier, finding=finding)
    entry.agency_name = entry.method = entry.evidence_note = HOSTILE
    db.commit()
    client = _as(app, compliance_user)
    for url in ("/audits", f"/audits/{audit.id}", f"/findings/{finding.id}", "/actions",
                f"/suppliers/{supplier.id}/fees", f"/suppliers/{supplier.id}", "/"):
        text = client.get(url).text
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "<b>F</b>" not in text, url
    assert "&lt;script&gt;alert" in client.get(f"/findings/{finding.id}").text
