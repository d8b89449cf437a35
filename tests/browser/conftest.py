"""Browser tests: Debian's chromium, driven by Playwright, against a real server process (gunicorn
serving wsgi:app) on a free loopback port, over a fresh migrated database (SQLite, or PostgreSQL
when TEST_DATABASE_URL is set). One server per pytest-xdist worker, its database put back as
the migrations left it before each module; the tests seed what they need through the services,
in the test process.

Playwright is started and stopped per module (the plugin's own fixtures keep it for the whole
session): its sync API runs an event loop in the main thread, which must not outlive these tests.
"""
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from twilio.request_validator import RequestValidator

from emergency.extensions import db
from tests.conftest import EmptiedInPlace, fresh_database, make_app, on_postgres

ROOT = Path(__file__).resolve().parents[2]
AUTH_TOKEN = "browser-tests-auth-token"
LINE_NUMBER = "+441134960500"
SERVER_START_SECONDS = 120  # a loaded machine is slow to import the app; a server that never answers still fails
CHROMIUM_FLAGS = ["--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
SERIOUS = {"serious", "critical"}


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment(url: str, database_url: str) -> dict:
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("TWILIO_", "FALLBACK_", "LINE_"))}
    environment.update(APP_ENV="development", DATABASE_URL=database_url, SECRET_KEY=secrets.token_urlsafe(48),
                       PUBLIC_BASE_URL=url, RUN_SCHEDULER="0", LOAD_DEMO_DATA="0", TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                       TWILIO_FROM_NUMBER=LINE_NUMBER, PYTHONDONTWRITEBYTECODE="1")
    return environment


@pytest.fixture(scope="session")
def served(migrated_database_url, tmp_path_factory):
    """gunicorn serving the app, as users reach it, for all of a worker's browser tests (starting
    one takes seconds of importing): each module gets it with its database as the migrations
    left it (live_server). Texts stay in the outbox (no Twilio account); webhooks are checked
    against AUTH_TOKEN."""
    directory = tmp_path_factory.mktemp("live")
    with fresh_database(migrated_database_url, directory) as database_url:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = directory / "server.log"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
                 "--graceful-timeout", "2", "wsgi:app"],
                cwd=ROOT, env=_server_environment(url, database_url), stdout=log, stderr=subprocess.STDOUT)
        restorer = _Restorer(migrated_database_url, database_url)
        try:
            _wait_until_it_answers(server, url, log_path)
            yield LiveServer(url, database_url, log_path), restorer
        finally:
            restorer.dispose()
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="module")
def live_server(served):
    """The worker's server, its database as the migrations left it: what one module's tests
    put there is not seen by the next module's."""
    server, restorer = served
    restorer.restore()
    return server


class _Restorer:
    """Puts the server's database back as the template is, in place, while the server keeps
    running: on SQLite by the backup API, page by page into the same file (the server's
    connections read the new pages; a new file would leave them on the old one); on
    PostgreSQL by emptying it (EmptiedInPlace)."""

    def __init__(self, template_url: str, url: str):
        if on_postgres():
            self._in_place = EmptiedInPlace(template_url, url)
        else:
            self._in_place = None
            self._template_path, self._path = (u.removeprefix("sqlite:///") for u in (template_url, url))

    def restore(self) -> None:
        if self._in_place is not None:
            assert self._in_place.empty(), "a browser test changed the schema of its server's database"
            return
        with closing(sqlite3.connect(self._template_path)) as template, closing(sqlite3.connect(self._path)) as served:
            template.backup(served)

    def dispose(self) -> None:
        if self._in_place is not None:
            self._in_place.dispose()


def _wait_until_it_answers(server, url, log_path):
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # listening before its worker has loaded the app
            pass
        time.sleep(0.1)  # waiting for a process to listen, not for the behaviour under test
    pytest.fail(f"the server did not answer within {SERVER_START_SECONDS} s:\n{log_path.read_text(errors='replace')}")


@contextmanager
def seeded(server: LiveServer):
    """An app context on the server's database, for putting data in place (or reading it) through
    the services; what was added is committed at the end."""
    app = make_app(server.database_url)
    with app.app_context():
        try:
            yield app
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def logged_in(page, server: LiveServer, username: str, password: str):
    """Log in through the form, as a person would, and land on the console's first page."""
    page.goto(f"{server.url}/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/console/")
    return page


def banner(page):
    """The notification banner that says what the last action did."""
    return page.locator(".govuk-notification-banner--success")


@pytest.fixture(autouse=True)
def pages_keep_to_the_policy(request):
    """Every browser test fails if a page breaks the Content-Security-Policy, throws a JavaScript
    error, or asks for a font (the pages use Arial; GOV.UK's font is not the council's)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    broken = []
    page.on("console", lambda message: broken.append(message.text) if "Content Security Policy" in message.text
            or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: broken.append(f"JavaScript error: {error}"))
    page.on("request", lambda sent: broken.append(f"asked for a font: {sent.url}")
            if sent.resource_type == "font" or "/assets/fonts/" in sent.url else None)
    yield
    assert broken == []


_axe = Axe()


def assert_no_serious_axe_violations(page):
    """axe-core finds nothing serious or critical on the page as it is now, once it has loaded: a
    check run while the page is still arriving sees a checkbox whose label is not parsed yet."""
    page.wait_for_load_state()
    violations = [v for v in _axe.run(page).response["violations"] if v.get("impact") in SERIOUS]
    details = "\n".join(f"{v['impact']}: {v['id']} - {v['help']}: "
                        + "; ".join(node["target"][0] if node["target"] else "" for node in v["nodes"][:5])
                        for v in violations)
    assert not violations, f"{page.url}:\n{details}"


def signed_text(server: LiveServer, sender: str, body: str, sid: str) -> requests.Response:
    """A text to the line as Twilio would deliver it: form-encoded and signed for the public URL."""
    url = f"{server.url}/twilio/sms"
    form = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender, "To": LINE_NUMBER, "Body": body,
            "NumMedia": "0"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    return requests.post(url, data=urlencode(form), timeout=10, headers={
        "X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"})


def pytest_collection_modifyitems(items):
    """With pytest-xdist (tasks.py runs --dist loadgroup), a module's browser tests go to one
    worker, which starts the module's server and browser once."""
    here = Path(__file__).parent
    for item in items:
        if item.path.parent == here:
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))


# Playwright, with Debian's chromium (browsers cannot be downloaded here)

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed (apt-get install -y chromium); .ci/run installs it"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    flags = CHROMIUM_FLAGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    return {**browser_type_launch_args, "executable_path": executable, "args": flags}


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="module")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser):
    started = launch_browser()
    yield started
    started.close()


@pytest.fixture(scope="module")
def browser_context_args():
    """Instead of the plugin's (session-wide, it needs a session-wide Playwright for its devices)."""
    return {"accept_downloads": True, "locale": "en-GB", "timezone_id": "Europe/London"}
