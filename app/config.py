"""Configuration from the environment, resolved once per app instance."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import tempfile
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment asks for something unsafe or impossible; refuse to start."""


def _instance_path() -> Path:
    default = Path(__file__).resolve().parent.parent / "instance"
    return Path(os.environ.get("TIERLIGHT_INSTANCE", default)).resolve()


def generated_key(path: Path, make=lambda: secrets.token_urlsafe(48)) -> str:
    """A random key kept in the instance folder: made once, then read by every process.

    Written to a private temporary file and linked into place (atomic, and refused when the
    file exists), so a process that starts at the same moment (gunicorn's workers on a fresh
    instance) never reads a file that is still empty: it reads the winner's key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w") as handle:  # mkstemp makes it owner-only (0600)
                handle.write(make())
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def _secret_key(instance: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when TIERLIGHT_ENV=production.")
    # Local use: generate once and keep it, so sessions survive restarts.
    return generated_key(instance / "secret_key")


def _audit_log_key(instance: Path, production: bool) -> str:
    """The checkpoint HMAC key: from the environment, never from (or into) the database."""
    key = os.environ.get("AUDIT_LOG_KEY")
    if not key:
        if production:
            raise ConfigError("AUDIT_LOG_KEY must be set when TIERLIGHT_ENV=production.")
        key = generated_key(instance / "audit_log_key")
    if len(key) < 32:
        raise ConfigError("AUDIT_LOG_KEY must be at least 32 characters.")
    return key


def _fernet_key() -> str:
    """32 random bytes, url-safe base64: the format of a Fernet key (cryptography)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _grievance_keys(instance: Path, production: bool) -> list[str]:
    """Keys that encrypt grievance text at rest, newest first: TIERLIGHT_GRIEVANCE_KEYS is a
    comma-separated list of Fernet keys; the first encrypts, every one decrypts (rotation:
    put a new key first, run `flask grievances rotate-keys`, then drop the old one)."""
    keys = [k.strip() for k in os.environ.get("TIERLIGHT_GRIEVANCE_KEYS", "").split(",")
            if k.strip()]
    if not keys:
        if production:
            raise ConfigError("TIERLIGHT_GRIEVANCE_KEYS must be set when "
                              "TIERLIGHT_ENV=production.")
        keys = [generated_key(instance / "grievance_key", _fernet_key)]
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode())) != 32:
                raise ValueError
        except (ValueError, binascii.Error):
            raise ConfigError("Each TIERLIGHT_GRIEVANCE_KEYS entry must be a Fernet key: 32 "
                              "bytes in url-safe base64 (44 characters).") from None
    return keys


def load_config() -> dict[str, object]:
    """Settings from the environment; create_app(config) may override any key."""
    env = os.environ.get("TIERLIGHT_ENV", "development")
    production = env == "production"
    instance = _instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    secret_key = _secret_key(instance, production)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'tierlight.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    if (
        production
        and database_url.startswith("sqlite")
        and os.environ.get("TIERLIGHT_ALLOW_SQLITE") != "1"
    ):
        raise ConfigError(
            "TIERLIGHT_ENV=production refuses SQLite; set DATABASE_URL to PostgreSQL "
            "(or TIERLIGHT_ALLOW_SQLITE=1 to force it)."
        )
    return {
        "TIERLIGHT_ENV": env,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "AUDIT_LOG_KEY": _audit_log_key(instance, production),
        "GRIEVANCE_KEYS": _grievance_keys(instance, production),
        # Closed cases keep their statistics; their text is purged after this many days.
        "GRIEVANCE_RETENTION_DAYS": int(os.environ.get("TIERLIGHT_GRIEVANCE_RETENTION_DAYS",
                                                       "365")),
        # The worker's channel, per hour: wrong code-and-secret pairs per case code; and per
        # address (an HMAC of it, never the address) reports accepted and wrong pairs.
        "GRIEVANCE_FOLLOW_RATE_LIMIT": os.environ.get("TIERLIGHT_GRIEVANCE_FOLLOW_RATE_LIMIT",
                                                      "10 per hour"),
        "GRIEVANCE_INTAKE_RATE_LIMIT": os.environ.get("TIERLIGHT_GRIEVANCE_INTAKE_RATE_LIMIT",
                                                      "30 per hour"),
        "MAX_CONTENT_LENGTH": 26 * 1024 * 1024,  # a little above the 25 MB upload limit
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "tierlight_session",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked in app.security, which skips Bearer calls
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        "LOGIN_RATE_LIMIT": "20 per minute",
        "ACCOUNT_LOCK_THRESHOLD": 10,
        "ACCOUNT_LOCK_MINUTES": 15,
        "API_TOKEN_DAYS": 90,
        "PASSWORD_HASH_FAST": False,
        # How many reverse proxies sit in front (their X-Forwarded-* headers are trusted):
        # without it, every request seems to come from the proxy and shares one rate limit.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,  # None: mail is not configured
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "tierlight@localhost"),
        # The job queue: redis://... for production; empty = a SQLite file in the instance.
        "QUEUE_URL": os.environ.get("TIERLIGHT_QUEUE_URL", ""),
        "QUEUE_IMMEDIATE": False,  # tests: run each job at once, in the caller's process
        "JOB_MAX_ATTEMPTS": int(os.environ.get("TIERLIGHT_JOB_MAX_ATTEMPTS", "3")),
        "JOB_STALE_SECONDS": int(os.environ.get("TIERLIGHT_JOB_STALE_SECONDS", "300")),
        # Where people reach this instance: links in emails sent by jobs (app/links.py).
        "PUBLIC_URL": os.environ.get("TIERLIGHT_PUBLIC_URL", "http://127.0.0.1:5000"),
        # Questionnaire links stay valid this many days after the due date.
        "PORTAL_GRACE_DAYS": int(os.environ.get("TIERLIGHT_PORTAL_GRACE_DAYS", "30")),
        # Evidence files attached to questionnaire answers (and, later, audit findings).
        "EVIDENCE_FOLDER": str(instance / "evidence"),
        # Generated reports and filed statements' PDFs (reports/files.py).
        "REPORTS_FOLDER": str(instance / "reports"),
        # Due-diligence reports of networks up to this many suppliers are made in the API
        # request and answered as the file; larger ones go on the job queue (202).
        "REPORT_INLINE_MAX_SUPPLIERS": int(os.environ.get("TIERLIGHT_REPORT_INLINE_MAX", "2000")),
        # Recompute risk on the queue whenever an input changes (the test suite turns it off
        # and its risk tests turn it back on, so 2,000 unrelated tests do not each recompute).
        "RISK_RECOMPUTE_ON_CHANGE": os.environ.get("TIERLIGHT_RISK_ON_CHANGE", "1") == "1",
    }
