"""What risk and reports learn from grievances through app/signals.py: a linked case is a
grievance factor in its supplier's risk (with a link to the case page), and the due-diligence
report has a grievance section with no text and counts under 5 hidden."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from app import signals
from app.db import utcnow
from grievances.services import cases
from reports import report_pdf
from reports.evidence import gather_facts
from risk import services as risk
from risk.links import evidence_url
from risk.models import RiskScore
from tests.factories import make_org, make_user
from tests.grievances.helpers import NEPALI, make_case
from tests.reports.helpers import pdf_text
from tests.suppliers.factories import link, make_supplier


def _factors(db, supplier):
    score = db.scalar(select(RiskScore).where(RiskScore.supplier_id == supplier.id))
    return {f["code"]: f for f in score.factors}


def test_a_linked_case_is_a_grievance_factor_of_its_supplier(app, db):
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    penang = make_supplier(db, org, name="Penang Garment Industries", country="MY")
    other = make_supplier(db, org, country="MY")
    link(db, org, penang)
    link(db, org, other)
    case = make_case(db, org, categories=["recruitment_fees", "identity_documents"])
    risk.recompute(db, org.id)
    assert "grievances" not in _factors(db, penang)
    cases.link_supplier(db, case, actor=user, supplier_id=penang.id)
    queued = [s for s in signals.pending(db) if s[0] is signals.grievance_changed]
    assert queued and penang.id in queued[-1][2]["supplier_ids"]
    risk.recompute(db, org.id)
    factor = _factors(db, penang)["grievances"]
    assert factor["label"] == "1 open grievance from workers" and factor["points"] > 0
    assert factor["evidence"] == [{"kind": "grievance", "id": case.id,
                                   "text": "recruitment fees grievance, received"}]
    assert NEPALI not in str(factor)
    assert "grievances" not in _factors(db, other)
    with app.test_request_context():
        assert evidence_url(factor["evidence"][0], penang.id) == url_for(
            "grievances.case", grievance_id=case.id) == f"/grievances/{case.id}"
    # retaliation weighs more; resolving the case takes the factor away
    cases.set_retaliation(db, case, actor=user, flag=True)
    risk.recompute(db, org.id)
    flagged = _factors(db, penang)["grievances"]
    assert flagged["points"] > factor["points"]
    assert "retaliation reported" in flagged["evidence"][0]["text"]
    cases.transition(db, case, to="investigating", actor=user)
    cases.transition(db, case, to="resolved", actor=user)
    risk.recompute(db, org.id)
    assert "grievances" not in _factors(db, penang)


def test_risk_inputs_answer_only_the_companys_linked_cases(db):
    org, stranger = make_org(db, "buyer"), make_org(db, "buyer")
    supplier = make_supplier(db, org)
    linked = make_case(db, org, supplier=supplier, categories=["wages", "hours"])
    make_case(db, org)  # not linked: not risk's business
    make_case(db, stranger, supplier=make_supplier(db, stranger))
    answers = [items for _r, items in signals.risk_inputs.send("risk", session=db,
                                                                org_id=org.id)]
    ours = [i for items in answers for i in items]
    assert ours == [{"supplier_id": supplier.id, "kind": "grievance", "id": linked.id,
                     "category": "wages", "status": "received", "retaliation": False,
                     "opened_on": linked.received_at.date()}]


def test_the_report_has_a_grievance_section(app, db):
    org = make_org(db, "buyer")
    user = make_user(db, org, "compliance")
    made = [make_case(db, org, days_ago=20, categories=["recruitment_fees"])
            for _ in range(6)]
    made.append(make_case(db, org, days_ago=20, categories=["child_labour"],
                          text="A 14-year-old works nights"))
    for case in made[:5]:
        cases.send_message(db, case, actor=user, body="Received, we are acting.")
    today = utcnow().date()
    facts = gather_facts(db, org=org, period_start=today - timedelta(days=365),
                         period_end=today)
    g = facts["grievances"]
    assert g["received"] == 7
    assert {c["category"]: c["count"] for c in g["by_category"]} == {
        "recruitment_fees": 6, "child_labour": "fewer than 5"}
    text = re.sub(r"\s+", " ", pdf_text(report_pdf.render(facts, made_at="today")))
    assert "Grievances" in text and "7 cases received from workers" in text
    assert "Child labour fewer than 5" in text and "Recruitment fees 6" in text
    assert "Effectiveness (UN Guiding Principle 31)" in text
    assert "Based on engagement and dialogue" in text and "Legitimate" in text
    for case in made:
        assert case.case_code not in text
    assert "14-year-old" not in text and "Received, we are acting" not in text
    # a company without a channel has no grievance section
    bare = make_org(db, "buyer")
    facts = gather_facts(db, org=bare, period_start=today - timedelta(days=30),
                         period_end=today)
    assert "grievances" not in facts
    assert "Grievances" not in pdf_text(report_pdf.render(facts, made_at="today"))
