"""Grievance text encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256, from the
`cryptography` library), with key rotation.

GRIEVANCE_KEYS (app/config.py) lists keys newest first: the first encrypts, all decrypt, so a
new key can be put first without losing old cases; `rotate` re-encrypts a token under the
newest key (`flask grievances rotate-keys` does it for every stored token), after which the
old key can be dropped.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class UnreadableText(RuntimeError):
    """A stored token that no configured key opens (a key was dropped too early)."""


def _box() -> MultiFernet:
    keys = current_app.config["GRIEVANCE_KEYS"]
    cache = current_app.extensions.setdefault("tierlight_grievance_box", {})
    box = cache.get(tuple(keys))
    if box is None:
        box = cache[tuple(keys)] = MultiFernet([Fernet(k) for k in keys])
    return box


def seal(text: str | None) -> bytes | None:
    """Encrypt; None and "" stay None (nothing to keep)."""
    if not text:
        return None
    return _box().encrypt(text.encode("utf-8"))


def open_text(token: bytes | None) -> str | None:
    if token is None:
        return None
    try:
        return _box().decrypt(bytes(token)).decode("utf-8")
    except InvalidToken:
        raise UnreadableText("This text was encrypted with a key that is no longer "
                             "configured (TIERLIGHT_GRIEVANCE_KEYS).") from None


def rotate(token: bytes | None) -> bytes | None:
    return None if token is None else _box().rotate(bytes(token))
