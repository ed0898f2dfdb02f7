"""Questionnaire factories: assignments with their emailed link, in any state.

`make_assignment` builds the row directly (no campaign, no email), so it works wherever a
test has a session, with or without an app context (the access matrix calls its makers
without one). The raw token it returns opens the assignment through the portal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
from datetime import date, timedelta
from typing import Any

from flask import has_app_context

from app.auth.services import digest
from app.db import utcnow
from questionnaires.models import Assignment

# tests/conftest.py's SECRET_KEY: links made without an app context are signed with it, as
# the test app signs them (tests/questionnaires/portal/test_factories.py keeps them in step).
TEST_SECRET_KEY = "test-secret-key-not-for-production"
_seq = itertools.count(1)
SUBMITTED = ("submitted", "returned", "accepted")


def _token_for(nonce: str) -> str:
    if has_app_context():
        from questionnaires.services.links import token_for

        return token_for(nonce)
    mac = hmac.new(TEST_SECRET_KEY.encode(), b"tierlight-portal:" + nonce.encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_assignment(
    db, org, supplier=None, template: str = "recruitment", status: str = "sent",
    linked_org=None, *, answers: dict[str, Any] | None = None, version: int | None = None,
    due_date: date | None = None, contact_email: str | None = "supplier@example.org",
    submitted_answers: dict[str, Any] | None = None, review_comment: str | None = None,
) -> tuple[Assignment, str]:
    """(assignment, raw link token) of `template` sent by buyer `org` to `supplier` (a new
    one by default). `linked_org` connects the supplier record to that supplier organisation
    and addresses the assignment to it. Submitted states get `submitted_answers` (default:
    the answers) and timestamps; "returned" gets a review comment."""
    from questionnaires import definitions
    from tests.suppliers.factories import make_supplier

    supplier = supplier or make_supplier(db, org)
    if linked_org is not None:
        supplier.linked_org_id = linked_org.id
    tpl = definitions.get_template(template, version)
    now = utcnow()
    nonce = secrets.token_hex(16)
    token = _token_for(nonce)
    answers = dict(answers or {})
    a = Assignment(
        org_id=org.id, supplier_id=supplier.id,
        supplier_org_id=linked_org.id if linked_org is not None else supplier.linked_org_id,
        template_key=tpl.key, template_version=tpl.version, status=status,
        due_date=due_date or (now.date() + timedelta(days=30)), contact_email=contact_email,
        link_nonce=nonce, link_hash=digest(token), link_expires_at=now + timedelta(days=60),
        answers=answers, created_at=now, updated_at=now,
    )
    if status != "sent":
        a.opened_at = now
    if status in ("in_progress", *SUBMITTED):
        a.started_at = now
    if status in SUBMITTED:
        a.submitted_answers = dict(submitted_answers if submitted_answers is not None
                                   else answers)
        a.submitted_at = now
        a.attestation_name, a.attestation_title = "Mei Lin", "HR manager"
    if status == "returned":
        a.returned_at = now
        a.review_comment = review_comment or "Please give the fee amount per worker."
    if status == "accepted":
        a.accepted_at = now
    db.add(a)
    db.flush()
    return a, token


def make_supplier_org(db, name: str | None = None):
    """A supplier organisation and its first user (role supplier)."""
    from tests.factories import make_org, make_user

    org = make_org(db, "supplier", name=name)
    return org, make_user(db, org, "supplier")


__all__ = ["TEST_SECRET_KEY", "make_assignment", "make_supplier_org"]
