"""Password reset by email: single use, one hour, the same answer for every address.

Services flush; the caller commits. Tokens are stored only as SHA-256 hashes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.activity.services import record
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.services import digest
from app.db import utcnow
from app.errors import NotFound
from app.mail import queue_mail, render
from app.people.models import PasswordReset
from app.people.services import LinkFor, check_password, end_access, has_control, new_token

RESET_MINUTES = 60
RESETS_PER_HOUR = 3  # per account, whatever the number of addresses asking


def request_password_reset(session: Session, *, email: str, link_for: LinkFor) -> None:
    """Email a reset link if an active account has this address; silent either way.

    The same work (a token, a rendered message) happens for unknown addresses, so the answer
    and its timing do not tell whether an account exists.
    """
    email = (email or "").strip().lower()[:254]
    usable = "@" in email and not has_control(email)
    user = session.scalar(select(User).where(User.email == email)) if usable else None
    raw = new_token()
    context = {"name": "there", "email": email, "link": link_for(raw)}
    if user is None or not user.is_active:
        render("password_reset", context)
        return
    now = utcnow()
    recent = session.scalar(
        select(func.count(PasswordReset.id)).where(
            PasswordReset.user_id == user.id,
            PasswordReset.created_at > now - timedelta(hours=1),
        )
    )
    if recent >= RESETS_PER_HOUR:
        record(session, org_id=user.org_id, actor=None, action="password_reset.throttled",
               obj=user, summary=user.email)
        return
    reset = PasswordReset(
        user_id=user.id, token_hash=digest(raw), created_at=now,
        expires_at=now + timedelta(minutes=RESET_MINUTES),
    )
    session.add(reset)
    session.flush()
    queue_mail(
        session, org_id=user.org_id, to=user.email, subject="Reset your Tierlight password",
        template="password_reset", related=user,
        context={**context, "name": user.name or user.email},
    )
    record(session, org_id=user.org_id, actor=None, action="password_reset.requested",
           obj=user, summary=user.email)


def open_reset(session: Session, raw: str) -> PasswordReset:
    reset = None
    if raw and len(raw) <= 200:
        reset = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(raw)))
    if (
        reset is None or reset.used_at is not None or reset.expires_at <= utcnow()
        or not reset.user.is_active
    ):
        raise NotFound(
            "This password-reset link is not valid: it has expired (links last one hour), "
            "was already used, or was copied incompletely. Ask for a new one."
        )
    return reset


def reset_password(session: Session, raw: str, *, password: str, fast_hash: bool = False) -> User:
    reset = open_reset(session, raw)
    user = reset.user
    check_password(password, user.email)
    now = utcnow()
    claimed = session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise NotFound("This password-reset link was already used.")
    # Every other link of this account dies with this one.
    session.execute(
        update(PasswordReset).where(PasswordReset.user_id == user.id,
                                    PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    user.password_hash = hash_password(password, fast=fast_hash)
    user.password_changed_at = now
    user.failed_logins, user.locked_until = 0, None
    end_access(session, user)
    session.flush()
    record(session, org_id=user.org_id, actor=user, action="password_reset.completed",
           obj=user, summary=user.email)
    return user
