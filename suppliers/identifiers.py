"""Validators for the public identifiers a supplier may carry (LEI, DUNS, Open Supply Hub OS ID),
for the worker counts and for the contact's email address. Each returns the canonical stored
form or raises ValueError whose message is a sentence for the user."""

from __future__ import annotations

import re

__all__ = ["validate_duns", "validate_email", "validate_lei", "validate_os_id",
           "validate_worker_counts", "worker_count_problems"]

_LEI = re.compile(r"[A-Z0-9]{18}[0-9]{2}")
_DUNS_SEPARATORS = re.compile(r"[\s\-.]")
_DUNS = re.compile(r"[0-9]{9}")
_OS_ID = re.compile(r"[A-Z]{2}[0-9]{7}[A-Z0-9]{6}")
# An address mail servers take: RFC 5322 "atext" words (letters of any script too) before
# the @, dot-separated labels after it. No quotes, brackets, spaces or control characters:
# an address ends up in mail headers and on pages, so markup has no business in it.
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"  # letters, digits, inner "-"
_EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+{_LABEL}")


def _text(value: object, label: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{label} must be text.")
    return str(value).strip()


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def validate_lei(value: object) -> str:
    """ISO 17442 Legal Entity Identifier: 20 characters, ISO 7064 MOD 97-10 check digits."""
    lei = _text(value, "LEI").upper()
    if len(lei) != 20:
        raise ValueError(f'LEI must be 20 characters ("{_shown(lei)}" has {len(lei)}).')
    if not _LEI.fullmatch(lei):
        raise ValueError(
            f'LEI "{lei}" is malformed: it must be 18 letters or digits followed by 2 digits.'
        )
    # MOD 97-10: letters become 10..35, the resulting number mod 97 must be 1.
    if int("".join(str(int(ch, 36)) for ch in lei)) % 97 != 1:
        raise ValueError(f'LEI check digits do not match ("{lei}"): look for a typo.')
    return lei


def validate_duns(value: object) -> str:
    """Dun & Bradstreet D-U-N-S number: 9 digits; "15-048-3782" and "150 483 782" are accepted."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9:
        # Excel turns "012345678" into the number 12345678: put the leading zero back.
        return f"{value:09d}"
    duns = _DUNS_SEPARATORS.sub("", _text(value, "DUNS number"))
    if not _DUNS.fullmatch(duns):
        raise ValueError(
            f'DUNS number must be 9 digits, such as "15-048-3782" (got "{_shown(str(value))}").'
        )
    return duns


def validate_os_id(value: object) -> str:
    """Open Supply Hub OS ID: country code, 7 digits, 6 letters or digits ("CN2019303BQ3FZP")."""
    os_id = _text(value, "OS ID").upper()
    if not _OS_ID.fullmatch(os_id):
        raise ValueError(
            f'OS ID "{_shown(os_id)}" is not an Open Supply Hub ID: it must look like '
            '"CN2019303BQ3FZP" (2 letters, 7 digits, 6 letters or digits).'
        )
    return os_id


def validate_email(value: object) -> str:
    """An email address, lower-cased (as accounts and invitations store them)."""
    if not isinstance(value, str):
        raise ValueError("An email address must be text.")
    email = value.strip()
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in email):
        raise ValueError("An email address cannot contain control characters.")
    if len(email) > 254 or not _EMAIL.fullmatch(email) or len(email.split("@")[0]) > 64:
        raise ValueError(f'"{_shown(email)}" is not an email address such as '
                         '"name@example.com".')
    return email.lower()


def worker_count_problems(
    workers: int | None, migrant: int | None, female: int | None
) -> list[tuple[str, str]]:
    """Every (field, message) problem with a set of worker counts; [] when consistent."""
    problems = []
    for field, label, count in (("workers", "Number of workers", workers),
                                ("migrant_workers", "Number of migrant workers", migrant),
                                ("female_workers", "Number of female workers", female)):
        if count is not None and count < 0:
            problems.append((field, f"{label} cannot be negative."))
    if workers is not None and workers >= 0:
        for field, label, count in (("migrant_workers", "Migrant workers", migrant),
                                    ("female_workers", "Female workers", female)):
            if count is not None and count > workers:
                problems.append(
                    (field, f"{label} ({count:,}) cannot be more than total workers ({workers:,}).")
                )
    return problems


def validate_worker_counts(workers: int | None, migrant: int | None, female: int | None) -> None:
    """Raise ValueError naming the first inconsistent count (negative, or above the total)."""
    problems = worker_count_problems(workers, migrant, female)
    if problems:
        raise ValueError(problems[0][1])
