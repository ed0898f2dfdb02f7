"""People and invitations. Services flush; the caller commits (password resets: resets.py).

Links carry a random token; the database keeps only its SHA-256, so a copy of the database
opens nothing. Every step is recorded in the activity log.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.auth.models import Organization, User
from app.auth.passwords import password_problems
from app.auth.roles import ROLE_LABELS, ROLES_FOR_KIND
from app.auth.services import (
    create_user,
    digest,
    end_all_sessions,
    end_all_tokens,
    normalise_email,
)
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.mail import queue_mail
from app.people.models import Invitation

INVITATION_DAYS = 7
LinkFor = Callable[[str], str]  # raw token -> absolute URL of the page that takes it


def new_token() -> str:
    return secrets.token_urlsafe(32)


def has_control(text: str) -> bool:
    # PostgreSQL refuses NUL in text and SQLite stores it (PITFALLS): refuse both up front.
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def clean_email(value: object) -> str:
    if not isinstance(value, str) or has_control(value) or " " in value.strip():
        raise field_error("email", "An email address without spaces or control characters.")
    return normalise_email(value)


def _clean_name(value: object) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > 200 or has_control(name):
        raise field_error("name", "Your name, 1 to 200 characters, is required.")
    return name


def check_password(password: object, email: str) -> None:
    password = password if isinstance(password, str) else ""
    problems = password_problems(password, email=email)
    if has_control(password):
        problems.append("The password cannot contain control characters.")
    if problems:
        raise ValidationFailed(problems[0], [{"field": "password", "message": p} for p in problems])


def _when(value) -> str:
    return value.strftime("%d %b %Y %H:%M UTC")


def end_access(session: Session, user: User) -> None:
    end_all_sessions(session, user.id)
    end_all_tokens(session, user.id)


# --- purposes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purpose:
    """What accepting an invitation does. Packages register theirs (register_purpose).

    `roles(org)` are the roles an invitation of this purpose may carry; `accept(session,
    invitation, name=..., password=..., fast_hash=..., **answers)` creates or links the
    account and returns the user. `fields` names the extra answers accepting takes (passed
    as keywords, None when not given); `page` is the endpoint of the package's own page for
    these links (people.accept sends the person there).
    """

    name: str
    roles: Callable[[Organization], frozenset[str]]
    accept: Callable[..., User]
    fields: tuple[str, ...] = ()
    page: str | None = None
    # How people.accept words the invitation, for purposes that are not "join the inviter's
    # organisation": wording(session, invitation) -> AcceptWording. None: "Join <org>".
    wording: Callable[[Session, Invitation], AcceptWording] | None = None
    # Where the new account lands once signed in: landing(invitation) -> (endpoint, values),
    # or None for the dashboard.
    landing: Callable[[Invitation], tuple[str, dict[str, Any]] | None] | None = None


@dataclass(frozen=True)
class AcceptWording:
    """The acceptance page's title and the paragraph under it (plain text: escaped)."""

    title: str
    intro: str


@dataclass(frozen=True)
class InvitationMail:
    """The email of an invitation that is not to join the inviter's organisation; `context`
    gets `link` and `expires` added."""

    subject: str
    template: str
    context: Mapping[str, Any]


PURPOSES: dict[str, Purpose] = {}


def register_purpose(purpose: Purpose) -> None:
    PURPOSES[purpose.name] = purpose


def _join_org(
    session: Session, invitation: Invitation, *, name: str, password: str, fast_hash: bool
) -> User:
    return create_user(
        session, org=invitation.organization, email=invitation.email, role=invitation.role,
        password=password, name=name, fast_hash=fast_hash,
    )


register_purpose(Purpose("join_org", lambda org: ROLES_FOR_KIND[org.kind], _join_org))


# --- people --------------------------------------------------------------------------------


def people_query(org_id: int):
    return select(User).where(User.org_id == org_id).order_by(User.is_active.desc(), User.email)


def _other_active_admins(session: Session, user: User) -> int:
    # The organisation row is the lock: two admins demoting each other at once queue up here
    # (PostgreSQL), and the second counts after the first has committed. SQLite write
    # transactions are serialised already (BEGIN IMMEDIATE).
    session.execute(
        select(Organization.id).where(Organization.id == user.org_id).with_for_update()
    )
    return session.scalar(
        select(func.count(User.id)).where(
            User.org_id == user.org_id, User.role == "admin", User.is_active.is_(True),
            User.id != user.id,
        )
    ) or 0


def _guard_last_admin(session: Session, user: User, what: str) -> None:
    if user.role == "admin" and user.is_active and _other_active_admins(session, user) == 0:
        raise Conflict(
            f"{user.email} is the organisation's last active administrator and cannot be "
            f"{what}. Make someone else an administrator first."
        )


def change_role(session: Session, *, actor: User, user: User, role: str) -> User:
    allowed = ROLES_FOR_KIND[user.organization.kind]
    if role not in allowed:
        raise field_error(
            "role", f"A {user.organization.kind.replace('_', ' ')} organisation's people can be: "
            f"{', '.join(sorted(allowed))}; got \"{role}\"."
        )
    if role == user.role:
        return user
    if role != "admin":
        _guard_last_admin(session, user, "demoted")
    before = user.role
    user.role = role
    end_access(session, user)
    session.flush()
    record(
        session, org_id=user.org_id, actor=actor, action="user.role_changed", obj=user,
        summary=f"{user.email}: {before} -> {role}", details={"from": before, "to": role},
    )
    return user


