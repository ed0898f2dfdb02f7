"""Demo questionnaires of Northwind Apparel: a recruitment campaign to its labour recruiters
and factories, and labour-standards campaigns, in every state a compliance team meets.

Made through the services (send, save, submit, accept, return), so statuses, activity and
signals are real: Himalaya Overseas Manpower, the Nepali agency recruiting for Penang
Garment Industries in Malaysia, reports workers paying 1,500 USD against a 300 USD monthly
wage (FL09 strong) and keeping passports (FL07). Idempotent: nothing is added once the demo
buyer has a campaign. The invitations stay in the Outbox, marked as never sent: seeding
never emails anyone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import utcnow
from app.mail import OutboxMessage
from questionnaires import definitions, logic, scoring, services
from questionnaires.models import Assignment, Campaign
from suppliers.models import Supplier

NOT_SENT = "Demo data: never sent (seed-demo does not email anyone)."

# external_id -> (state, answers beyond the benign ones, comment when returned)
RECRUITMENT: dict[str, tuple[str, dict[str, Any], str]] = {
    "RA-NP-20": ("submitted", {"migrant_workers_employed": True,
                               "uses_recruitment_agencies": True,
                               "agency_countries": "Nepal (village sub-agents in Dhanusha)",
                               "agencies_licensed": True, "uses_sub_agents": True,
                               "sub_agent_countries": "Nepal",
                               "agency_agreement_prohibits_fees": False,
                               "workers_paid_fees": True,
                               "fee_categories": ["recruitment_service_fee",
                                                  "visa_work_permit", "medical_exam"],
                               "fee_amount": 1500, "fee_currency": "USD",
                               "monthly_wage": 300, "fees_repaid": False,
                               "identity_documents_retained": True,
                               "documents_returned_on_request": False}, ""),
    "RA-MY-23": ("returned", {"workers_paid_fees": False, "monthly_wage": 1500,
                              "wage_currency": "MYR"},
                 "You answered that no worker paid a fee, but your service agreement with "
                 "Penang Garment lists a processing charge of 1,200 MYR per worker. Please "
                 "check the fees section and upload the agreement."),
    "RA-BD-22": ("accepted", {"workers_paid_fees": False}, ""),
    "T1-MY-03": ("in_progress", {"workers_paid_fees": False}, ""),
    "T1-JO-04": ("opened", {}, ""),
    "RA-NP-21": ("sent", {}, ""),
}
LABOUR_RECENT: dict[str, tuple[str, dict[str, Any], str]] = {
    "T1-VN-01": ("sent", {}, ""),
    "T2-CN-10": ("opened", {}, ""),
    "T2-IN-11": ("in_progress", {"weekly_hours_max": 60}, ""),
}
# Sent six weeks ago: one answered and accepted, one now overdue.
LABOUR_EARLIER: dict[str, tuple[str, dict[str, Any], str]] = {
    "T1-BD-02": ("accepted", {"weekly_hours_max": 66, "wages_withheld": False,
                              "free_to_leave_accommodation": True}, ""),
    "T1-TR-05": ("opened", {}, ""),
}


# Plausible answers to the number and text questions, tried before the search for a benign one.
PLAUSIBLE: dict[str, Any] = {
    "monthly_wage": 420, "wage_currency": "USD", "fee_currency": "USD",
    "weekly_hours_max": 56, "weekly_hours_typical": 48, "resignation_notice_days": 30,
    "minimum_hiring_age": 18, "youngest_worker_age": 16, "max_deduction_percent": 10,
    "agency_countries": "Nepal; Bangladesh", "sub_agent_countries": "Nepal",
}


def _benign(template: definitions.Template, question: definitions.Question,
            answers: dict[str, Any]) -> Any:
    """An answer to `question` raising no signal of its own, given the answers so far."""
    kind = question.type
    plausible = [PLAUSIBLE[question.code]] if question.code in PLAUSIBLE else []
    if kind == "yes_no":
        candidates: list[Any] = [False, True]
    elif kind == "choice":
        candidates = list(question.values)
    elif kind == "multi_choice":
        candidates = [[v] for v in question.values]
    elif kind in ("number", "money"):
        low = question.min if question.min is not None else 0
        candidates = [v for v in (48, 8, 1, low)
                      if v >= low and (question.max is None or v <= question.max)] or [low]
    elif kind == "date":
        candidates = [(utcnow().date() - timedelta(days=90)).isoformat()]
    elif kind == "text":
        candidates = ["USD"] if "currency" in question.code else [
            "Set out in our written policy, reviewed every year by the HR manager."]
    else:
        return None  # files are never required
    candidates = plausible + candidates
    for value in candidates:
        trial = {**answers, question.code: value}
        cleaned, errors = logic.clean_answers(template, {question.code: value})
        if errors:
            continue
        if not any(s.question == question.code for s in scoring.score(template, trial)):
            return cleaned[question.code]
    return candidates[0]


def complete_answers(template_key: str, overrides: dict[str, Any] | None = None,
                     version: int | None = None) -> dict[str, Any]:
    """`overrides`, and a benign answer to every other visible required question."""
    template = definitions.get_template(template_key, version)
    answers = dict(overrides or {})
    for q in template.questions:
        if q.code in answers or not q.required or not logic.is_visible(template, q, answers):
            continue
        value = _benign(template, q, answers)
        if value is not None:
            answers[q.code] = value
    cleaned, errors = logic.clean_answers(template, answers)
    if errors:  # the demo answers are ours: a mistake here is a bug
        raise ValueError(f"demo answers to {template_key}: {errors}")
    return cleaned


def _contact(supplier: Supplier) -> None:
    if not supplier.contact_email:
        slug = "".join(c for c in supplier.name.lower() if c.isalnum())[:24]
        supplier.contact_email = f"compliance@{slug}.example"


def _play(session: Session, a: Assignment, state: str, answers: dict[str, Any],
          comment: str, reviewer: User) -> None:
    """Move a freshly sent assignment to `state` the way the supplier and buyer would."""
    if state == "sent":
        return
    services.mark_opened(session, a.id)
    session.refresh(a)
    if state == "opened":
        return
    if state == "in_progress":
        services.save(session, a, answers or {}, actor=None)
        return
    services.save(session, a, complete_answers(a.template_key, answers), actor=None)
    services.submit(session, a, actor=None, attestation_name="Demo Contact",
                    attestation_title="HR and compliance manager")
    if state == "accepted":
        services.accept(session, a, actor=reviewer)
    elif state == "returned":
        services.return_to_supplier(session, a, actor=reviewer, comment=comment)


def _campaign(session: Session, buyer, actor: User, key: str, plan: dict, *, due_days: int,
              message: str) -> list[Assignment]:
    suppliers = {s.external_id: s for s in session.scalars(select(Supplier).where(
        Supplier.org_id == buyer.id, Supplier.external_id.in_(sorted(plan))))}
    chosen = [suppliers[e] for e in plan if e in suppliers]
    for s in chosen:
        _contact(s)
    session.flush()
    result = services.send(session, org=buyer, actor=actor, template_key=key,
                           supplier_ids=[s.id for s in chosen],
                           due_date=utcnow().date() + timedelta(days=due_days),
                           message=message)
    by_supplier = {c["supplier_id"]: session.get(Assignment, c["id"]) for c in result.created}
    played = []
    for s in chosen:
        a = by_supplier[s.id]
        state, answers, comment = plan[s.external_id]
        _play(session, a, state, answers, comment, actor)
        played.append(a)
    return played


def _backdate(session: Session, assignments: list[Assignment], days: int) -> None:
    """Make a campaign look sent `days` ago and due a few days before today (overdue)."""
    shift = timedelta(days=days)
    due = utcnow().date() - timedelta(days=5)
    campaigns = {a.campaign for a in assignments if a.campaign is not None}
    for a in assignments:
        for name in ("created_at", "opened_at", "started_at", "submitted_at", "accepted_at"):
            value = getattr(a, name)
            if value is not None:
                setattr(a, name, value - shift)
        a.due_date = due
    for campaign in campaigns:
        campaign.due_date, campaign.created_at = due, campaign.created_at - shift
    session.flush()


def seed(session: Session, orgs: dict) -> None:
    buyer = orgs.get("buyer")
    if buyer is None or session.scalar(select(Campaign.id).where(Campaign.org_id == buyer.id)):
        return
    actor = session.scalar(select(User).where(User.org_id == buyer.id,
                                              User.role == "compliance").order_by(User.id))
    if actor is None or not session.scalar(select(Supplier.id).where(
            Supplier.org_id == buyer.id).limit(1)):
        return
    earlier = _campaign(session, buyer, actor, "labour-standards", LABOUR_EARLIER,
                        due_days=14, message="Our annual labour-standards self-assessment.")
    _backdate(session, earlier, days=42)
    _campaign(session, buyer, actor, "recruitment", RECRUITMENT, due_days=21,
              message="Northwind follows the Employer Pays Principle: no worker should pay "
                      "to get a job in our supply chain. Please describe how your workers "
                      "were recruited.")
    _campaign(session, buyer, actor, "labour-standards", LABOUR_RECENT, due_days=30,
              message="Our annual labour-standards self-assessment.")
    # Seeding never emails: the demo's invitations stay in the Outbox as never sent.
    session.execute(
        update(OutboxMessage).where(OutboxMessage.org_id == buyer.id,
                                    OutboxMessage.status == "pending",
                                    OutboxMessage.template.like("questionnaire_%"))
        .values(status="failed", last_error=NOT_SENT)
        .execution_options(synchronize_session=False))
    session.flush()
