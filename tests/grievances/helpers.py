"""Makers shared by the case-handling tests: a company's channel, a case received through it
(by the reporter's own service), and signing in."""

from __future__ import annotations

from datetime import timedelta

from flask import has_app_context

from grievances.models import ChannelSupplier, Grievance
from grievances.services import intake
from grievances.states import deadlines

NEPALI = "म्यानपावर एजेन्टले मेरो राहदानी राख्यो र ३ लाख रुपैयाँ शुल्क लियो।"


def channel_of(db, org):
    return intake.ensure_channel(db, org_id=org.id)


def make_case(db, org, **values) -> Grievance:
    """A case received `days_ago` days ago (its deadlines follow), optionally at a workplace
    the channel lists (listed here if needed). Encryption needs the app's keys: makers called
    outside an app context (the access matrix, the OpenAPI calls) get the session's app."""
    if has_app_context():
        return _make_case(db, org, **values)
    from tests.conftest import CURRENT_APP

    with CURRENT_APP[0].app_context():
        return _make_case(db, org, **values)


def _make_case(db, org, *, text: str = NEPALI, language: str = "ne",
               categories=("recruitment_fees", "identity_documents"), days_ago: float = 0,
               supplier=None, place=None, contact=None) -> Grievance:
    channel = channel_of(db, org)
    supplier_id = None
    if supplier is not None:
        if not db.query(ChannelSupplier).filter_by(channel_id=channel.id,
                                                   supplier_id=supplier.id).count():
            db.add(ChannelSupplier(org_id=org.id, channel_id=channel.id,
                                   supplier_id=supplier.id, public_name=supplier.name[:200]))
            db.flush()
        supplier_id = supplier.id
    grievance, _secret = intake.submit(db, channel=channel, categories=list(categories),
                                       text=text, language=language, supplier_id=supplier_id,
                                       place=place, contact=contact)
    if days_ago:
        grievance.received_at = grievance.received_at - timedelta(days=days_ago)
        grievance.acknowledge_due_on, grievance.answer_due_on = deadlines(
            grievance.received_at.date())
        db.flush()
    return grievance
