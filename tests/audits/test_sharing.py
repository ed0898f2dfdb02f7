"""What each principal is addressed (audits/sharing.py): the assigned auditor only, the
connected supplier organisation once submitted, never another buyer's audits."""

from __future__ import annotations

from audits.models import AUDIT_STATUSES
from audits.sharing import assigned_audits, supplier_audits
from tests.audits.factories import make_action, make_audit, make_auditor, make_finding
from tests.audits.helpers import auth
from tests.factories import make_org, make_user


def _ids(db, rule, user):
    return {a.id for a in db.scalars(rule.query(user))}


def test_assigned_audits_are_the_auditors_own(db, buyer):
    firm = make_org(db, "audit_firm")
    mine, colleague = make_auditor(db, firm), make_auditor(db, firm)
    audit = make_audit(db, buyer, auditor=mine)
    other = make_audit(db, make_org(db, "buyer"), auditor=colleague)
    assert _ids(db, assigned_audits, mine) == {audit.id}
    assert _ids(db, assigned_audits, colleague) == {other.id}


def test_the_supplier_sees_submitted_audits_of_its_connected_records_only(db, buyer):
    supplier_org = make_org(db, "supplier")
    person = make_user(db, supplier_org, "supplier")
    by_status = {s: make_audit(db, buyer, linked_org=supplier_org, status=s)
                 for s in AUDIT_STATUSES}
    second_buyer = make_audit(db, make_org(db, "buyer"), linked_org=supplier_org,
                              status="accepted")
    make_audit(db, make_org(db, "buyer"), status="submitted")  # not connected to it
    assert _ids(db, supplier_audits, person) == {
        by_status["submitted"].id, by_status["accepted"].id, second_buyer.id}
    by_status["submitted"].supplier.linked_org_id = None  # the buyer disconnects
    db.flush()
    assert by_status["submitted"].id not in _ids(db, supplier_audits, person)


def test_one_buyers_findings_never_reach_through_another_buyers_connection(
        client, db, buyer, compliance_user):
    supplier_org = make_org(db, "supplier")
    person = make_user(db, supplier_org, "supplier")
    shared = make_audit(db, buyer, linked_org=supplier_org, status="submitted")
    hidden = make_audit(db, buyer, status="submitted")  # another record of this buyer
    finding = make_finding(db, hidden)
    action = make_action(db, finding)
    planned = make_audit(db, buyer, linked_org=supplier_org, status="in_progress")
    db.commit()
    headers = auth(client, person)
    listed = client.get("/api/v1/audits", headers=headers).json
    assert [a["id"] for a in listed["items"]] == [shared.id]
    assert all("internal_notes" not in a for a in listed["items"])
    for path in (f"/api/v1/audits/{hidden.id}", f"/api/v1/audits/{planned.id}",
                 f"/api/v1/audits/{planned.id}/findings", f"/api/v1/actions/{action.id}"):
        assert client.get(path, headers=headers).status_code == 404, path
    # The buyer's own view is unaffected.
    assert client.get(f"/api/v1/actions/{action.id}",
                      headers=auth(client, compliance_user)).status_code == 200
