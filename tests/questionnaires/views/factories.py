"""Assignments for the buyer-page tests, made through the services so that statuses,
timestamps and signals are what the real flow produces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from questionnaires import definitions, services
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


# tests/conftest.py's SECRET_KEY: the access matrix calls makers without an app context, so
# their links are signed here the way the test app signs them (questionnaires.services.links).
TEST_SECRET_KEY = "test-secret-key-not-for-production"


def _token(nonce: str) -> str:
    import base64
    import hashlib
    import hmac

    mac = hmac.new(TEST_SECRET_KEY.encode(), b"tierlight-portal:" + nonce.encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_row(db, org, supplier=None, *, template: str = "recruitment", status: str = "sent",
             linked_org=None):
    """(assignment, raw link token), the row written directly: no app context needed."""
    import secrets

    from app.auth.services import digest
    from questionnaires.models import Assignment

    supplier = supplier or make_supplier(db, org)
    if linked_org is not None:
        supplier.linked_org_id = linked_org.id
    tpl = definitions.get_template(template)
    now = utcnow()
    nonce = secrets.token_hex(16)
    token = _token(nonce)
    a = Assignment(org_id=org.id, supplier_id=supplier.id, supplier_org_id=supplier.linked_org_id,
                   template_key=tpl.key, template_version=tpl.version, status=status,
                   due_date=now.date() + timedelta(days=30), contact_email="x@supplier.example",
                   link_nonce=nonce, link_hash=digest(token),
                   link_expires_at=now + timedelta(days=60), answers={}, created_at=now,
                   updated_at=now)
    db.add(a)
    db.flush()
    return a, token
