"""GET /metrics as Prometheus scrapes it, who may read it, and what the logs say."""
import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from freezegun import freeze_time
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import exc, text

from config import TestConfig
from emergency import create_app
from emergency.extensions import db
from emergency.incidents import engine
from emergency.outbox.models import OutboxMessage
from emergency.outbox.service import queue_message
from tests.conftest import NOW, make_api_user
from tests.reports.seed import seed_quarter


def scrape(client, **kwargs):
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}


def samples(family, name=None):
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value for sample in family.samples
            if name is None or sample.name == name}


def test_metrics_need_a_monitor_token(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer cel_not-a-real-token"}).status_code == 401
    coordinator = make_api_user(app, "cora", "coordinator")
    assert client.get("/metrics", headers=coordinator.headers).status_code == 403
    monitor = make_api_user(app, "prom", "monitor")
    assert client.get("/metrics", headers=monitor.headers).status_code == 200
    assert monitor.get("/api/v1/plans").status_code == 403  # a monitor token reads nothing else
    assert monitor.get("/api/v1/incidents").status_code == 403


def test_metrics_are_open_to_allowed_addresses_only(database_url):
    app = create_app(TestConfig(environ={"DATABASE_URL": database_url, "METRICS_ALLOW_FROM": "10.0.0.0/8, ::1"}))
    with app.app_context():
        client = app.test_client()
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.5"}).status_code == 401
        db.engine.dispose()
    with pytest.raises(RuntimeError, match="METRICS_ALLOW_FROM"):
        create_app(TestConfig(environ={"DATABASE_URL": database_url, "METRICS_ALLOW_FROM": "not-an-address"}))


def test_the_scrape_reads_the_database(app):
    seed_quarter()
    queue_message(key="a", channel="sms", to_number="+447700900001", body="x", purpose="ask", now=NOW)
    failed = queue_message(key="b", channel="call", to_number="+447700900001", body="x", purpose="fallback", now=NOW)
    db.session.get(OutboxMessage, failed).status = "failed"
    db.session.commit()
    with freeze_time("2026-04-01 00:00:00"):
        engine.tick(datetime(2026, 4, 1, tzinfo=timezone.utc), instance="engine-a")
    monitor = make_api_user(app, "prom", "monitor")
    with freeze_time("2026-04-01 00:00:30"):
        families = scrape(app.test_client(), headers=monitor.headers)

    # Seeded: I1 I5 resolved; I2 I6 accepted; I3 exhausted; I4 cancelled; I7 and the two outside Q1 open.
    assert samples(families["cel_incidents"]) == {
        ("cel_incidents", (("status", s),)): v
        for s, v in {"open": 3, "accepted": 2, "resolved": 2, "cancelled": 1, "exhausted": 1, "needs_person": 0}.items()}
    # Live: open 3 + accepted 2 + exhausted 1.
    assert families["cel_incidents_live"].samples[0].value == 6
    # First asks after 10 30 60 60 120 300 s; acceptance after 660 900 1200 s and I6's 254 400 s.
    first = samples(families["cel_incident_first_ask_seconds"], "cel_incident_first_ask_seconds_bucket")
    assert first[("cel_incident_first_ask_seconds_bucket", (("le", "30.0"),))] == 2
    assert first[("cel_incident_first_ask_seconds_bucket", (("le", "60.0"),))] == 4
    assert first[("cel_incident_first_ask_seconds_bucket", (("le", "+Inf"),))] == 6
    assert samples(families["cel_incident_first_ask_seconds"], "cel_incident_first_ask_seconds_sum") == {
        ("cel_incident_first_ask_seconds_sum", ()): 580.0}
    accept = samples(families["cel_incident_acceptance_seconds"], "cel_incident_acceptance_seconds_bucket")
    assert accept[("cel_incident_acceptance_seconds_bucket", (("le", "900.0"),))] == 2
    assert accept[("cel_incident_acceptance_seconds_bucket", (("le", "7200.0"),))] == 3
    assert accept[("cel_incident_acceptance_seconds_bucket", (("le", "+Inf"),))] == 4
    assert families["cel_engine_last_tick_age_seconds"].samples[0].value == 30.0
    assert samples(families["cel_outbox_messages"]) == {
        ("cel_outbox_messages", (("channel", "sms"), ("status", "pending"))): 2,  # with the seed's caller text
        ("cel_outbox_messages", (("channel", "call"), ("status", "failed"))): 1}
    assert samples(families["cel_outbox_send_failures"]) == {
        ("cel_outbox_send_failures", (("channel", "call"), ("kind", "fallback"))): 1}
    # Alice covers tier 1 round the clock from the seed's pattern: no holes in the next 14 days.
    assert families["cel_rota_tier1_gap_hours"].samples[0].value == 0
    assert families["cel_engine_tick_seconds"].type == "histogram"
    assert "cel_escalation_step_lateness_seconds" in families


def test_webhook_requests_are_counted_by_route_and_status(app):
    monitor = make_api_user(app, "prom", "monitor")
    client = app.test_client()
    before = samples(scrape(client, headers=monitor.headers)["cel_webhook_requests"])
    client.post("/twilio/sms", data={"From": "+447911123456", "Body": "hello"})  # no signature: refused
    after = samples(scrape(client, headers=monitor.headers)["cel_webhook_requests"])
    # Earlier tests in this process may have counted other answers on the same route.
    key = next(k for k in after if dict(k[1]).get("route") == "/twilio/sms" and dict(k[1])["status"] == "403")
    assert after[key] == before.get(key, 0) + 1


def test_the_monitor_role_is_given_by_the_users_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "prom", "--name", "Prometheus", "--role", "monitor"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "token", "prom"])
    token = next(word for word in result.output.split() if word.startswith("cel_"))
    assert app.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def log_lines(app, capsys, log):
    log()
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_json_logs_are_one_object_per_line_with_the_incident_id_and_no_tokens(database_url, capsys):
    app = create_app(TestConfig(environ={"DATABASE_URL": database_url, "LOG_FORMAT": "json"}))
    with app.app_context():
        lines = log_lines(app, capsys, lambda: (
            app.logger.warning("engine: incident %s failed its step", 42, extra={"incident_id": 42}),
            app.logger.info("token used: cel_AbCdEfGhIjKlMnOpQrStUv and Authorization: Bearer abc.def"),
        ))
        db.engine.dispose()
    first, second = (json.loads(line) for line in lines)
    assert first["incident_id"] == 42 and first["level"] == "warning" and first["message"].endswith("failed its step")
    assert "cel_AbCd" not in second["message"] and "abc.def" not in second["message"]
    assert second["message"] == "token used: [redacted] and Authorization: [redacted]"


