"""AUDIT_LOG_KEY: from the environment, generated once for local use, required in production."""

from __future__ import annotations

import pytest

from app.config import ConfigError, load_config


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("TIERLIGHT_INSTANCE", str(tmp_path))
    monkeypatch.delenv("AUDIT_LOG_KEY", raising=False)
    monkeypatch.delenv("TIERLIGHT_ENV", raising=False)
    return monkeypatch


def test_local_key_is_generated_once_owner_only_and_differs_from_the_secret_key(env, tmp_path):
    first = load_config()
    assert len(first["AUDIT_LOG_KEY"]) >= 32
    assert load_config()["AUDIT_LOG_KEY"] == first["AUDIT_LOG_KEY"]
    assert first["AUDIT_LOG_KEY"] != first["SECRET_KEY"]
    assert (tmp_path / "audit_log_key").stat().st_mode & 0o077 == 0


def test_key_from_the_environment_wins(env):
    env.setenv("AUDIT_LOG_KEY", "a" * 40)
    assert load_config()["AUDIT_LOG_KEY"] == "a" * 40


def test_production_requires_a_key_of_reasonable_length(env):
    env.setenv("TIERLIGHT_ENV", "production")
    env.setenv("SECRET_KEY", "s" * 40)
    env.setenv("TIERLIGHT_ALLOW_SQLITE", "1")
    with pytest.raises(ConfigError, match="AUDIT_LOG_KEY must be set"):
        load_config()
    env.setenv("AUDIT_LOG_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        load_config()
    env.setenv("AUDIT_LOG_KEY", "p" * 32)
    assert load_config()["AUDIT_LOG_KEY"] == "p" * 32
