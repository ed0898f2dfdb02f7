"""The factory's links are the ones the app makes: with or without an app context."""

from __future__ import annotations

from flask import has_app_context

from questionnaires.services import by_token, token_of
from tests.questionnaires.factories import make_assignment


def test_a_factory_link_is_the_apps_link(app, db, buyer):
    assert not has_app_context()  # as in the access matrix's makers
    a, raw = make_assignment(db, buyer)
    with app.app_context():
        assert token_of(a) == raw  # the test key in the factory is conftest's key
        assert by_token(db, raw) is a
        b, raw_b = make_assignment(db, buyer)
        assert token_of(b) == raw_b
