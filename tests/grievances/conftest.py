"""Fixtures of the grievance tests: the services read the encryption keys from the app, so
each test runs inside an application context."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
