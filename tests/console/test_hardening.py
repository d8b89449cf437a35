"""Hardening that users of such a service expect (issue 12): security headers with a strict
Content-Security-Policy that the pages keep to, and `flask security check`."""
import base64
import hashlib
import re
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from config import TestConfig
from emergency import create_app, demo
from emergency.extensions import db
from emergency.incidents import answers
from emergency.incidents.models import Page
from emergency.outbox.models import OutboxMessage
from emergency.users import service as users
from tests.conftest import NOW
from tests.console.client import PASSWORD, Browser
from tests.console.test_console import open_incident
from tests.scenarios.conftest import THURSDAY_NIGHT

INLINE = re.compile(r"<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
SCRIPT_FILE = re.compile(r"<script([^>]*)\bsrc=\"([^\"]+)\"", re.IGNORECASE)


def script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_console_and_details_pages_carry_a_strict_policy_and_keep_to_it(app, world):  # noqa: F811
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    incident = open_incident(world)
    with freeze_time(THURSDAY_NIGHT):
        answers.accept(db.session.scalar(select(Page)), THURSDAY_NIGHT)
        db.session.commit()
        link = re.search(r"(/details/[A-Za-z0-9_-]+)", _details_body()).group(1)
        cora = Browser(app)
        cora.log_in("cora")
        responses = {path: cora.client.get(path) for path in (
            "/console/login", "/console/", f"/console/incidents/{incident.id}", "/console/outbox", "/console/opt-outs",
            link, "/")}
    for path, response in responses.items():
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")  # https base URL
        page = response.get_data(as_text=True)
        assert not INLINE.search(page), path
        # GOV.UK Frontend's one inline line runs because the policy names its hash; nothing else inline.
        scripts = INLINE_SCRIPT.findall(page)
        assert len(scripts) == 1 and "js-enabled" in scripts[0], path
        script_sources = re.search(r"script-src ([^;]+)", policy).group(1).split()
        assert script_sources == ["'self'", script_hash(scripts[0])], path
        # Every other script is a module from the service itself.
        assert all('type="module"' in attributes and source.startswith("/static/")
                   for attributes, source in SCRIPT_FILE.findall(page)), path
    stylesheet = cora.client.get("/static/app.css")
    assert stylesheet.status_code == 200 and "font-family: arial" in stylesheet.get_data(as_text=True)
    stylesheet.close()  # a file served from disk stays open until its response is closed


def _details_body():
    return db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "details"))


def test_the_api_docs_cannot_be_framed_by_another_site(client):
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "frame-ancestors 'none'" in docs.headers["Content-Security-Policy"]
    assert docs.headers["X-Frame-Options"] == "DENY"


def test_no_response_carrying_personal_data_may_be_cached(app, world, admin):
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    plan = world.plan
    cora = Browser(app)
    cora.log_in("cora")
    responses = [admin.get(path) for path in (
        f"/api/v1/plans/{plan.id}", f"/api/v1/plans/{plan.id}/key-safe", "/api/v1/plans", "/api/v1/incidents",
        "/api/v1/rota/officers", "/api/v1/plans/4242")]
    responses.append(cora.client.get(f"/console/plans/{plan.id}/key-safe"))
    responses.append(cora.client.post(f"/console/plans/{plan.id}/key-safe/reveal", data={"csrf": cora.csrf}))
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    stylesheet = cora.client.get("/static/console.css")
    assert stylesheet.headers.get("Cache-Control") != "no-store"  # assets may be kept
    stylesheet.close()


def test_no_hsts_when_the_service_is_reached_over_plain_http(database_url):
    settings = TestConfig(environ={"DATABASE_URL": database_url})
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    http_app = create_app(settings)
    with http_app.app_context():
        response = http_app.test_client().get("/console/login")
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def run_check(app):
    return app.test_cli_runner().invoke(args=["security", "check"])


def test_security_check_lists_what_a_production_deployment_has_wrong(app):
    app.config.update(SECRET_KEY="short-secret", PUBLIC_BASE_URL="http://line.example.org",
                      TWILIO_AUTH_TOKEN=None, FALLBACK_PHONE_NUMBER=None)
    with freeze_time(NOW):
        demo.load(NOW)
        nopass = users.create_user("nopass", "No Password", "coordinator", NOW)
        users.issue_token(nopass, "old laptop", NOW - timedelta(days=400))
        db.session.commit()
        result = run_check(app)
    assert result.exit_code == 1
    out = result.output
    for wrong in ("SECRET_KEY is 12 characters", "PUBLIC_BASE_URL is http://line.example.org",
                  "TWILIO_AUTH_TOKEN is not set", "FALLBACK_PHONE_NUMBER is not set", "demo data is present",
                  "user nopass has no password", "API token 2 of nopass is from 2025-10-18, over a year old"):
        assert f"WRONG: {wrong}" in out, out
    assert "API token 1" not in out  # the demo's token is new


def test_security_check_passes_a_deployment_with_nothing_wrong(app):
    app.config.update(SECRET_KEY="k" * 48, PUBLIC_BASE_URL="https://line.example.org",
                      TWILIO_AUTH_TOKEN="a-token", FALLBACK_PHONE_NUMBER="+441134960000")
    cora = users.create_user("cora", "Cora Jones", "coordinator", NOW)
    users.set_password(cora, PASSWORD)
    users.issue_token(cora, "laptop", NOW)
    db.session.commit()
    with freeze_time(NOW + timedelta(days=30)):
        result = run_check(app)
    assert result.exit_code == 0, result.output
    assert "WRONG" not in result.output and "nothing wrong found" in result.output


def test_the_development_default_secret_is_called_out(app):
    app.config.update(SECRET_KEY="dev-only-not-secret")
    result = run_check(app)
    assert result.exit_code == 1 and "WRONG: SECRET_KEY is the development default" in result.output
