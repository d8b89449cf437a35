"""Secrets that the probe of issue 12 found lying about (findings 5, 6, 10 and 13): the details
link in the outbox, the essentials in stored webhook answers, tokens in request logs, and the
local outbox transport's log."""
import logging
import re
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from freezegun import freeze_time
from gunicorn.config import Config as GunicornConfig
from sqlalchemy import select
from werkzeug.serving import make_server

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.gunicorn_logging import RedactingLogger
from emergency.incidents import closing
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.outbox import sender
from emergency.outbox.local_transport import LocalTransport
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.redaction import redact_secret_links, redact_secrets
from emergency.telephony.models import InboundRequest
from emergency.users import service as users
from tests.conftest import make_api_user
from tests.console.client import PASSWORD, Browser
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import query
from tests.telephony.test_calls import said, twiml

CALLER, SUE = "07911 123456", "+447700900456"
LINK = re.compile(r"https://line\.example\.org(/details/[A-Za-z0-9_-]+)")


def accepted_by_text(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
        code = db.session.scalar(select(Page.code))
        phone.text("07700 900456", f"ACCEPT {code}")
    details = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "details"))
    return details, LINK.search(details.body).group(1)


def test_once_handed_to_the_provider_the_outbox_keeps_only_a_redacted_link(app, world, phone, twilio):
    details, path = accepted_by_text(world, phone)
    coordinator = make_api_user(app, "carol", "coordinator")
    listed = coordinator.get("/api/v1/outbox", query_string={"purpose": "details"}).json
    assert path not in listed[0]["body"] and "/details/[redacted]" in listed[0]["body"]  # not even before

    with freeze_time(THURSDAY_NIGHT + timedelta(seconds=5)):
        sender.send_due(THURSDAY_NIGHT + timedelta(seconds=5))
    db.session.expire_all()
    assert path not in db.session.get(OutboxMessage, details.id).body
    assert "/details/[redacted]" in db.session.get(OutboxMessage, details.id).body
    assert any(path in message["Body"] for message in twilio.sent())  # Sue got the real link
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=1)):
        assert app.test_client().get(path).status_code == 200


@pytest.mark.parametrize("close", ["resolve", "cancel"])
def test_the_details_link_stops_working_when_the_incident_is_closed(app, world, phone, close):
    _, path = accepted_by_text(world, phone)
    client = app.test_client()
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=5)):
        assert client.get(path).status_code == 200
        incident = db.session.scalar(select(Incident))
        if close == "resolve":
            closing.resolve(incident, THURSDAY_NIGHT + timedelta(minutes=5), "cora")
        else:
            closing.cancel(incident, "false alarm", THURSDAY_NIGHT + timedelta(minutes=5), "cora")
        db.session.commit()
        gone = client.get(path)
    assert gone.status_code == 404 and "expired" in gone.get_data(as_text=True)


def test_every_view_of_the_details_records_who_viewed_it(app, world, phone):
    _, path = accepted_by_text(world, phone)
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=5)):
        app.test_client().get(path, environ_base={"REMOTE_ADDR": "192.0.2.44"})
        cora = Browser(app)
        cora.log_in("cora")
        assert cora.client.get(path).status_code == 200
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.details_viewed_by_accepter")
                               .order_by(AuditEvent.id)).all()
    page_id = db.session.scalar(select(Incident.accepted_page_id))
    assert [(v.actor, v.user_id) for v in views] == [(f"accepter of ask {page_id}", None),
                                                     ("cora", world.coordinator.id)]
    # ids only, as everywhere in the append-only log: no names, numbers or addresses.
    incident_id = db.session.scalar(select(Incident.id))
    assert views[0].detail == f"incident {incident_id}, ask {page_id} (contact)"
    assert views[1].detail == f"incident {incident_id}, ask {page_id} (contact), opened by console user {world.coordinator.id}"
    timeline = db.session.scalars(select(IncidentEvent.detail).where(IncidentEvent.kind == "details viewed")
                                  .order_by(IncidentEvent.id)).all()
    assert timeline == ["Susan Hughes (the link sent to them)", "Cora Jones (coordinator, in the console)"]


def accept_by_call(phone, page, call_sid="CA" + "5" * 32):
    with freeze_time(THURSDAY_NIGHT):
        return phone.call_step(query(f"/twilio/ask/{page.id}/answer", attempt=1), "+441134960500", digits="1",
                               call_sid=call_sid)


