"""Accounts, sign-in sessions and API tokens. Services flush; the caller commits."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from app.activity.services import record, start_chain
from app.auth.models import ApiToken, Organization, User, UserSession
from app.auth.passwords import hash_password, password_problems, verify_password
from app.auth.roles import ORG_KINDS, ROLES, ROLES_FOR_KIND
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed, field_error

TOKEN_PREFIX = "tl_"  # noqa: S105 - a marker, not a secret
SESSION_HOURS = 8


def digest(raw: str) -> str:
    """How every secret Tierlight hands out (tokens, session keys, links) is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise field_error("email", f'"{email}" is not an email address.')
    return email


def create_org(
    session: Session, *, name: str, kind: str, jurisdiction: str | None = None, actor=None
) -> Organization:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise field_error("name", "An organisation name of 1 to 200 characters is required.")
    if kind not in ORG_KINDS:
        raise field_error("kind", f'Kind must be one of {", ".join(ORG_KINDS)}; got "{kind}".')
    jurisdiction = (jurisdiction or "").strip().upper() or None
    if jurisdiction and (len(jurisdiction) != 2 or not jurisdiction.isalpha()):
        raise field_error("jurisdiction", "Jurisdiction is a two-letter code such as UK or AU.")
    if kind == "regulator" and not jurisdiction:
        raise field_error("jurisdiction", "A regulator needs a jurisdiction (UK, AU, CA, ...).")
    if session.scalar(select(Organization.id).where(func.lower(Organization.name) == name.lower())):
        raise Conflict(f'An organisation called "{name}" already exists.')
    org = Organization(name=name, kind=kind, jurisdiction=jurisdiction)
    session.add(org)
    session.flush()
    start_chain(session, org.id)
    record(session, org_id=org.id, actor=actor, action="org.created", obj=org, summary=name)
    return org


def create_user(
    session: Session,
    *,
    org: Organization,
    email: str,
    role: str,
    password: str,
    name: str = "",
    actor=None,
    fast_hash: bool = False,
) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise field_error("role", f'Role must be one of {", ".join(ROLES)}; got "{role}".')
    if role not in ROLES_FOR_KIND[org.kind]:
        allowed = ", ".join(sorted(ROLES_FOR_KIND[org.kind]))
        raise field_error("role", f"A {org.kind} organisation's users can be: {allowed}.")
    problems = password_problems(password, email=email)
    if problems:
        raise ValidationFailed(problems[0], [{"field": "password", "message": p} for p in problems])
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"A user with the email {email} already exists.")
    user = User(
        org_id=org.id,
        email=email,
        role=role,
        name=name.strip()[:200],
        password_hash=hash_password(password, fast=fast_hash),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(
        session, org_id=org.id, actor=actor, action="user.created", obj=user,
        summary=f"{email} ({role})",
    )
    return user


def authenticate(
    session: Session, email: str, password: str, *, lock_threshold: int, lock_minutes: int
) -> User | None:
    """The user for these credentials, or None; the same answer whatever was wrong."""
    email = (email or "").strip().lower()
    user = session.scalar(select(User).where(User.email == email)) if email else None
    now = utcnow()
    ok = verify_password(user.password_hash if user else None, password or "")
    if user is None:
        return None
    if not user.is_active or (user.locked_until and user.locked_until > now):
        return None
    if not ok:
        count_failure(session, user.id, lock_threshold=lock_threshold, lock_minutes=lock_minutes)
        return None
    user.failed_logins = 0
    user.last_login_at = now
    session.flush()
    return user


def count_failure(session: Session, user_id: int, *, lock_threshold: int, lock_minutes: int):
    """One more wrong password; at the threshold the account locks for a while."""
    # In SQL, so that parallel attempts all count (see PITFALLS: lost updates).
    session.execute(
        update(User).where(User.id == user_id).values(failed_logins=User.failed_logins + 1)
    )
    session.execute(
        update(User)
        .where(User.id == user_id, User.failed_logins >= lock_threshold)
        .values(locked_until=utcnow() + timedelta(minutes=lock_minutes), failed_logins=0)
    )


def start_session(session: Session, user: User, *, user_agent: str = "") -> str:
    """Record a new browser session and return its key for the cookie."""
    raw = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            key_hash=digest(raw),
            expires_at=utcnow() + timedelta(hours=SESSION_HOURS),
            user_agent=(user_agent or "")[:300],
        )
    )
    session.flush()
    return raw


