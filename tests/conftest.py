"""Test set-up: one migrated database per run; every test inside a rolled-back transaction.

SQLite by default; set TEST_DATABASE_URL (postgresql+psycopg://...) to run on PostgreSQL.
"""

from __future__ import annotations

import os
import re

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from app import create_app
from app.db import get_db
from app.migrations import alembic_config
from tests.factories import PASSWORD, make_org, make_user


def _database_url(tmp_root) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_root / 'test.db'}"


# The session's app, for helpers that run outside a test's app (access-table makers that call
# services needing configuration, such as the questionnaire link's key).
CURRENT_APP: list = []
TEST_GRIEVANCE_KEY = "dGllcmxpZ2h0LXRlc3QtZ3JpZXZhbmNlLWtleS0wMDE="
OLD_GRIEVANCE_KEY = "dGllcmxpZ2h0LW9sZC1ncmlldmFuY2Uta2V5LTAwMDA="


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("tierlight")
    url = _database_url(root)
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "INSTANCE_PATH": str(root),
            "UPLOAD_FOLDER": str(root / "uploads"),
            "EVIDENCE_FOLDER": str(root / "evidence"),
            "REPORTS_FOLDER": str(root / "reports"),
            # grievance text: the second key is an older one, still read (key rotation)
            "GRIEVANCE_KEYS": [TEST_GRIEVANCE_KEY, OLD_GRIEVANCE_KEY],
            "PASSWORD_HASH_FAST": True,
            "QUEUE_IMMEDIATE": True,  # jobs run at once; tests of the worker start real ones
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "100000 per minute",  # the throttling test lowers it
            "RATELIMIT_STORAGE_URI": "memory://",
            "RISK_RECOMPUTE_ON_CHANGE": False,  # tests/risk/test_queue.py turns it on
        }
    )
    engine = get_db(application).engine
    if engine.dialect.name == "postgresql":
        # A fresh schema every run: the migrations are tested from empty each time.
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with application.app_context():
        command.upgrade(alembic_config(url), "head")
    CURRENT_APP[:] = [application]
    yield application
    engine.dispose()


@pytest.fixture(autouse=True)
def _limiter_follows_the_test_app(app):
    # Flask-Limiter keeps `enabled` on its one global instance, so an app a test builds
    # in-process with RATELIMIT_ENABLED False would switch limits off for every later test.
    from app.security import limiter

    limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture
def db(app):
    """A session inside a transaction that is rolled back after the test; requests share it."""
    database = get_db(app)
    # The outer transaction takes SQLite's write lock as write requests do (BEGIN IMMEDIATE);
    # Database.new_session then refuses a second write transaction and writes in reads.
    conn = database.engine.connect().execution_options(sqlite_immediate=True)
    outer = conn.begin()
    database.test_connection = conn
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        database.test_connection = None
        outer.rollback()
        conn.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def buyer(db):
    return make_org(db, "buyer")


@pytest.fixture
def compliance_user(db, buyer):
    user = make_user(db, buyer, "compliance")
    db.commit()
    return user


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


def login(client, email: str, password: str = PASSWORD):
    data = {"email": email, "password": password}
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_from(client.get("/login").text)
    return client.post("/login", data=data)


@pytest.fixture
def logged_in(client, compliance_user):
    response = login(client, compliance_user.email)
    assert response.status_code == 302, response.text
    return client


def token_for(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json['token']}"}


def form_token(client, path: str) -> str:
    return csrf_from(client.get(path).text)
