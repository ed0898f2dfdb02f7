"""Access table of the grievances package (tests/test_access_matrix.py's docstring), assembled
from the public channel's entries (access_public.py) and the case handling's
(access_cases.py)."""

from __future__ import annotations

from tests.grievances import access_cases, access_public

ACCESS: dict[str, object] = {**access_public.ACCESS, **access_cases.ACCESS}
KINDS: dict[str, frozenset[str]] = {**getattr(access_public, "KINDS", {}),
                                    **getattr(access_cases, "KINDS", {})}
MAKERS: dict[object, object] = {**getattr(access_public, "MAKERS", {}),
                                **getattr(access_cases, "MAKERS", {})}
UNKNOWN: dict[str, object] = {**getattr(access_public, "UNKNOWN", {}),
                              **getattr(access_cases, "UNKNOWN", {})}
SHARED: set = set(getattr(access_public, "SHARED", ())) | set(getattr(access_cases, "SHARED",
                                                                      ()))
