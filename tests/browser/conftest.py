"""TEMPORARY stand-in (issue 10b) for the browser-test set-up that the plans half of issue 10
provides: the same names (live_server, logged_in, assert_no_serious_axe_violations, Playwright's
page on Debian's chromium). The lead keeps the other branch's version at the merge."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import flask_migrate
import pytest
from axe_playwright_python.sync_playwright import Axe

from emergency.extensions import db
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class LiveServer:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real server process on a loopback port, over a fresh migrated SQLite database."""
    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'browser.db'}"
    app = make_app(database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "RUN_SCHEDULER": "0", "LOAD_DEMO_DATA": "0",
           "APP_ENV": "development", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    flask = Path(sys.executable).parent / "flask"
    log = open(folder / "server.log", "wb")
    server = subprocess.Popen([str(flask), "--app", "wsgi", "run", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                server.wait(timeout=10)
                log.close()
                raise RuntimeError(f"the server did not start: {(folder / 'server.log').read_text()[-2000:]}") from None
            time.sleep(0.2)
    yield LiveServer(url, database_url)
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_FLAGS}


def logged_in(page, username, password):
    page.goto("/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/console/login" not in url)
    return page


def assert_no_serious_axe_violations(page):
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url