def test_a_stored_call_answer_keeps_no_essentials_and_a_repeat_reads_them_as_they_are_now(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
    page = db.session.scalar(select(Page).where(Page.phone == SUE))
    first = said(twiml(accept_by_call(phone, page)))
    assert "8 6 4 2" in first and "14 Brudenell Grove" in first and "Donepezil" in first
    [kept] = db.session.scalars(select(InboundRequest.answer).where(InboundRequest.key.like("ask:%"))).all()
    for secret in ("8 6 4 2", "8642", "Brudenell", "Donepezil", "LS6"):
        assert secret not in kept

    plans.set_key_safe_code(world.plan, "1357", by=world.coordinator, now=THURSDAY_NIGHT)
    db.session.commit()
    again = said(twiml(accept_by_call(phone, page)))  # Twilio repeats the request
    assert "1 3 5 7" in again and "8 6 4 2" not in again
    assert db.session.scalar(select(Incident.status)) == "accepted"

    closing.resolve(db.session.scalar(select(Incident)), THURSDAY_NIGHT + timedelta(hours=1), "cora")
    db.session.commit()
    after = said(twiml(accept_by_call(phone, page)))
    assert "1 3 5 7" not in after and "Brudenell" not in after and "details are in the text" in after


def _serve_once(app, path):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=10)
    except urllib.error.HTTPError:
        pass
    thread.join(timeout=10)
    server.server_close()


@pytest.mark.parametrize("path", ["/details/Zm9vYmFyc2VjcmV0dG9rZW4xMjM0", "/feeds/c2VjcmV0ZmVlZHRva2VuNTY3OA.ics"])
def test_secret_tokens_never_reach_the_servers_request_log(app, caplog, path):
    caplog.set_level(logging.INFO)
    _serve_once(app, path)
    token = path.split("/")[2].removesuffix(".ics")
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("[redacted]" in line for line in lines), lines
    assert not any(token in line for line in lines)


@pytest.mark.parametrize("path", ["/details%2FZm9vYmFyc2VjcmV0dG9rZW4xMjM0", "/%64etails/Zm9vYmFyc2VjcmV0dG9rZW4xMjM0",
                                  "/feeds%2FZm9vYmFyc2VjcmV0dG9rZW4xMjM0.ics", "/%64etails%2FZm9vYmFyc2VjcmV0dG9rZW4xMjM0"])
def test_a_secret_token_behind_an_encoded_address_never_reaches_the_request_log(app, caplog, path):
    caplog.set_level(logging.INFO)
    _serve_once(app, path)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("[redacted]" in line for line in lines), lines
    assert not any("Zm9vYmFyc2VjcmV0dG9rZW4xMjM0" in line for line in lines), lines
    assert "Zm9vYmFyc2VjcmV0dG9rZW4xMjM0" not in redact_secret_links(f"GET {path}?x=1 HTTP/1.1")


def test_the_gunicorn_access_log_redacts_tokens_in_every_field():
    config = GunicornConfig()
    config.set("accesslog", "-")
    namespace = {}
    exec(Path("gunicorn.conf.py").read_text(), namespace)  # the repository's own gunicorn settings
    config.set("logger_class", namespace["logger_class"])
    config.set("access_log_format", namespace["access_log_format"])
    assert config.logger_class is RedactingLogger
    logger = config.logger_class(config)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(handler)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/details%2FSECRETtoken1?x=1", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/details/SECRETtoken1", "QUERY_STRING": "x=1", "REMOTE_ADDR": "192.0.2.1",
               "HTTP_REFERER": "https://line.example.org/feeds/SECRETtoken2.ics", "HTTP_USER_AGENT": "phone"}
    logger.access(SimpleNamespace(status="200 OK", sent=10, headers=[]), SimpleNamespace(headers=[]), environ,
                  timedelta(milliseconds=12))
    assert len(lines) == 1 and "/details/[redacted]" in lines[0] and "/feeds/[redacted]" in lines[0]
    assert "SECRETtoken" not in lines[0]


def test_the_local_outbox_transport_logs_every_message_at_the_default_level_without_secrets(app, caplog):
    LocalTransport().send_sms("+447700900456", "Carers Emergency Line: thank you for going. What you need "
                              "to know: https://line.example.org/details/SECRETtoken3 (works for 24 hours).",
                              "outbox-1")
    LocalTransport().start_call("+447700900456", "https://line.example.org/twilio/ask/3", "outbox-2")
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("outbox (local)")]
    assert len(lines) == 2 and "+447700900456" in lines[0] and "/details/[redacted]" in lines[0]
    assert "SECRETtoken3" not in " ".join(lines)


def test_a_report_charts_address_which_carries_its_figures_is_kept_out_of_logs():
    line = 'GET /console/reports/chart/.eJwrSS0u0c3JTEvNVbIqUbJSSklNK1ayqgYAc5sI7w.ZkV3.sig.svg HTTP/1.1'
    assert redact_secrets(line) == "GET /console/reports/chart/[redacted] HTTP/1.1"
