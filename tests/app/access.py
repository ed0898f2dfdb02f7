"""Access table of the shell (app/): who may call each route, and how to make the objects its
URL arguments name. Collected by tests/test_access_matrix.py (see its docstring)."""

from __future__ import annotations

from app.access import ANY_USER, PUBLIC

ADMINS = frozenset({"admin"})

ACCESS: dict[str, object] = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "main.dashboard": ANY_USER,
    "main.activity": frozenset({"admin", "compliance"}),
    "auth.login": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.settings": ANY_USER,
    "auth.tokens": ANY_USER,
    "auth.revoke_token": ANY_USER,
    "auth_api.create_token": PUBLIC,
    "auth_api.revoke_current_token": ANY_USER,
    "auth_api.me": ANY_USER,
    "openapi.document": PUBLIC,
    "apidocs.reference": PUBLIC,
    "main.favicon": PUBLIC,
    "jobs_api.get_job": ANY_USER,
    # people, invitations, password reset and the outbox (app/people)
    "people.index": ADMINS,
    "people.invite": ADMINS,
    "people.change_role": ADMINS,
    "people.deactivate": ADMINS,
    "people.reactivate": ADMINS,
    "people.revoke_invitation": ADMINS,
    "people.accept": PUBLIC,
    "people.forgot_password": PUBLIC,
    "people.reset_password": PUBLIC,
    "people_api.list_people": ADMINS,
    "people_api.create_invitation": ADMINS,
    "people_api.update_person": ADMINS,
    "people_api.accept_invitation": PUBLIC,
    "people_api.outbox": ADMINS,
    "outbox.index": ADMINS,
    "outbox.resend_message": ADMINS,
}


def _token_id(db, org, user):
    from app.auth.services import issue_token

    return issue_token(db, user)[0].id


# Makers take (db, org, user) and return the value of a URL argument, owned by `org` (made
# for `user` where it belongs to a person). Key: the argument's name, or (endpoint, name)
# when one endpoint needs a different object.
def _job_id(db, org, user):
    from app.jobs.models import Job

    job = Job(org_id=org.id, user_id=user.id, kind="test.noop", status="done")
    db.add(job)
    db.flush()
    return job.id


def _user_id(db, org, user):
    from app.auth.roles import ROLES_FOR_KIND
    from tests.factories import make_user

    role = sorted(ROLES_FOR_KIND[org.kind] - {"admin"})[0]
    return make_user(db, org, role).id


def _invitation_token(db, org, user):
    from app.auth.roles import ROLES_FOR_KIND
    from app.people.services import invite

    captured: list[str] = []
    invite(db, org=org, actor=user, email=f"invitee{user.id}@example.org",
           role=sorted(ROLES_FOR_KIND[org.kind])[0],
           link_for=lambda raw: captured.append(raw) or f"http://localhost/invitations/{raw}")
    return captured[0]


def _message_id(db, org, user):
    from app.mail import queue_mail

    message = queue_mail(db, org_id=org.id, to="someone@example.org", subject="Hello",
                         template="password_reset",
                         context={"name": "Someone", "email": "someone@example.org",
                                  "link": "http://localhost/x"})
    message.status = "sent"
    db.flush()
    return message.id


def _invitation_id(db, org, user):
    from sqlalchemy import select

    from app.people.models import Invitation

    _invitation_token(db, org, user)
    return db.scalar(select(Invitation.id).where(Invitation.org_id == org.id)
                     .order_by(Invitation.id.desc()))


def _reset_token(db, org, user):
    from app.people.resets import request_password_reset

    captured: list[str] = []
    request_password_reset(db, email=user.email,
                           link_for=lambda raw: captured.append(raw) or f"http://x/{raw}")
    return captured[0]


def _unknown_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


MAKERS: dict[object, object] = {
    "token_id": _token_id,
    "job_id": _job_id,
    "user_id": _user_id,
    "token": _invitation_token,
    ("people.reset_password", "token"): _reset_token,
    "message_id": _message_id,
    "invitation_id": _invitation_id,
}

# Public routes with a secret in the URL are probed with a value nobody owns.
UNKNOWN: dict[str, object] = {"token": _unknown_token}