def session_is_live(session: Session, raw_key: str | None, user_id: int) -> bool:
    if not raw_key:
        return False
    found = session.scalar(
        select(UserSession.id).where(
            UserSession.key_hash == digest(raw_key),
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
    )
    return found is not None


def end_session(session: Session, raw_key: str | None) -> None:
    if raw_key:
        session.execute(
            update(UserSession)
            .where(UserSession.key_hash == digest(raw_key), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_tokens(session: Session, user_id: int) -> None:
    """Revoke every API token of this user (password or role changed, account disabled)."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(
    session: Session, user: User, *, current: str, new: str, fast_hash: bool = False,
    lock_threshold: int = 10, lock_minutes: int = 15,
) -> None:
    """Guesses of the current password count towards the same lock as sign-in attempts.

    A wrong guess raises ValidationFailed after counting it: the caller commits either way.
    """
    locked_until = session.scalar(select(User.locked_until).where(User.id == user.id))
    if locked_until and locked_until > utcnow():
        raise field_error(
            "current_password", "Too many wrong passwords: try again in a few minutes."
        )
    if not verify_password(user.password_hash, current):
        count_failure(session, user.id, lock_threshold=lock_threshold, lock_minutes=lock_minutes)
        raise field_error("current_password", "The current password is not correct.")
    problems = password_problems(new, email=user.email)
    if problems:
        raise ValidationFailed(
            problems[0], [{"field": "new_password", "message": p} for p in problems]
        )
    user.password_hash = hash_password(new, fast=fast_hash)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    end_all_sessions(session, user.id)
    end_all_tokens(session, user.id)
    record(session, org_id=user.org_id, actor=user, action="user.password_changed", obj=user)


def issue_token(
    session: Session, user: User, *, name: str = "API token", days: int = 90
) -> tuple[ApiToken, str]:
    name = (name or "API token").strip()[:100] or "API token"
    if not 1 <= days <= 366:
        raise field_error("days", "A token lives between 1 and 366 days.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(raw),
        prefix=raw[:10],
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    record(
        session, org_id=user.org_id, actor=user, action="token.created", obj=token,
        object_type="api_token", summary=name,
    )
    return token, raw


@functools.cache
def _token_query():
    # Built once: constructing this select and its cache key cost more than running it.
    return (
        select(ApiToken, User, Organization)
        .join(User, ApiToken.user_id == User.id)
        .join(Organization, User.org_id == Organization.id)
        .where(ApiToken.token_hash == bindparam("digest"))
        .options(lazyload(ApiToken.user), lazyload(User.organization))
    )


def user_for_token(session: Session, raw: str) -> tuple[User, ApiToken] | None:
    """The live token and its active user, checked on every request.

    One query for token, user and organisation, loaded as plain entities and linked by hand:
    the relationships' nested joined eager loading costs about half again as much.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(_token_query(), {"digest": digest(raw)}).first()
    if row is None:
        return None
    token, user, org = row
    set_committed_value(token, "user", user)  # linked as the eager loads would have
    set_committed_value(user, "organization", org)
    if token.revoked_at or token.expires_at <= utcnow() or not user.is_active:
        return None
    return user, token


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such API token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(
            session, org_id=user.org_id, actor=user, action="token.revoked", obj=token,
            object_type="api_token", summary=token.name,
        )
    session.flush()
    return token


def touch_token(session: Session, token_id: int, when: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when))
