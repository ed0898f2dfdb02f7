"""Free text of the audits forms and API: trimmed, bounded, without NUL (PostgreSQL refuses
it; SQLite would store it), a 422 naming the field otherwise."""

from __future__ import annotations

from typing import Any

from app.errors import field_error


def clean_text(value: Any, field: str, limit: int = 10_000, *, required: bool = False
               ) -> str | None:
    """Trimmed text, or None for blank (a 422 when `required`)."""
    text = value.strip() if isinstance(value, str) else None
    if not text:
        if required:
            raise field_error(field, f"{field} is required.")
        return None
    if len(text) > limit or "\x00" in text:
        raise field_error(field, f"{field}: at most {limit:,} characters, without NUL.")
    return text
