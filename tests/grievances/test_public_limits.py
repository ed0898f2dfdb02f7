"""Rate limits of the channel: per case code and per address, the address only ever as an
HMAC. What counts is what an attacker needs: reports accepted and wrong code-and-secret
pairs; a reporter reading their own case, or a malformed request, costs nothing."""

from __future__ import annotations

import pytest

from app.security import limiter
from grievances import privacy
from tests.grievances.public_support import codes, csrf, fresh_limits, make_site, report_form

ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def _app_context():
    """Each request in its own app context (see test_public.py)."""
    yield


@pytest.fixture(autouse=True)
def _limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "GRIEVANCE_FOLLOW_RATE_LIMIT", "3 per hour")
    monkeypatch.setitem(app.config, "GRIEVANCE_INTAKE_RATE_LIMIT", "5 per hour")
    yield from fresh_limits()  # the previous limits come back with monkeypatch's undo


@pytest.fixture
def site(db):
    return make_site(db)


def _status(client, case, secret, address=ADDRESS):
    return client.get("/api/v1/grievances/status", query_string={"case": case,
                                                                 "secret": secret},
                      environ_base={"REMOTE_ADDR": address}).status_code


def _api_report(client, site, address=ADDRESS, **changes):
    body = {"categories": ["wages"], "text": "No pay since March.", "language": "en"}
    return client.post(f"/api/v1/grievances/{site.channel.intake_key}", json=body | changes,
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_pairs_are_limited_per_case_code(client, site):
    sent = _api_report(client, site).json
    case, secret = sent["case_code"], sent["secret"]
    assert [_status(client, case, secret) for _ in range(4)] == [200] * 4  # reading is free
    assert [_status(client, case, "WRONG-SECRET") for _ in range(3)] == [404] * 3
    assert _status(client, case, "WRONG-SECRET") == 429
    # the case is locked for everyone, even with its secret, whatever the address
    assert _status(client, case.lower().replace("-", ""), secret, address="198.51.100.1") == 429
    # the limit is per case: another case (from the same address) is still answered
    other = _api_report(client, site).json
    assert _status(client, other["case_code"], other["secret"]) == 200


def test_wrong_pairs_are_limited_per_address_over_every_case(client, site):
    guesses = [_status(client, f"AAAA-AA{i:02d}", "guess") for i in range(6)]
    assert guesses == [404] * 5 + [429]
    assert _status(client, "AAAA-BBBB", "guess", address="198.51.100.1") == 404
    page = client.get("/g/follow", environ_base={"REMOTE_ADDR": ADDRESS})
    assert page.status_code == 200  # showing the form is never limited
    answer = client.post("/g/follow", data={"csrf_token": csrf(page.text), "code": "CCCC-CCCC",
                                            "secret": "guess", "lang": "vi"},
                         environ_base={"REMOTE_ADDR": ADDRESS})
    assert answer.status_code == 429 and "Thử quá nhiều lần" in answer.text
    assert '<html lang="vi"' in answer.text


def test_the_page_and_the_reply_share_the_case_limit(client, site):
    page = client.get(site.url)
    code, secret = codes(client.post(site.url, data=report_form(
        csrf_token=csrf(page.text))).text)
    token = csrf(client.get("/g/follow").text)
    wrong = {"csrf_token": token, "code": code, "secret": "nope"}
    assert client.post("/g/follow", data=wrong).status_code == 404
    assert client.post("/g/follow/reply", data=wrong | {"message": "x"}).status_code == 404
    assert client.post("/g/follow", data=wrong).status_code == 404
    right = {"csrf_token": token, "code": code, "secret": secret}
    assert client.post("/g/follow", data=wrong).status_code == 429
    assert client.post("/g/follow", data=right).status_code == 429
    # a malformed request guesses nothing and is never counted
    assert client.post("/g/follow", data={"csrf_token": token}).status_code == 422


def test_accepted_reports_are_limited_per_address(client, site):
    assert [_api_report(client, site).status_code for _ in range(5)] == [201] * 5
    assert _api_report(client, site, categories=[]).status_code == 429  # checked first
    assert _api_report(client, site).status_code == 429
    assert _api_report(client, site, address="198.51.100.1").status_code == 201
    page = client.get(site.url, environ_base={"REMOTE_ADDR": "198.51.100.2"})
    for expected in (200, 200, 200, 200, 422, 200, 429):
        values = {"text": ""} if expected == 422 else {}
        answer = client.post(site.url, data=report_form(csrf_token=csrf(page.text),
                                                        **values),
                             environ_base={"REMOTE_ADDR": "198.51.100.2"})
        assert answer.status_code == expected  # the malformed one does not count


def test_the_limiter_never_holds_the_address(app, client, site):
    for _ in range(2):
        _status(client, "DDDD-DDDD", "guess")
    keys = " ".join(str(k) for k in limiter.storage.storage)  # memory:// in tests
    assert "grievance-address:" in keys and "grievance-case:DDDDDDDD" in keys
    assert ADDRESS not in keys and ADDRESS.replace(".", "") not in keys
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        hashed = privacy.address_key()
        assert hashed in keys and len(hashed) == len("grievance-address:") + 32
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.1"}):
        assert privacy.address_key() != hashed  # one counter per address
