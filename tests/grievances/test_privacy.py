"""No IP address or user agent of a reporter is stored or logged: every text of every table
searched after a report sent from a distinctive address and agent, and the access logs of the
real development server and of gunicorn read back (no address, agent or secret on the
channel's lines; the ordinary lines keep theirs, so the check can fail)."""

from __future__ import annotations

import json
import logging
import sys
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from app.db import get_db
from grievances.privacy import ChannelLogFilter, is_public_path
from grievances.services import cases, intake
from tests.factories import make_org
from tests.grievances.public_support import codes, csrf, fresh_limits, make_site, report_form
from tests.processes import FLASK, free_port, fresh_site, process, site_app, wait_for

ADDRESS = "203.0.113.201"
AGENT = "TierlightProbe/7.7 (distinctive-agent; Nokia 105)"


@pytest.fixture(autouse=True)
def _app_context():
    """Each request in its own app context (see test_public.py)."""
    yield


@pytest.fixture(autouse=True)
def _limits():
    yield from fresh_limits()


# --- the database -----------------------------------------------------------------------------

def _every_value(db) -> tuple[list[str], set[str]]:
    """Every value of every column of every table, as text (reflected, so nothing is missed),
    and the names of the tables that hold rows."""
    metadata = MetaData()
    connection = db.connection()
    metadata.reflect(bind=connection)
    values, filled = [], set()
    for table in metadata.sorted_tables:
        for row in connection.execute(select(table)):
            filled.add(table.name)
            for value in row:
                if isinstance(value, bytes | memoryview):
                    values.append(bytes(value).decode("latin-1"))
                elif isinstance(value, dict | list):
                    values.append(json.dumps(value, ensure_ascii=False))
                elif value is not None:
                    values.append(str(value))
    return values, filled


def test_no_address_or_agent_reaches_the_database(app, client, db):
    site = make_site(db)
    environ = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT}
    page = client.get(site.url, environ_base=environ)
    sent = client.post(site.url, data=report_form(csrf_token=csrf(page.text)),
                       environ_base=environ)
    code, secret = codes(sent.text)
    with app.app_context():
        grievance = db.scalar(select(intake.Grievance).where(
            intake.Grievance.case_code == code))
        cases.send_message(db, grievance, actor=site.user, body="Received, thank you.")
        db.commit()
    follow = client.post("/g/follow", data={"csrf_token": csrf(page.text), "code": code,
                                            "secret": secret}, environ_base=environ)
    client.post("/g/follow/reply", data={"csrf_token": csrf(follow.text), "code": code,
                                         "secret": secret, "message": "Still waiting."},
                environ_base=environ)
    api = client.post(f"/api/v1/grievances/{site.channel.intake_key}", environ_base=environ,
                      json={"categories": ["hours"], "text": "16 hours a day",
                            "language": "en"}).json
    pair = {"case": api["case_code"], "secret": api["secret"]}
    client.get("/api/v1/grievances/status", query_string=pair, environ_base=environ)
    client.post("/api/v1/grievances/status/reply", json={**pair, "message": "Any news?"},
                environ_base=environ)
    client.get("/g/follow", environ_base=environ)
    client.post("/g/follow", data={"csrf_token": csrf(page.text), "code": code,
                                   "secret": "wrong"}, environ_base=environ)

    values, filled = _every_value(db)
    assert {"grievances", "grievance_messages", "activity_entries"} <= filled
    everything = "\n".join(values)
    assert code in everything and api["case_code"] in everything  # the search sees the rows
    assert ADDRESS not in everything
    assert "distinctive-agent" not in everything and "TierlightProbe" not in everything
    assert secret not in everything  # only its hash is kept


# --- the log filter ---------------------------------------------------------------------------

def _werkzeug_record(line: str, address: str = ADDRESS) -> logging.LogRecord:
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                             f'{address} - - [01/Dec/2026 10:00:00] "%s" %s %s',
                             (line, "200", "-"), None)


@pytest.mark.parametrize(("line", "shown"), [
    ("GET /api/v1/grievances/status?case=ABCD-EFGH&secret=S3CR-ET00 HTTP/1.1",
     "GET /api/v1/grievances/status HTTP/1.1"),
    ("POST /api/v1/grievances/k3y_ABC-def HTTP/1.1",
     "POST /api/v1/grievances/k3y_ABC-def HTTP/1.1"),
    ("POST /api/v1/grievances/status/reply HTTP/1.1",
     "POST /api/v1/grievances/status/reply HTTP/1.1"),
    ("GET /g/k3y?lang=ne HTTP/1.1", "GET /g/k3y HTTP/1.1"),
    ("\x1b[33mPOST /g/follow HTTP/1.1\x1b[0m", "\x1b[33mPOST /g/follow HTTP/1.1\x1b[0m"),
    ("GET /static/css/grievance-public.css?v=2 HTTP/1.1",
     "GET /static/css/grievance-public.css HTTP/1.1"),
])
def test_the_filter_hides_the_address_and_query_of_the_channels_lines(line, shown):
    record = _werkzeug_record(line)
    assert ChannelLogFilter().filter(record)
    text = record.getMessage()
    assert ADDRESS not in text and "secret" not in text and "lang=" not in text
    assert text.startswith("- - - [") and f'"{shown}" 200 -' in text