def set_active(session: Session, *, actor: User, user: User, active: bool) -> User:
    if active == user.is_active:
        return user
    if not active:
        _guard_last_admin(session, user, "deactivated")
        user.is_active = False
        end_access(session, user)
    else:
        user.is_active = True
    session.flush()
    record(
        session, org_id=user.org_id, actor=actor,
        action="user.reactivated" if active else "user.deactivated", obj=user,
        summary=user.email,
    )
    return user


# --- invitations ---------------------------------------------------------------------------


def invite(
    session: Session,
    *,
    org: Organization,
    actor: User,
    email: str,
    role: str,
    link_for: LinkFor,
    purpose: str = "join_org",
    data: dict[str, Any] | None = None,
    mail: InvitationMail | None = None,
    replace: bool = True,
) -> Invitation:
    """Invite someone by email; the single-use link goes through the outbox.

    `replace`: the new invitation revokes older open ones of the same purpose to the same
    address (a purpose whose invitations differ by `data` replaces its own instead)."""
    email = clean_email(email)
    handler = PURPOSES.get(purpose)
    if handler is None:
        raise field_error("purpose", f'Unknown invitation purpose "{purpose}".')
    allowed = handler.roles(org)
    if role not in allowed:
        raise field_error("role", f"Role must be one of {', '.join(sorted(allowed))}.")
    if purpose == "join_org" and session.scalar(
        select(User.id).where(User.org_id == org.id, User.email == email)
    ):
        raise Conflict(f"{email} already belongs to {org.name}.")
    now = utcnow()
    if replace:  # the newest invitation of the same kind replaces older ones still open
        session.execute(
            update(Invitation)
            .where(Invitation.org_id == org.id, Invitation.email == email,
                   Invitation.purpose == purpose, Invitation.accepted_at.is_(None),
                   Invitation.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    raw = new_token()
    invitation = Invitation(
        org_id=org.id, email=email, role=role, purpose=purpose, data=data or {},
        token_hash=digest(raw), invited_by_id=actor.id, created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.flush()
    mail = mail or InvitationMail(
        subject=f"Invitation to join {org.name} on Tierlight", template="invitation",
        context={"inviter": actor.name or actor.email, "org_name": org.name,
                 "role_label": ROLE_LABELS.get(role, role)},
    )
    queue_mail(
        session, org_id=org.id, to=email, subject=mail.subject, template=mail.template,
        related=invitation, actor=actor,
        context={**mail.context, "link": link_for(raw), "expires": _when(invitation.expires_at)},
    )
    record(
        session, org_id=org.id, actor=actor, action="invitation.created", obj=invitation,
        summary=f"{email} as {role} ({purpose})", details={"purpose": purpose, "role": role},
    )
    return invitation


def revoke_invitation(session: Session, *, actor: User, invitation: Invitation) -> Invitation:
    if invitation.status != "pending":
        raise Conflict(f"This invitation is {invitation.status} already.")
    invitation.revoked_at = utcnow()
    session.flush()
    record(
        session, org_id=invitation.org_id, actor=actor, action="invitation.revoked",
        obj=invitation, summary=invitation.email,
    )
    return invitation


def open_invitation(session: Session, raw: str) -> Invitation:
    """The pending invitation for a raw token; NotFound for used, expired or unknown ones."""
    invitation = None
    if raw and len(raw) <= 200:
        invitation = session.scalar(
            select(Invitation).where(Invitation.token_hash == digest(raw))
        )
    if invitation is None or invitation.status != "pending":
        raise NotFound(
            "This invitation link is not valid: it has expired, was already used or "
            "replaced, or was copied incompletely. Ask the person who invited you for a new one."
        )
    return invitation


def existing_account(session: Session, invitation: Invitation) -> User | None:
    if invitation.purpose != "join_org":
        return None  # other purposes decide for themselves whether an account may link
    return session.scalar(select(User).where(User.email == invitation.email))


def claim_invitation(session: Session, invitation: Invitation) -> None:
    """Mark the invitation used. A conditional update: of two racing accepts, exactly one
    claims it; the other gets NotFound."""
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(accepted_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise NotFound("This invitation link was already used.")


def _answers(purpose: Purpose, given: Mapping[str, Any] | None) -> dict[str, Any]:
    given = {k: v for k, v in (given or {}).items() if v not in (None, "")}
    unknown = sorted(set(given) - set(purpose.fields))
    if unknown:
        raise field_error(unknown[0], "This invitation does not take this field; leave it out.")
    return {key: given.get(key) for key in purpose.fields}


def accept_invitation(
    session: Session, raw: str, *, name: str, password: str, fast_hash: bool = False,
    answers: Mapping[str, Any] | None = None,
) -> User:
    """Accept with a new account; `answers` are the purpose's extra fields (Purpose.fields)."""
    invitation = open_invitation(session, raw)
    purpose = PURPOSES[invitation.purpose]
    name = _clean_name(name)
    extra = _answers(purpose, answers)
    if existing_account(session, invitation) is not None:
        raise Conflict(
            f"{invitation.email} already has a Tierlight account. Sign in with it, or ask "
            "for an invitation to another address: one address belongs to one organisation."
        )
    check_password(password, invitation.email)
    claim_invitation(session, invitation)
    user = purpose.accept(
        session, invitation, name=name, password=password, fast_hash=fast_hash, **extra
    )
    invitation.accepted_user_id = user.id
    session.flush()
    record(
        session, org_id=invitation.org_id, actor=user, action="invitation.accepted",
        obj=invitation, summary=f"{user.email} ({invitation.purpose})",
    )
    return user
