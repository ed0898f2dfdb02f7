"""Demo audits of Northwind Apparel by Veritas Social Audits, made through the services so the
crosswalk, the state machine, the fee rule, activity and signals are all real.

- SMETA 4-pillar at Penang Garment Industries (accepted): passports of 42 Nepali workers held
  by HR (FL07, critical), NPR 150,000 recruitment fees each paid by those 42 workers to
  Himalaya Overseas Manpower (FL09; its record is in the network), peak-season overtime of 72
  hours and accommodation deductions. Its actions are in every state: verified, submitted
  (the fee repayment, which cannot be verified while the ledger shows money still owed),
  returned with a reason, overdue, open.
- RBA at Guangzhou Trims & Labels (in progress), by the second auditor.
- amfori BSCI at Saigon Stitch Co. (submitted): its record is connected to the demo supplier
  organisation, which sees the findings and works on its actions (one with a file attached).
- SMETA 2-pillar at Al Hassan Apparel (planned, in three weeks).
- The fee ledger: Penang's 42 workers in two cohorts (one repaid in full and confirmed by
  every worker, one partly repaid) and 60 Bangladeshi workers at Al Hassan still owed.

Idempotent: nothing is added once the demo buyer has an audit. Mail the actions queue stays
in the Outbox, marked as never sent.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.db import utcnow
from app.mail import OutboxMessage
from audits import services
from audits.models import Action, Audit, Finding
from audits.services.evidence import add_evidence
from suppliers.models import Supplier

NOT_SENT = "Demo data: never sent (seed-demo does not email anyone)."
AUDITOR, SECOND_AUDITOR = "auditor@veritas.example", "auditor2@veritas.example"
MAIL_TEMPLATES = ("action_assigned", "action_returned", "action_overdue", "audit_invitation")


def _finding(session: Session, audit: Audit, actor: User, **values: Any) -> Finding:
    return services.add_finding(session, audit, values, actor=actor)


def _action(session: Session, finding: Finding, actor: User, text: str, owner: str,
            due: date | None = None, preventive: str | None = None) -> Action:
    return services.create_action(session, finding, actor=actor, description=text,
                                  owner_email=owner, due_date=due,
                                  preventive_action=preventive)


def _play(session: Session, action: Action, moves: list[tuple[str, User, str | None]]) -> None:
    for to, actor, note in moves:
        services.transition(session, action, to, note, actor=actor)


def _audit(session: Session, buyer, actor: User, supplier: Supplier, auditor: User, *,
           scheme: str, variant: str | None, kind: str, day: date, notes: str) -> Audit:
    audit = services.create_audit(
        session, org=buyer, actor=actor, supplier_id=supplier.id, scheme=scheme,
        scheme_variant=variant, audit_type=kind, audit_date=day,
        end_date=day + timedelta(days=1), auditor_email=auditor.email,
        internal_notes=notes, link_for=lambda raw: f"http://127.0.0.1:5000/invite/{raw}")
    return audit


def _penang(session: Session, buyer, compliance: User, auditor: User,
            sites: dict[str, Supplier], today: date) -> None:
    audit = _audit(session, buyer, compliance, sites["T1-MY-03"], auditor, scheme="SMETA",
                   variant="4-pillar", kind="semi_announced", day=today - timedelta(days=75),
                   notes="Triggered by the recruitment questionnaire of Himalaya Overseas "
                         "Manpower. Share the fee findings with our sourcing director.")
    services.set_status(session, audit, "in_progress", actor=auditor)
    hr = "hr.manager@penanggarment.example"
    passports = _finding(
        session, audit, auditor, code="PG-01", clause="ETI 1.1",
        description="Passports of 42 Nepali production workers are kept in the HR office safe "
                    "'for safekeeping'; workers must ask the HR manager in writing to see them.",
        scheme_severity="Non-compliance", indicators=["FL07", "restriction of movement"],
        workers_affected=42, worker_groups=["migrant"],
        root_cause="Company policy to prevent absconding before contract end.",
        evidence_note="Photos of the safe; 8 worker interviews; HR register of documents.")
    fees = _finding(
        session, audit, auditor, code="PG-02", clause="ETI 1.1 / Employer Pays Principle",
        description="All 42 Nepali workers paid NPR 150,000 each to Himalaya Overseas Manpower "
                    "for recruitment, visa and medical costs; most borrowed the money in Nepal.",
        scheme_severity="Non-compliance", indicators=["FL09", "deception"],
        workers_affected=42, worker_groups=["migrant", "agency"], fee_amount="150000",
        fee_currency="NPR", root_cause="Agency contract silent on who pays fees.",
        evidence_note="Loan papers and receipts shown by 11 workers; agency invoices.")
    overtime = _finding(
        session, audit, auditor, code="PG-03", clause="ETI 6.1",
        description="In the peak season (Aug-Oct) sewing lines worked up to 72 hours a week, "
                    "with one rest day in 14.",
        scheme_severity="Non-compliance", indicators=["FL11"], workers_affected=310,
        worker_groups=["migrant", "female"], root_cause="Capacity planning against order peaks.",
        evidence_note="Time records for 12 weeks, 40 workers sampled.")
    deductions = _finding(
        session, audit, auditor, code="PG-04", clause="ETI 5.1",
        description="MYR 250 a month is deducted for hostel beds, above the legal cap, and "
                    "without written consent.",
        scheme_severity="Non-compliance", indicators=["FL08"], workers_affected=610,
        worker_groups=["migrant"], evidence_note="Payslips of 30 workers.")
    grievance = _finding(
        session, audit, auditor, code="PG-05", clause="ETI 8",
        description="The grievance box is in the supervisors' office.",
        scheme_severity="Observation", workers_affected=None)
    give_back = _action(session, passports, auditor, "Return every passport to its holder and "
                        "install individual lockers in the hostel.", hr,
                        preventive="Written policy: no document is held by the company.")
    repay = _action(session, fees, compliance, "Repay NPR 150,000 to each of the 42 workers, "
                    "with proof of each transfer and each worker's confirmation.", hr,
                    due=today + timedelta(days=20))
    hours = _action(session, overtime, auditor, "Cap weekly hours at 60 including overtime; "
                    "add a second shift in peak season.", hr)
    rooms = _action(session, deductions, auditor, "Stop the hostel deduction and refund what "
                    "was deducted above the legal cap since January.", hr,
                    due=today - timedelta(days=9))
    _action(session, grievance, auditor, "Move the grievance box to the canteen; add the "
            "Nepali-language hotline number.", hr)
    services.set_status(session, audit, "submitted", actor=auditor)
    services.set_status(session, audit, "accepted", actor=compliance)
    _play(session, give_back, [("in_progress", compliance, None),
                               ("submitted", compliance, "Lockers installed; photos attached"),
                               ("verified", auditor, "Checked on the follow-up visit")])
    _play(session, repay, [("in_progress", compliance, None),
                           ("submitted", compliance, "First cohort repaid in full")])
    _play(session, hours, [("in_progress", compliance, None),
                           ("submitted", compliance, "Second shift started"),
                           ("in_progress", auditor, "Time records for one week only: send "
                            "12 weeks of the peak season, every line, before we can verify.")])
    _play(session, rooms, [("in_progress", compliance, "Payroll asked to stop the deduction")])
    agency = sites.get("RA-NP-20")
    base = {"origin_country": "NP", "category": "recruitment_fee", "currency": "NPR",
            "fee_per_worker": "150000", "finding_id": fees.id,
            # Malaysia's minimum wage, MYR 1,700 a month, is about NPR 51,000.
            "monthly_wage": "51000",
            "agency_supplier_id": agency.id if agency else None,
            "agency_name": None if agency else "Himalaya Overseas Manpower Pvt Ltd"}
    first = services.add_fee_entry(session, supplier=sites["T1-MY-03"], actor=compliance,
                                   values=base | {"workers": 18, "evidence_note":
                                                  "2024 intake; agency invoices"})
    services.record_repayment(session, first, actor=compliance, repaid_amount="2700000",
                              repaid_on=today - timedelta(days=30),
                              method="bank transfer to workers' accounts in Nepal",
                              workers_confirmed=18,
                              evidence_note="Bank statements; confirmations in interviews")
    second = services.add_fee_entry(session, supplier=sites["T1-MY-03"], actor=compliance,
                                    values=base | {"workers": 24, "evidence_note":
                                                   "2025 intake"})
    services.record_repayment(session, second, actor=compliance, repaid_amount="1200000",
                              repaid_on=today - timedelta(days=6), method="payroll, in parts",
                              workers_confirmed=8)


def _guangzhou(session: Session, buyer, compliance: User, auditor: User,
               sites: dict[str, Supplier], today: date) -> None:
    audit = _audit(session, buyer, compliance, sites["T2-CN-14"], auditor, scheme="RBA",
                   variant="VAP", kind="announced", day=today - timedelta(days=4),
                   notes="Zip and hardware line; first RBA audit.")
    services.set_status(session, audit, "in_progress", actor=auditor)
    ids = _finding(session, audit, auditor, code="R-A1.1", clause="A1 Freely chosen",
                   description="The dispatch agency keeps the ID cards of 35 agency workers "
                               "until their contracts end.",
                   scheme_severity="Priority", indicators=["FL07"], workers_affected=35,
                   worker_groups=["agency"])
    _finding(session, audit, auditor, code="R-A3.1", clause="A3 Working hours",
             description="Weekly hours above 60 in 4 of the 12 weeks sampled.",
             scheme_severity="Major", indicators=["excessive overtime"], workers_affected=120)
    _finding(session, audit, auditor, code="R-B2.4", clause="B2 Emergency preparedness",
             description="No record of a fire drill on the night shift.",
             scheme_severity="Minor")
    _action(session, ids, auditor, "Have the agency return every ID card and confirm it in "
            "writing; add the rule to the agency contract.", "ehs@guangzhoutrims.example")


def _saigon(session: Session, buyer, compliance: User, auditor: User,
            sites: dict[str, Supplier], supplier_user: User | None, today: date) -> None:
    site = sites["T1-VN-01"]
    audit = _audit(session, buyer, compliance, site, auditor, scheme="amfori BSCI",
                   variant=None, kind="semi_announced", day=today - timedelta(days=21),
                   notes="Renewal audit. Internal: price negotiation in January.")
    services.set_status(session, audit, "in_progress", actor=auditor)
    owner = supplier_user.email if supplier_user else "hr@saigonstitch.example"
    fines = _finding(session, audit, auditor, code="PA5-1", clause="PA 5 Fair remuneration",
                     description="Lateness is fined VND 100,000 from wages, without a written "
                                 "rule.",
                     scheme_severity="E", indicators=["FL08"], workers_affected=85)
    hours = _finding(session, audit, auditor, code="PA6-1", clause="PA 6 Decent working hours",
                     description="Overtime reached 340 hours a year for cutting-room workers, "
                                 "above the legal 300.",
                     scheme_severity="D", indicators=["FL11"], workers_affected=60)
    voice = _finding(session, audit, auditor, code="PA1-2", clause="PA 1 Social management",
                     description="Few workers knew how to raise a grievance.",
                     scheme_severity="C")
    refund = _action(session, fines, compliance, "Stop the fines and refund those of the last "
                     "12 months to each worker.", owner)
    _action(session, hours, compliance, "Plan cutting-room capacity so overtime stays within "
            "300 hours a year.", owner)
    training = _action(session, voice, compliance, "Train every worker on the grievance "
                       "channel, in Vietnamese.", owner)
    services.set_status(session, audit, "submitted", actor=auditor)
    if supplier_user is not None:
        _play(session, refund, [("in_progress", supplier_user, "Fines stopped on 1 Nov")])
        add_evidence(session, refund, FileStorage(io.BytesIO(
            b"worker_id,fines_refunded_vnd,refunded_on\nSS-0412,300000,2026-11-05\n"
            b"SS-0977,200000,2026-11-05\n"), "fines-refunds-november.csv"),
            actor=supplier_user)
        _play(session, training, [("in_progress", supplier_user, None),
                                  ("submitted", supplier_user, "Training held for all "
                                   "shifts")])


def _al_hassan(session: Session, buyer, compliance: User, auditor: User,
               sites: dict[str, Supplier], today: date) -> None:
    site = sites["T1-JO-04"]
    _audit(session, buyer, compliance, site, auditor, scheme="SMETA", variant="2-pillar",
           kind="semi_announced", day=today + timedelta(days=21),
           notes="Follow up the recruitment fees of the Bangladeshi workers.")
    agency = sites.get("RA-BD-22")
    services.add_fee_entry(session, supplier=site, actor=compliance, values={
        "workers": 60, "fee_per_worker": "300000", "currency": "BDT", "origin_country": "BD",
        # About JOD 230 a month, the garment sector's wage for migrant workers, in BDT.
        "monthly_wage": "39000",
        "category": "recruitment_fee", "agency_supplier_id": agency.id if agency else None,
        "agency_name": None if agency else "Sylhet Global Recruiting",
        "evidence_note": "Reported by workers through the questionnaire and a grievance."})


def seed(session: Session, orgs: dict) -> None:
    buyer, firm = orgs.get("buyer"), orgs.get("audit_firm")
    if buyer is None or firm is None:
        return
    if session.scalar(select(Audit.id).where(Audit.org_id == buyer.id).limit(1)):
        return
    compliance = session.scalar(select(User).where(
        User.org_id == buyer.id, User.role == "compliance").order_by(User.id))
    auditors = {u.email: u for u in session.scalars(select(User).where(User.org_id == firm.id))}
    sites = {s.external_id: s for s in session.scalars(select(Supplier).where(
        Supplier.org_id == buyer.id, Supplier.archived_at.is_(None)))}
    needed = ("T1-MY-03", "T2-CN-14", "T1-VN-01", "T1-JO-04")
    if compliance is None or AUDITOR not in auditors or any(k not in sites for k in needed):
        return
    lead, second = auditors[AUDITOR], auditors.get(SECOND_AUDITOR, auditors[AUDITOR])
    supplier_org = orgs.get("supplier")
    supplier_user = None
    if supplier_org is not None and sites["T1-VN-01"].linked_org_id == supplier_org.id:
        supplier_user = session.scalar(select(User).where(
            User.org_id == supplier_org.id, User.role == "supplier").order_by(User.id))
    today = utcnow().date()
    _penang(session, buyer, compliance, lead, sites, today)
    _guangzhou(session, buyer, compliance, second, sites, today)
    _saigon(session, buyer, compliance, lead, sites, supplier_user, today)
    _al_hassan(session, buyer, compliance, lead, sites, today)
    # Seeding never emails: the actions' messages stay in the Outbox as never sent.
    session.execute(
        update(OutboxMessage).where(OutboxMessage.org_id == buyer.id,
                                    OutboxMessage.status == "pending",
                                    OutboxMessage.template.in_(MAIL_TEMPLATES))
        .values(status="failed", last_error=NOT_SENT)
        .execution_options(synchronize_session=False))
    session.flush()
