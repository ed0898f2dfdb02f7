"""AUDIT_LOG_KEY: from the environment, generated once for local use, required in production."""

from __future__ import annotations

import pytest

from app.config import ConfigError, load_config
from tests.conftest import TEST_GRIEVANCE_KEY


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
    env.setenv("TIERLIGHT_GRIEVANCE_KEYS", TEST_GRIEVANCE_KEY)  # production needs it too
    assert load_config()["AUDIT_LOG_KEY"] == "p" * 32


def test_processes_starting_together_on_a_fresh_instance_read_one_key(tmp_path):
    """gunicorn's workers start at once: one makes the key, every other reads the same one,
    never an empty file (a racing worker once failed with "at least 32 characters")."""
    import subprocess
    import sys

    from app.config import generated_key

    script = ("import sys; from pathlib import Path; from app.config import generated_key; "
              "print(generated_key(Path(sys.argv[1])))")
    for attempt in range(5):
        path = tmp_path / f"key-{attempt}"
        procs = [subprocess.Popen([sys.executable, "-c", script, str(path)],
                                  stdout=subprocess.PIPE, text=True) for _ in range(6)]
        keys = {proc.communicate(timeout=60)[0].strip() for proc in procs}
        assert len(keys) == 1 and len(keys.pop()) >= 32
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert generated_key(tmp_path / "key-0") == (tmp_path / "key-0").read_text().strip()
