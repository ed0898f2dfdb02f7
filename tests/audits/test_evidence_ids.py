"""A deleted evidence file's id is never given to another file (schemathesis found SQLite
reusing the highest rowid: a saved link to a deleted file then opened someone else's)."""

from __future__ import annotations

from tests.audits.factories import make_audit, make_evidence, make_finding


def test_a_deleted_files_id_is_not_reused(db, buyer):
    finding = make_finding(db, make_audit(db, buyer))
    first = make_evidence(db, finding)
    gone = make_evidence(db, finding)
    gone_id = gone.id
    db.delete(gone)
    db.flush()
    again = make_evidence(db, finding)
    assert again.id > gone_id > first.id
