"""Fixtures of the portal tests: a buyer's assignment and its link, evidence kept in tmp."""

from __future__ import annotations

import pytest

from tests.questionnaires.factories import make_assignment


@pytest.fixture(autouse=True)
def evidence_folder(app, tmp_path, monkeypatch):
    folder = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_FOLDER", str(folder))
    return folder


@pytest.fixture
def sent(db, buyer):
    """(assignment, raw token) of a recruitment questionnaire just sent."""
    found = make_assignment(db, buyer)
    db.commit()
    return found
