"""Access entries of the grievances package's cases routes (merged in access.py)."""

from __future__ import annotations

ACCESS: dict[str, object] = {}
KINDS: dict[str, frozenset[str]] = {}
MAKERS: dict[object, object] = {}
