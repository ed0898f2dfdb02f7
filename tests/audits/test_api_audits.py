"""Audits through the API: planning, assigning or inviting the auditor, status, who sees what."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from audits.models import Audit
from tests.audits.factories import make_audit, make_auditor
from tests.audits.helpers import auth
from tests.conftest import token_for
from tests.conftest_mail import link_in
from tests.factories import make_org, make_user
from tests.suppliers.factories import make_supplier


def _plan(client, headers, supplier, email, **extra):
    return client.post("/api/v1/audits", headers=headers, json={
        "supplier_id": supplier.id, "scheme": "SMETA 4-pillar", "scheme_variant": "4-pillar",
        "audit_date": "2026-12-08", "auditor_email": email,
        "internal_notes": "Budget approved; keep away from the supplier.", **extra})


def test_an_auditor_with_an_account_is_assigned_and_never_sees_internal_notes(
        client, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    auditor = make_auditor(db)
    db.commit()
    created = _plan(client, auth(client, compliance_user), supplier, auditor.email.upper())
    assert created.status_code == 201, created.json
    body = created.json
    assert body["scheme"] == "SMETA" and body["scheme_variant"] == "4-pillar"
    assert body["auditor_assigned"] is True and body["status"] == "planned"
    assert body["internal_notes"].startswith("Budget approved")
    assert body["audit_firm"] == auditor.organization.name
    seen = client.get(f"/api/v1/audits/{body['id']}", headers=auth(client, auditor))
    assert seen.status_code == 200
    assert "internal_notes" not in seen.json and seen.json["supplier_id"] == supplier.id
    listed = client.get("/api/v1/audits", headers=auth(client, auditor)).json
    assert [a["id"] for a in listed["items"]] == [body["id"]]


def test_an_address_without_an_account_is_invited_to_a_new_firm_and_becomes_its_admin(
        client, db, buyer, compliance_user, smtp):
    supplier = make_supplier(db, buyer)
    db.commit()
    headers = auth(client, compliance_user)
    missing_firm = _plan(client, headers, supplier, "lena@fairaudit.example")
    assert missing_firm.status_code == 422
    assert missing_firm.json["error"]["details"][0]["field"] == "audit_firm"
    created = _plan(client, headers, supplier, "lena@fairaudit.example",
                    audit_firm="Fair Audit Partners")
    assert created.status_code == 201, created.json
    assert created.json["auditor_assigned"] is False
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "lena@fairaudit.example"
    assert "SMETA" in mail["Subject"] or "audit" in mail["Subject"].lower()
    token = link_in(mail, "/invitations/").rsplit("/", 1)[-1]
    accepted = client.post(f"/api/v1/invitations/{token}/accept",
                           json={"name": "Lena Fischer", "password": "lantern-orchard-77"})
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["organization"]["kind"] == "audit_firm"
    assert accepted.json["organization"]["name"] == "Fair Audit Partners"
    assert accepted.json["role"] == "admin"  # a new firm's first person manages its people
    user = db.scalar(select(User).where(User.email == "lena@fairaudit.example"))
    audit = db.get(Audit, created.json["id"])
    db.refresh(audit)
    assert audit.auditor_user_id == user.id and audit.audit_firm_org_id == user.org_id
    headers = token_for(client, user.email, "lantern-orchard-77")
    seen = client.get(f"/api/v1/audits/{audit.id}", headers=headers)
    assert seen.status_code == 200 and seen.json["auditor_assigned"] is True


def test_joining_an_existing_firm_makes_an_auditor(client, db, buyer, compliance_user, smtp):
    firm = make_org(db, "audit_firm", name="Clearview Social Audits")
    supplier = make_supplier(db, buyer)
    db.commit()
    created = _plan(client, auth(client, compliance_user), supplier, "sam@clearview.example",
                    audit_firm="clearview social audits")
    assert created.status_code == 201, created.json
    assert created.json["audit_firm"] == "Clearview Social Audits"
    token = link_in(smtp.wait_for(1)[0], "/invitations/").rsplit("/", 1)[-1]
    accepted = client.post(f"/api/v1/invitations/{token}/accept",
                           json={"name": "Sam Okafor", "password": "lantern-orchard-77"})
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["role"] == "auditor"
    assert accepted.json["organization"]["id"] == firm.id


def test_an_address_of_a_non_audit_firm_is_422_naming_auditor_email(
        client, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    supplier_person = make_user(db, make_org(db, "supplier"), "supplier")
    db.commit()
    headers = auth(client, compliance_user)
    for email in (compliance_user.email, supplier_person.email):
        refused = _plan(client, headers, supplier, email, audit_firm="Anything")
        assert refused.status_code == 422, refused.json
        assert refused.json["error"]["details"][0]["field"] == "auditor_email"
    not_a_firm = _plan(client, headers, supplier, "new@x.example",
                       audit_firm=supplier_person.organization.name)
    assert not_a_firm.status_code == 422
    assert not_a_firm.json["error"]["details"][0]["field"] == "audit_firm"
    bad_scheme = client.post("/api/v1/audits", headers=headers, json={
        "supplier_id": supplier.id, "scheme": "ISO 9001", "audit_date": "2026-12-08",
        "auditor_email": "a@b.example"})
    assert bad_scheme.status_code == 422
    assert bad_scheme.json["error"]["details"][0]["field"] == "scheme"
    other = make_supplier(db, make_org(db, "buyer"))
    db.commit()
    assert _plan(client, headers, other, "a@b.example").status_code == 404
    assert db.scalar(select(Audit.id).where(Audit.org_id == buyer.id)) is None


def test_status_moves_auditor_submits_and_compliance_accepts(client, db, buyer, compliance_user):
    auditor = make_auditor(db)
    audit = make_audit(db, buyer, auditor=auditor)
    db.commit()
    as_auditor, as_buyer = auth(client, auditor), auth(client, compliance_user)
    url = f"/api/v1/audits/{audit.id}/status"
    skipped = client.post(url, headers=as_auditor, json={"to": "submitted"})
    assert skipped.status_code == 409 and "in progress" in skipped.json["error"]["message"]
    assert client.post(url, headers=as_auditor, json={"to": "in_progress"}).status_code == 200
    assert client.post(url, headers=as_buyer, json={"to": "submitted"}).status_code == 403
    assert client.post(url, headers=as_auditor, json={"to": "submitted"}).status_code == 200
    assert client.post(url, headers=as_auditor, json={"to": "accepted"}).status_code == 403
    done = client.post(url, headers=as_buyer, json={"to": "accepted"})
    assert done.status_code == 200 and done.json["status"] == "accepted"
    assert done.json["accepted_at"] and done.json["submitted_at"]


def test_another_auditor_of_the_same_firm_gets_404_everywhere(client, db, buyer):
    firm = make_org(db, "audit_firm")
    assigned, colleague = make_auditor(db, firm), make_auditor(db, firm)
    firm_admin = make_user(db, firm, "admin")
    audit = make_audit(db, buyer, auditor=assigned)
    db.commit()
    for person in (colleague, firm_admin):
        headers = auth(client, person)
        for path in (f"/api/v1/audits/{audit.id}", f"/api/v1/audits/{audit.id}/findings"):
            assert client.get(path, headers=headers).status_code == 404, (person.role, path)
        posted = client.post(f"/api/v1/audits/{audit.id}/findings", headers=headers,
                             json={"description": "x", "scheme_severity": "Major"})
        assert posted.status_code == 404
        assert client.get("/api/v1/audits", headers=headers).json["total"] == 0
    assert client.get(f"/api/v1/audits/{audit.id}",
                      headers=auth(client, assigned)).status_code == 200


def test_one_acceptance_assigns_every_audit_waiting_for_the_address_at_that_firm(
        client, db, buyer, compliance_user, smtp):
    other_buyer = make_org(db, "buyer")
    other_person = make_user(db, other_buyer, "compliance")
    mine, theirs = make_supplier(db, buyer), make_supplier(db, other_buyer)
    db.commit()
    first = _plan(client, auth(client, compliance_user), mine, "ana@verita.example",
                  audit_firm="Verita Audits")
    second = _plan(client, auth(client, other_person), theirs, "ana@verita.example",
                   audit_firm="Verita Audits")
    elsewhere = _plan(client, auth(client, other_person), theirs, "ana@verita.example",
                      audit_firm="Another Firm")
    mails = smtp.wait_for(3)
    token = link_in(mails[0], "/invitations/").rsplit("/", 1)[-1]
    accepted = client.post(f"/api/v1/invitations/{token}/accept",
                           json={"name": "Ana Silva", "password": "lantern-orchard-77"})
    assert accepted.status_code == 201, accepted.json
    db.expire_all()
    user_id = accepted.json["id"]
    assert db.get(Audit, first.json["id"]).auditor_user_id == user_id
    assert db.get(Audit, second.json["id"]).auditor_user_id == user_id
    assert db.get(Audit, elsewhere.json["id"]).auditor_user_id is None
    used_again = client.post(
        "/api/v1/invitations/" + link_in(mails[1], "/invitations/").rsplit("/", 1)[-1]
        + "/accept", json={"name": "Ana", "password": "lantern-orchard-77"})
    assert used_again.status_code == 404  # that invitation has nothing left to do
