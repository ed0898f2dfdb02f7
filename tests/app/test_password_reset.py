"""Password reset by email: same answer for every address, single use, one hour, ends access."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.db import utcnow
from app.mail import OutboxMessage, deliver_pending
from app.people.models import PasswordReset
from tests.conftest import csrf_from, login, token_for
from tests.conftest_mail import link_in
from tests.factories import PASSWORD, make_user

NEW = "lantern-orchard-river-77"


def _forgot(client, email: str):
    page = client.get("/password/forgot")
    assert page.status_code == 200
    return client.post("/password/forgot", data={
        "csrf_token": csrf_from(page.text), "email": email})


def _set(client, path: str, password: str = NEW, confirm: str | None = None):
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(path, data={"csrf_token": csrf_from(page.text), "password": password,
                                   "confirm": confirm or password})


def test_login_page_offers_a_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").text


def test_round_trip_ends_other_sessions_and_tokens(app, db, buyer, smtp):
    user = make_user(db, buyer, "compliance")
    db.commit()
    other_browser = app.test_client()
    login(other_browser, user.email)
    bearer = token_for(app.test_client(), user.email)
    assert other_browser.get("/settings").status_code == 200

    client = app.test_client()
    answer = _forgot(client, user.email.upper())
    assert answer.status_code == 200 and "If an account exists" in answer.text
    # Sent by the queue's task once the request committed (tests run the queue eagerly).
    (mail,) = smtp.wait_for(1)
    assert deliver_pending(db, app.config) == 0  # nothing left to send, nothing sent twice
    assert mail["To"] == user.email and PASSWORD not in mail.as_string()
    path = link_in(mail, "/password/reset/")
    raw = path.rsplit("/", 1)[1]
    reset = db.scalar(select(PasswordReset))
    assert reset.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert reset.expires_at - reset.created_at == timedelta(hours=1)

    weak = _set(client, path, "password1234")
    assert weak.status_code == 200 and "too common" in weak.text
    done = _set(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"

    assert other_browser.get("/settings").status_code == 302  # signed out
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert login(app.test_client(), user.email, PASSWORD).status_code == 401
    assert login(app.test_client(), user.email, NEW).status_code == 302
    used = app.test_client().get(path)
    assert used.status_code == 404 and "already used" in used.text
    actions = set(db.scalars(select(ActivityEntry.action).where(ActivityEntry.org_id == buyer.id)))
    assert {"password_reset.requested", "password_reset.completed"} <= actions


def test_same_answer_whether_the_address_exists_or_not(app, db, buyer):
    user = make_user(db, buyer, "compliance")
    inactive = make_user(db, buyer, "compliance")
    inactive.is_active = False
    db.commit()
    known = _forgot(app.test_client(), user.email)
    unknown = _forgot(app.test_client(), "nobody@example.org")
    deactivated = _forgot(app.test_client(), inactive.email)
    not_an_address = _forgot(app.test_client(), "nobody")
    assert known.status_code == unknown.status_code == deactivated.status_code == 200
    assert known.text == unknown.text == deactivated.text == not_an_address.text
    assert db.scalar(select(func.count(OutboxMessage.id))) == 1
    assert db.scalar(select(OutboxMessage.to_address)) == user.email


def test_expired_and_tampered_links_are_clear_pages(app, db, buyer):
    from app.people.resets import request_password_reset

    user = make_user(db, buyer, "compliance")
    links: list[str] = []
    request_password_reset(db, email=user.email, link_for=lambda raw: links.append(raw) or raw)
    reset = db.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    expired = app.test_client().get(f"/password/reset/{links[0]}")
    assert expired.status_code == 404 and "expired" in expired.text
    posted = app.test_client().post(f"/password/reset/{links[0]}", data={"password": NEW})
    assert posted.status_code in (400, 404)  # CSRF first, or the clear page; never a 500
    for raw in ("nope", "x" * 3000, links[0][:-2]):
        assert app.test_client().get(f"/password/reset/{raw}").status_code == 404


def test_one_account_gets_at_most_three_links_an_hour(app, db, buyer):
    user = make_user(db, buyer, "compliance")
    db.commit()
    for _ in range(5):
        assert _forgot(app.test_client(), user.email).status_code == 200
    assert db.scalar(select(func.count(OutboxMessage.id))) == 3
    assert db.scalar(select(func.count(ActivityEntry.id))
                     .where(ActivityEntry.action == "password_reset.throttled")) == 2


def test_a_new_password_kills_every_other_link(app, db, buyer):
    from app.people.resets import request_password_reset

    user = make_user(db, buyer, "compliance")
    links: list[str] = []
    for _ in range(2):
        request_password_reset(db, email=user.email,
                               link_for=lambda raw: links.append(raw) or raw)
    db.commit()
    assert _set(app.test_client(), f"/password/reset/{links[1]}").status_code == 302
    assert app.test_client().get(f"/password/reset/{links[0]}").status_code == 404


def test_requests_are_rate_limited_per_address(app, db, monkeypatch):
    from app.security import limiter

    monkeypatch.setitem(app.config, "PASSWORD_RESET_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        client = app.test_client()
        statuses = [_forgot(client, "nobody@example.org").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
    finally:
        limiter.reset()


def test_known_and_unknown_addresses_answer_in_similar_time(app, db, buyer, monkeypatch):
    import statistics
    import time

    monkeypatch.setitem(app.config, "PASSWORD_RESET_ANSWER_SECONDS", 0.08)
    known_user = make_user(db, buyer, "compliance")
    db.commit()
    client = app.test_client()
    token = csrf_from(client.get("/password/forgot").text)

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert client.post("/password/forgot",
                           data={"csrf_token": token, "email": email}).status_code == 200
        return time.perf_counter() - start

    known = [timed(known_user.email) for _ in range(6)]
    unknown = [timed(f"nobody{i}@example.org") for i in range(6)]
    assert min(known + unknown) >= 0.08
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.03
