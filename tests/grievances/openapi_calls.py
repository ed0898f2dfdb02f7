"""A success call for every grievance API operation (collected by tests/app/test_openapi.py),
from the public channel's (openapi_public.py) and the case handling's (openapi_cases.py)."""

from __future__ import annotations

from tests.grievances import openapi_cases, openapi_public


def success_calls(db, user, client) -> dict:
    return openapi_public.success_calls(db, user, client) | openapi_cases.success_calls(
        db, user, client)
