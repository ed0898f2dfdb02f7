"""Password hashing (argon2id) and the password policy. Pure: no Flask, no database."""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256

# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, 64 MiB, p=4),
# about 0.1 s a verify here. Tests use a cheap profile; production never does.
_STRONG = PasswordHasher()
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _STRONG.hash("tierlight-timing-equaliser")


def hasher(fast: bool = False) -> PasswordHasher:
    return _FAST if fast else _STRONG


def hash_password(password: str, *, fast: bool = False) -> str:
    return hasher(fast).hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-shape check: an unknown user still costs one full verify."""
    try:
        return _STRONG.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Why a password is refused (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    local = email.split("@")[0].lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        problems.append("This password is too common; choose a less predictable one.")
    elif len(local) >= 4 and local in lowered:
        problems.append("The password must not contain your email address.")
    return problems
