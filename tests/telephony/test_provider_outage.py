"""Twilio cannot be reached for ten minutes: asks wait instead of failing, the escalation keeps
its clock, coordinators are told (console, /health, email through a real SMTP server), and
every waiting ask goes exactly once when Twilio is back."""
import dataclasses
import re
from collections import Counter
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import closing, engine
from emergency.incidents.models import IncidentEvent, Page
from emergency.outbox import sender
from emergency.outbox.models import OutboxMessage
from emergency.outbox.service import queue_message
from emergency.outbox.smtp_transport import SmtpTransport
from emergency.outbox.transport import SendFailed
from emergency.users import service as users
from tests.console.client import Browser
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.smtp_server import smtp_certificate, smtp_server  # noqa: F401  fixtures
from tests.telephony.conftest import TwilioStandIn, refused_connection, twilio_account

SUE, PRIYA = "+447700900456", "+447700900101"
PASSWORD = "correct horse battery"
# The SMTP server's event loop runs on real time in its own thread.
REAL_TIME_FOR = ["asyncio", "aiosmtpd"]


class TwilioThatCanGoDown(TwilioStandIn):
    """While `down`, every request is refused at the connection, as when Twilio is unreachable."""

    def __init__(self):
        super().__init__()
        self.down, self.refused = False, 0

    def request(self, method, uri, *args, **kwargs):
        if self.down:
            self.refused += 1
            raise refused_connection(uri)
        return super().request(method, uri, *args, **kwargs)


@pytest.fixture
def twilio(app):
    return twilio_account(app, TwilioThatCanGoDown())


@pytest.fixture
def mail(app, smtp_server):  # noqa: F811  the fixture imported above
    inbox, url, ca_file = smtp_server
    app.config["SMTP_URL"] = url
    outbox = app.extensions["outbox"]
    outbox.transports = dataclasses.replace(outbox.transports, email=SmtpTransport(
        url, "Carers Emergency Line <line@council.example>", ca_file=ca_file))
    return inbox


def run_line(app, moment):
    """One turn of the scheduler's two jobs at `moment`."""
    with freeze_time(moment, ignore=REAL_TIME_FOR):
        engine.tick(utc_now())
        sender.send_due(utc_now())


def health(client, moment):
    with freeze_time(moment, ignore=REAL_TIME_FOR):
        return client.get("/health")


def board(browser, moment):
    with freeze_time(moment, ignore=REAL_TIME_FOR):
        response = browser.client.get("/console/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_ten_minute_twilio_outage_delays_asks_but_burns_nothing(app, world, phone, twilio, mail):
    users.set_password(world.coordinator, PASSWORD)
    users.set_email(world.coordinator, "cora.jones@council.example")
    db.session.commit()
    browser = Browser(app)
    with freeze_time(THURSDAY_NIGHT, ignore=REAL_TIME_FOR):
        assert browser.log_in("cora", PASSWORD).status_code == 302

    twilio.down = True
    with freeze_time(THURSDAY_NIGHT, ignore=REAL_TIME_FOR):
        phone.text("07911 123456", f"Margaret has had a fall, card {world.plan.card_number}")
    run_line(app, THURSDAY_NIGHT)
    back_at = THURSDAY_NIGHT + timedelta(minutes=10, seconds=30)
    moment = THURSDAY_NIGHT
    while moment < back_at:
        if moment == THURSDAY_NIGHT + timedelta(minutes=1, seconds=45):
            # Under two minutes: a blip, not yet an outage to report.
            assert health(client := app.test_client(), moment).status_code == 200
            assert "cannot reach Twilio" not in board(browser, moment)
            assert mail.received == []
        if moment == THURSDAY_NIGHT + timedelta(minutes=2, seconds=15):
            answer = health(client, moment)
            assert answer.status_code == 503
            assert "cannot reach Twilio since 22:00 — 2 messages waiting" in answer.json["status"]
            banner = re.search(r'class="govuk-notification-banner app-banner--alert" role="alert".*?'
                               r'<p class="govuk-notification-banner__heading">([^<]*)</p>', board(browser, moment), re.S)
            assert banner.group(1) == "Cannot reach Twilio since 22:00 — 2 messages waiting"
        moment += timedelta(seconds=15)
        run_line(app, moment)

    # Nothing was marked failed while Twilio could not be reached, and the escalation kept its
    # clock: at 22:10 it moved on from Susan to the rota (Tom is not available on Thursdays).
    statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.channel != "email")).all()
    assert "failed" not in statuses and twilio.refused > 20
    assert db.session.scalars(select(Page.status).order_by(Page.id)).all() == ["open", "open"]
    assert db.session.scalar(select(IncidentEvent).where(IncidentEvent.kind == "delivery failed")) is None

    # One email to the coordinator, through the real SMTP server, over STARTTLS.
    [email] = mail.received
    assert email["to"] == ["cora.jones@council.example"] and email["tls"]
    assert email["subject"] == "Carers Emergency Line: cannot reach Twilio since 22:00 — 2 messages waiting"
    assert "Texts and calls are kept" in email["body"]

    twilio.down = False
    for step in range(1, 7):  # the longest wait between tries is a minute
        run_line(app, back_at + timedelta(seconds=15 * step))
    handed_over = Counter((r["data"]["To"], r["uri"].rsplit("/", 1)[1]) for r in twilio.requests)
    assert handed_over == {(SUE, "Messages.json"): 1, (SUE, "Calls.json"): 1,
                           (PRIYA, "Messages.json"): 1, (PRIYA, "Calls.json"): 1}
    asks = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "ask").order_by(OutboxMessage.id)).all()
    assert [(m.to_number, m.channel, m.status) for m in asks] == [
        (SUE, "sms", "sent"), (SUE, "call", "sent"), (PRIYA, "sms", "sent"), (PRIYA, "call", "sent")]
    later = back_at + timedelta(minutes=2)
    assert health(client, later).status_code == 200
    assert "cannot reach Twilio" not in board(browser, later)
    assert len(mail.received) == 1  # told once per outage


def test_asks_of_an_incident_closed_during_the_outage_are_never_sent(app, world, phone, twilio):
    twilio.down = True
    with freeze_time(THURSDAY_NIGHT):
        phone.text("07911 123456", world.plan.card_number)
    run_line(app, THURSDAY_NIGHT)
    incident = db.session.scalar(select(Page)).incident
    closing.cancel(incident, "false alarm: Margaret is home", THURSDAY_NIGHT + timedelta(minutes=1), by="cora")
    db.session.commit()
    twilio.down = False
    run_line(app, THURSDAY_NIGHT + timedelta(minutes=2))
    assert twilio.requests == []
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"cancelled"}


def test_a_mail_server_that_refuses_the_address_fails_the_email_at_once(app, world, mail):
    smtp = app.extensions["outbox"].transports.email
    smtp.send_email("cora.jones@council.example", "test", "hello", "outbox-test-1")
    assert [m["subject"] for m in mail.received] == ["test"]
    unreachable = SmtpTransport("smtp://127.0.0.1:1", "line@council.example", timeout=2)
    with pytest.raises(SendFailed) as failure:
        unreachable.send_email("cora.jones@council.example", "test", "hello", "outbox-test-2")
    assert failure.value.transient
    queue_message(key="t", channel="email", to_email="cora.jones@council.example", subject="Rota gaps",
                  body="nobody on first call", purpose="rota_gap_alert", now=THURSDAY_NIGHT)
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT, ignore=REAL_TIME_FOR):
        sender.send_due(utc_now())
    assert [m["subject"] for m in mail.received] == ["test", "Rota gaps"]
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"