@pytest.mark.parametrize("line", [
    "GET /api/v1/grievances?page=2 HTTP/1.1",     # the company's list
    "GET /api/v1/grievances/12 HTTP/1.1",         # one case, by id
    "POST /api/v1/grievances/12/messages HTTP/1.1",
    "GET /grievances/channel/poster?lang=ne HTTP/1.1",
    "GET /gallery HTTP/1.1",
    "GET /static/css/tierlight.css HTTP/1.1",
])
def test_the_filter_leaves_other_lines_alone(line):
    record = _werkzeug_record(line)
    ChannelLogFilter().filter(record)
    assert record.getMessage().startswith(ADDRESS) and line in record.getMessage()


def test_the_filter_scrubs_gunicorn_atoms():
    from gunicorn.glogging import SafeAtoms

    atoms = SafeAtoms({"h": ADDRESS, "r": "GET /api/v1/grievances/status?case=A&secret=B HTTP/1.1",
                       "U": "/api/v1/grievances/status", "q": "case=A&secret=B", "a": AGENT,
                       "f": "https://example.org/g/key", "s": "200",
                       "{x-forwarded-for}i": ADDRESS, "{remote_addr}e": ADDRESS})
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" %(q)s %({x-forwarded-for}i)s',
                               None, None)
    record.args = atoms  # as gunicorn passes them (LogRecord unwraps a lone dict itself)
    ChannelLogFilter().filter(record)
    text = record.getMessage()
    assert text == '- "GET /api/v1/grievances/status HTTP/1.1" 200 "-" "-"  -'
    assert is_public_path("/g/") and not is_public_path("/grievances")


# --- real servers -----------------------------------------------------------------------------

def _channel_of_a_new_site(env) -> str:
    app = site_app(env)
    try:
        with app.app_context():
            session = get_db(app).new_session(write=True)
            key = intake.ensure_channel(session, org_id=make_org(session).id).intake_key
            session.commit()
            session.close()
    finally:
        get_db(app).engine.dispose()
    return key


def _call(base: str, path: str, body: dict | None = None) -> dict | None:
    request = urllib.request.Request(
        base + path, headers={"User-Agent": AGENT, "Content-Type": "application/json"},
        data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as answer:
        data = answer.read()
    return json.loads(data) if answer.headers.get_content_type() == "application/json" else None


def _use_the_channel(base: str, key: str) -> str:
    """Every kind of channel request; returns the secret that must appear nowhere."""
    _call(base, "/healthz")
    _call(base, f"/g/{key}?lang=ne")
    _call(base, "/static/css/grievance-public.css")
    sent = _call(base, f"/api/v1/grievances/{key}", {"categories": ["wages"], "language": "ne",
                                                   "text": "तलब दिइएको छैन"})
    _call(base, f"/api/v1/grievances/status?case={sent['case_code']}&secret={sent['secret']}")
    _call(base, "/api/v1/grievances/status/reply",
          {"case": sent["case_code"], "secret": sent["secret"], "message": "कुनै खबर?"})
    _call(base, "/healthz")
    return sent["secret"]


def _check_log(text: str, secret: str, *, agent_in_ordinary_lines: bool) -> None:
    lines = [line for line in text.splitlines() if " HTTP/1." in line]
    channel = [line for line in lines if "/g/" in line or "/api/v1/grievances" in line
               or "grievance-public.css" in line]
    ordinary = [line for line in lines if "/healthz" in line]
    assert len(channel) == 5 and len(ordinary) == 2, text
    for line in channel:
        assert line.startswith("-") and "127.0.0.1" not in line, line
        assert "distinctive-agent" not in line and "?" not in line.split('"')[1], line
    assert all("127.0.0.1" in line for line in ordinary), text  # the filter is selective
    if agent_in_ordinary_lines:
        assert all("distinctive-agent" in line for line in ordinary), text
    compact = secret.replace("-", "")
    assert secret not in text and compact not in text and "secret=" not in text


def test_the_development_servers_log_carries_no_address_or_secret(tmp_path):
    env = fresh_site(tmp_path)
    key = _channel_of_a_new_site(env)
    port = free_port()
    log = tmp_path / "flask-run.log"
    args = [FLASK, "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port),
            "--no-reload", "--no-debugger"]
    with process(args, env, log):
        wait_for(lambda: _up(f"http://127.0.0.1:{port}"), 60, "flask run", logs=(log,))
        secret = _use_the_channel(f"http://127.0.0.1:{port}", key)
    _check_log(log.read_text(), secret, agent_in_ordinary_lines=False)


def test_gunicorns_access_log_carries_no_address_agent_or_secret(tmp_path):
    env = fresh_site(tmp_path)
    key = _channel_of_a_new_site(env)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    args = [gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{port}", "--access-logfile",
            "-", "wsgi:app"]  # the default access format: address, request, referrer, agent
    with process(args, env, log):
        wait_for(lambda: _up(f"http://127.0.0.1:{port}"), 60, "gunicorn", logs=(log,))
        secret = _use_the_channel(f"http://127.0.0.1:{port}", key)
    _check_log(log.read_text(), secret, agent_in_ordinary_lines=True)


def _up(base: str) -> bool:
    try:
        _call(base, "/favicon.ico")  # not one of the lines counted
    except OSError:
        return False
    return True

