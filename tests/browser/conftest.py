"""Browser journeys: the real app on a live server, driven by Debian's Chromium via Playwright.

Skipped as a whole (one reason line) when Chromium or Playwright is missing, unless
TIERLIGHT_REQUIRE_BROWSER=1 (as in .ci/run), which turns the skip into a failure.

The server is the real app in a werkzeug thread on a free port, with its own migrated SQLite
file in a temporary instance folder (not the rolled-back transaction of the other tests) and the
demo data loaded. Every page a test opens is watched: a console error, a CSP violation, a failed
request, a same-origin subresource answering >= 400 or an uncaught error fails the test.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, CSP_REPORTER, PageWatch
from tests.conftest import TEST_GRIEVANCE_KEY
from tests.conftest_mail import _smtp_controller  # noqa: F401 - the SMTP server
from tests.processes import worker

# The live app's configuration. Background work runs as in production: jobs go to the queue in
# the instance folder (Huey on SQLite) and a real `flask jobs worker` process runs them, so the
# import page shows its progress bar while the job runs.
LIVE_APP_CONFIG: dict[str, object] = {
    "TESTING": True,
    "SECRET_KEY": "browser-tests-secret-key-not-for-production",
    "PASSWORD_HASH_FAST": True,
    "QUEUE_IMMEDIATE": False,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "1000 per minute",
    "GRIEVANCE_KEYS": [TEST_GRIEVANCE_KEY],
}
# Whether the import page shows its progress bar before the job ends.
IMPORT_PROGRESS_VISIBLE = True

_REQUIRED = os.environ.get("TIERLIGHT_REQUIRE_BROWSER") == "1"
_MISSING = []
if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    _MISSING.append(f"{CHROMIUM} not found (apt-get install chromium)")
for _module in ("playwright", "pytest_playwright"):
    if importlib.util.find_spec(_module) is None:
        _MISSING.append(f"{_module} not installed (pip install -e '.[dev]')")
SKIP_REASON = "browser tests skipped: " + "; ".join(_MISSING)


def pytest_collection_modifyitems(config, items):
    if not _MISSING:
        return
    if _REQUIRED:
        raise pytest.UsageError(SKIP_REASON + ", and TIERLIGHT_REQUIRE_BROWSER=1 requires them")
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if _MISSING and report.skipped and isinstance(report.longrepr, tuple):
        # One summary line for the whole package, not one per file.
        report.longrepr = (__file__, None, report.longrepr[2])
    return report


@dataclass
class LiveServer:
    url: str
    app: object
    instance: Path
    inbox: object  # what the suite's SMTP server received (tests/conftest_mail.py: Inbox)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, _smtp_controller) -> Iterator[LiveServer]:  # noqa: F811
    from alembic import command
    from werkzeug.serving import make_server

    from app import create_app
    from app.cli import seed_demo
    from app.db import get_db, get_session
    from app.migrations import alembic_config

    instance = tmp_path_factory.mktemp("browser-instance")
    url = f"sqlite:///{instance / 'tierlight.db'}"
    app = create_app(
        LIVE_APP_CONFIG | {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "UPLOAD_FOLDER": str(instance / "uploads"),
        }
    )
    with app.app_context():
        command.upgrade(alembic_config(url), "head")
        seed_demo(get_session())
        get_session().commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIERLIGHT_", "FLASK_"))}
    env.update({"TIERLIGHT_INSTANCE": str(instance), "DATABASE_URL": url,
                "SECRET_KEY": str(LIVE_APP_CONFIG["SECRET_KEY"]), "PYTHONUNBUFFERED": "1",
                "TIERLIGHT_GRIEVANCE_KEYS": TEST_GRIEVANCE_KEY,
                # the worker sends the outbox to the suite's own SMTP server (aiosmtpd)
                "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(_smtp_controller[0].port)})
    try:
        with worker(env, instance / "worker.log", "--threads", "2"):
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, instance,
                             _smtp_controller[1])
    finally:
        server.shutdown()
        thread.join(timeout=10)
        get_db(app).engine.dispose()


# ---- pytest-playwright: one Chromium per session, contexts per test --------------------------


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900},
            "locale": "en-GB", "timezone_id": "UTC"}


@pytest.fixture(scope="session", autouse=True)
def _patient_expect():
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # 2 cores shared by many processes: allow for slowness


@pytest.fixture
def watches(request) -> list[PageWatch]:
    """Every watcher made for this test; checked after the test body (pytest_runtest_call)."""
    found: list[PageWatch] = []
    request.node._page_watches = found
    return found


@pytest.fixture
def open_page(new_context, base_url, watches):
    """open_page() -> a watched page in a fresh browser context (its own cookies)."""

    def _open(context=None):
        context = context or new_context()
        context.add_init_script(CSP_REPORTER)
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch = PageWatch(base_url)
        watch.attach(page)
        page.watch = watch
        watches.append(watch)
        return page

    return _open


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    # The test body passed: now fail it for anything its pages reported.
    watches = getattr(item, "_page_watches", [])
    for watch in watches:
        watch.flush()
    problems = [p for w in watches for p in w.problems]
    if problems:
        pytest.fail("the browser reported problems:\n  " + "\n  ".join(problems), pytrace=False)
    return result