def test_text_logs_are_readable_and_carry_the_incident_id(database_url, capsys):
    app = create_app(TestConfig(environ={"DATABASE_URL": database_url}))
    with app.app_context():
        lines = log_lines(app, capsys, lambda: app.logger.error("engine: incident 7 failed", extra={"incident_id": 7}))
        db.engine.dispose()
    assert len(lines) == 1 and lines[0].endswith("ERROR emergency: engine: incident 7 failed [incident 7]")


def test_database_errors_in_logs_carry_no_parameters(app):
    with pytest.raises(exc.DBAPIError) as raised:
        db.session.execute(text("INSERT INTO nowhere VALUES (:x)"), {"x": "Donepezil 10 mg"})
    db.session.rollback()
    assert "Donepezil" not in str(raised.value)
    assert logging.getLogger("emergency").handlers  # the app's handler is in place


WORKER = """
import sys
from config import TestConfig
from emergency import create_app

app = create_app(TestConfig(environ={"DATABASE_URL": sys.argv[1], "METRICS_ALLOW_FROM": "127.0.0.1"}))
with app.app_context():
    client = app.test_client()
    if sys.argv[2] == "webhook":
        client.post("/twilio/sms", data={"From": "+447911123456", "Body": "hello"})
    else:
        sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""


def test_in_process_metrics_add_up_over_several_worker_processes(database_url, tmp_path):
    shared = tmp_path / "metrics"  # its own directory: the library reads every *.db file in it
    shared.mkdir()
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    root = Path(__file__).resolve().parents[2]

    def worker(*args):
        done = subprocess.run([sys.executable, "-c", WORKER, database_url, *args], env=environment, cwd=root,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    worker("webhook")
    worker("webhook")
    families = {f.name: f for f in text_string_to_metric_families(worker("scrape"))}
    counted = [s for s in families["cel_webhook_requests"].samples if s.name == "cel_webhook_requests_total"]
    assert len(counted) == 1 and counted[0].labels["route"] == "/twilio/sms" and counted[0].value == 2
    assert "cel_incidents" in families  # the database's figures come with them
