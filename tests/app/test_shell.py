"""The shell: migrations match the models, errors, health, CLI, configuration."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from app.auth.models import Organization, User
from app.cli import orgs_create, seed_demo_command, users_create
from app.config import ConfigError, load_config
from app.db import Base


def test_migrated_database_matches_models(db):
    context = MigrationContext.configure(db.connection(), opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    error = response.json["error"]
    assert error["code"] == "not_found" and error["request_id"]


def test_unknown_page_is_html_404(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "Request id" in response.text


def test_anonymous_page_redirects_to_login(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc12345-trace"})
    assert response.headers["X-Request-ID"] == "abc12345-trace"


def test_cli_creates_org_and_user(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(orgs_create, ["Kowloon Buyers Ltd", "--kind", "buyer"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        users_create,
        ["ops@kowloon.example", "--org", "Kowloon Buyers Ltd", "--role", "compliance"],
        input="granite-sparrow-1977\ngranite-sparrow-1977\n",
    )
    assert result.exit_code == 0, result.output
    user = db.scalar(select(User).where(User.email == "ops@kowloon.example"))
    assert user.org.name == "Kowloon Buyers Ltd"


def test_cli_refuses_bad_input_with_message(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(orgs_create, ["Ofcom", "--kind", "regulator"])
    assert result.exit_code == 1
    assert "jurisdiction" in result.output
    runner.invoke(orgs_create, ["Short Pw Org", "--kind", "buyer"])
    result = runner.invoke(
        users_create,
        ["a@short.example", "--org", "Short Pw Org", "--role", "compliance", "--password", "x"],
    )
    assert result.exit_code == 1 and "12 characters" in result.output
    result = runner.invoke(
        users_create,
        ["a@short.example", "--org", "Short Pw Org", "--role", "auditor",
         "--password", "granite-sparrow-1977"],
    )
    assert result.exit_code == 1 and "buyer organisation" in result.output


def test_seed_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(seed_demo_command)
    assert first.exit_code == 0, first.output
    counts = db.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1))
    second = runner.invoke(seed_demo_command)
    assert second.exit_code == 0
    assert db.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1)) == counts
    assert "compliance@northwind.example" in second.output


def test_production_refuses_sqlite_and_missing_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("TIERLIGHT_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TIERLIGHT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SQLite"):
        load_config()
    monkeypatch.setenv("TIERLIGHT_ALLOW_SQLITE", "1")
    monkeypatch.setenv("AUDIT_LOG_KEY", "k" * 40)
    monkeypatch.delenv("TIERLIGHT_GRIEVANCE_KEYS", raising=False)
    with pytest.raises(ConfigError, match="GRIEVANCE_KEYS"):
        load_config()
    monkeypatch.setenv("TIERLIGHT_GRIEVANCE_KEYS", "not a fernet key")
    with pytest.raises(ConfigError, match="Fernet"):
        load_config()
    monkeypatch.setenv("TIERLIGHT_GRIEVANCE_KEYS", "A" * 43 + "=,  " + "B" * 43 + "=")
    assert load_config()["GRIEVANCE_KEYS"] == ["A" * 43 + "=", "B" * 43 + "="]
    assert load_config()["SESSION_COOKIE_SECURE"] is True


def test_local_secret_key_is_generated_once(monkeypatch, tmp_path):
    monkeypatch.setenv("TIERLIGHT_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TIERLIGHT_ENV", raising=False)
    first = load_config()["SECRET_KEY"]
    assert first == load_config()["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_url_is_normalised_to_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("TIERLIGHT_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert load_config()["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


def test_trusted_proxy_headers_set_the_client_address(app, tmp_path):
    from app import create_app

    seen = {}
    proxied = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x",
                          "INSTANCE_PATH": str(tmp_path), "TRUSTED_PROXIES": 1})

    @proxied.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    proxied.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9",
                                                   "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}
