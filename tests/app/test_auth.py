"""Sign-in through the browser form, sessions that really end, passwords, throttling."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User, UserSession
from app.auth.passwords import password_problems
from tests.conftest import csrf_from, form_token, login
from tests.factories import PASSWORD, make_user


def test_login_reaches_dashboard_and_shows_user_and_company(client, compliance_user):
    response = login(client, compliance_user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert compliance_user.email in page.text
    assert compliance_user.org.name in page.text


def test_wrong_password_and_unknown_email_answer_the_same(client, compliance_user):
    wrong = login(client, compliance_user.email, "not-the-password-at-all")
    unknown = login(client, "nobody@nowhere.example", "not-the-password-at-all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Email or password is incorrect." in wrong.text
    assert "Email or password is incorrect." in unknown.text


def test_logout_kills_a_copied_cookie(app, client, compliance_user):
    login(client, compliance_user.email)
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("tierlight_session").value
    token = form_token(client, "/settings")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("tierlight_session", stolen)
    response = replay.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_issues_a_new_server_session(client, db, compliance_user):
    login(client, compliance_user.email)
    first = client.get_cookie("tierlight_session").value
    client.post("/logout", data={"csrf_token": form_token(client, "/settings")})
    login(client, compliance_user.email)
    assert client.get_cookie("tierlight_session").value != first
    sessions = db.scalars(select(UserSession).where(UserSession.user_id == compliance_user.id))
    states = sorted(s.revoked_at is None for s in sessions)
    assert states == [False, True]


def test_password_change_ends_other_sessions(app, client, db, compliance_user):
    login(client, compliance_user.email)
    other = app.test_client()
    login(other, compliance_user.email)
    assert other.get("/").status_code == 200
    token = form_token(client, "/settings")
    response = client.post(
        "/settings",
        data={"csrf_token": token, "current_password": PASSWORD,
              "new_password": "a-much-better-passphrase-77"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session continues
    assert other.get("/").status_code == 302  # the other one is over


def test_password_change_refuses_common_passwords(client, compliance_user):
    login(client, compliance_user.email)
    response = client.post(
        "/settings",
        data={"csrf_token": form_token(client, "/settings"), "current_password": PASSWORD,
              "new_password": "password1234"},
    )
    assert response.status_code == 200
    assert "too common" in response.text


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-pass", False),
        ("password1234", False),
        ("PASSWORD1234", False),
        ("aaaaaaaaaaaaaaaa", False),
        ("tierlight1234", False),
        ("river-lamp-orbit-93", True),
    ],
)
def test_password_policy(password, ok):
    assert (password_problems(password) == []) is ok


def test_password_must_not_contain_email(db):
    assert password_problems("jane.doe-secret-99", email="jane.doe@example.org")


def test_login_form_requires_csrf(client, compliance_user):
    response = client.post("/login", data={"email": compliance_user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page" in response.text


def test_open_redirect_is_refused(client, compliance_user):
    page = client.get("/login?next=https://evil.example/")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": compliance_user.email, "password": PASSWORD,
              "csrf_token": csrf_from(page.text)},
    )
    assert response.headers["Location"] == "/"


def test_account_locks_after_repeated_failures(app, client, db, buyer):
    user = make_user(db, buyer, "compliance")
    db.commit()
    for _ in range(app.config["ACCOUNT_LOCK_THRESHOLD"]):
        login(client, user.email, "wrong-password-again")
    db.expire_all()
    locked = db.scalar(select(User).where(User.id == user.id))
    assert locked.locked_until is not None
    # Even the right password is refused while locked, with the same message.
    response = login(client, user.email)
    assert response.status_code == 401
    assert "Email or password is incorrect." in response.text


def test_rate_limit_per_address(app, client, compliance_user):
    from app.security import limiter

    app.config["LOGIN_RATE_LIMIT"] = "20 per minute"
    limiter.reset()
    try:
        statuses = []
        for _ in range(25):
            page = client.get("/login")
            statuses.append(
                client.post(
                    "/login",
                    data={"email": "x@example.org", "password": "whatever-it-is-1",
                          "csrf_token": csrf_from(page.text)},
                ).status_code
            )
        assert 429 in statuses
        assert statuses.index(429) == 20  # "20 per minute"
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert len(response.headers["X-Request-ID"]) >= 8


def test_session_cookie_flags(client, compliance_user):
    login(client, compliance_user.email)
    cookie = client.get_cookie("tierlight_session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def _change(client, current: str, new: str = "a-much-better-passphrase-77"):
    return client.post(
        "/settings",
        data={"csrf_token": form_token(client, "/settings"), "current_password": current,
              "new_password": new},
    )


def test_guessing_the_current_password_locks_the_account(app, client, db, compliance_user):
    login(client, compliance_user.email)
    threshold = app.config["ACCOUNT_LOCK_THRESHOLD"]
    for attempt in range(threshold - 1):
        assert _change(client, f"a-wrong-guess-{attempt}").status_code == 200
        db.expire_all()
        counted = db.scalar(select(User.failed_logins).where(User.id == compliance_user.id))
        assert counted == attempt + 1  # counted in SQL, committed despite the error
    _change(client, "the-last-wrong-guess")
    db.expire_all()
    locked = db.get(User, compliance_user.id)
    assert locked.locked_until is not None
    # Locked: even the right current password no longer changes it.
    response = _change(client, PASSWORD)
    assert response.status_code == 200
    assert "Too many wrong passwords" in response.text
    db.expire_all()
    assert db.get(User, compliance_user.id).password_hash == locked.password_hash


def test_settings_password_guesses_are_rate_limited_per_address(app, client, compliance_user):
    from app.security import limiter

    app.config["LOGIN_RATE_LIMIT"] = "20 per minute"
    app.config["ACCOUNT_LOCK_THRESHOLD"] = 1000  # the address limit alone
    limiter.reset()
    try:
        login(client, compliance_user.email)
        statuses = [_change(client, f"wrong-guess-number-{i}").status_code for i in range(25)]
        assert statuses.index(429) == 20
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
        app.config["ACCOUNT_LOCK_THRESHOLD"] = 10
        limiter.reset()


def test_no_remember_cookie_and_a_forged_one_does_not_sign_in(app, client, compliance_user):
    from flask_login.utils import encode_cookie

    response = login(client, compliance_user.email, )
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    with app.test_request_context():
        forged = encode_cookie(str(compliance_user.id))
    stranger = app.test_client()
    stranger.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), forged)
    page = stranger.get("/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_mail_is_not_configured_by_default(monkeypatch):
    from app.config import load_config

    monkeypatch.delenv("MAIL_SERVER", raising=False)
    assert load_config()["MAIL_SERVER"] is None
