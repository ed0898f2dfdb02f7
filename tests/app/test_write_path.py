"""The unit suite takes the write path as production does: one write transaction per request.

Tests share one connection, so SQLite's lock cannot make a second write transaction wait; the
test session factory refuses it instead, and refuses writes in a read request's session.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from app.auth.models import ApiToken
from app.db import SecondWriteTransaction, WriteInReadSession, get_db, make_engine, utcnow
from tests.conftest import token_for


def test_the_test_transaction_holds_the_write_lock(app, db):
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's lock only")
    db.execute(text("SELECT 1"))
    other = make_engine(app.config["DATABASE_URL"], busy_timeout=0.05)
    try:
        conn = other.connect().execution_options(sqlite_immediate=True)
        with pytest.raises(Exception, match="locked"):
            conn.begin()
        conn.close()
    finally:
        other.dispose()


def test_a_second_write_session_is_refused_while_one_is_open(app, db):
    database = get_db(app)
    first = database.new_session(write=True)
    try:
        first.execute(text("SELECT 1"))
        with pytest.raises(SecondWriteTransaction):
            database.new_session(write=True)
        first.commit()
        database.new_session(write=True).close()  # after the first ended, fine
    finally:
        first.close()


def test_a_read_session_refuses_to_write(app, db, compliance_user):
    reader = get_db(app).new_session(write=False)
    try:
        with pytest.raises(WriteInReadSession):
            reader.execute(update(ApiToken).values(name="x"))
    finally:
        reader.close()


def _make_stale(db, user_id: int) -> int:
    token_id = db.scalar(select(ApiToken.id).where(ApiToken.user_id == user_id))
    db.execute(update(ApiToken).where(ApiToken.id == token_id)
               .values(last_used_at=utcnow() - timedelta(minutes=10)))
    db.commit()
    return token_id


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/api/v1/suppliers", {}, 422),  # fails: the request's transaction rolls back
        ("POST", "/api/v1/suppliers", {"name": "Lamp Mill", "country": "IN"}, 201),
        ("GET", "/api/v1/me", None, 200),
    ],
)
def test_a_stale_token_is_stamped_in_one_write_transaction(
    client, db, compliance_user, method, path, body, status
):
    headers = token_for(client, compliance_user.email)
    token_id = _make_stale(db, compliance_user.id)
    response = client.open(path, method=method, json=body, headers=headers)
    assert response.status_code == status, response.text
    db.expire_all()
    stamped = db.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))
    assert stamped is not None and utcnow() - stamped < timedelta(minutes=1)
