"""Assignments for the buyer-page tests, made through the services so that statuses,
timestamps and signals are what the real flow produces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from questionnaires import services
from tests.suppliers.factories import make_supplier

APP = None  # set by conftest.py: the services need the app's context


def in_app(fn, *args, **kwargs):
    with APP.app_context():
        return fn(*args, **kwargs)


# Answers to `recruitment` that raise FL09 (a fee of five months' wages) and FL07.
FEES_AND_PASSPORTS = {"workers_paid_fees": True, "fee_amount": 1500, "fee_currency": "USD",
                      "monthly_wage": 300, "identity_documents_retained": True}


def send(db, org, actor, suppliers=None, template: str = "recruitment",
         email: str | None = "contact@supplier.example", due_days: int = 30):
    """services.send to `suppliers` (one new supplier by default); returns the assignments."""
    from questionnaires.models import Assignment

    suppliers = suppliers or [make_supplier(db, org)]
    result = in_app(services.send, db, org=org, actor=actor, template_key=template,
                    supplier_ids=[s.id for s in suppliers],
                    due_date=utcnow().date() + timedelta(days=due_days), email=email)
    return [db.get(Assignment, c["id"]) for c in result.created]


def full_answers(template_key: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every visible required question answered: `overrides`, benign answers for the rest."""
    from questionnaires.demo import complete_answers

    return complete_answers(template_key, overrides)


def submitted(db, org, actor, overrides=None, template: str = "recruitment", supplier=None):
    """An assignment answered and submitted through the services (signals scored)."""
    a = send(db, org, actor, [supplier] if supplier else None, template)[0]
    in_app(services.save, db, a, full_answers(template, overrides), actor=None)
    in_app(services.submit, db, a, actor=None, attestation_name="Mei Lin",
           attestation_title="HR lead")
    return a

