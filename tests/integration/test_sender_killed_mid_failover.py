"""A sender killed (kill -9) while it hands texts to Notify, Twilio being unreachable, loses and
doubles nothing: on the next run, every text Notify took is recorded with Notify's id and never
sent again, every text not yet handed over goes once through Notify, none through Twilio.

The sender runs in a process of its own, with the real Twilio SDK pointed at a loopback port
nothing listens on (every connection refused) and the real Notify client at the stand-in."""
import os
import socket
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emergency.extensions import db
from emergency.outbox import sender
from emergency.outbox.models import Circuit, OutboxMessage, ProviderHealth
from emergency.outbox.service import queue_message
from emergency.outbox.twilio_transport import TwilioTransport
from tests.notify_stand_in import NOTIFY_SETTINGS, notify_account, notify_stand_in  # noqa: F401  fixture
from tests.telephony.conftest import AUTH_TOKEN, LINE_NUMBER

TEXTS = 40
POOL = 4
SENDER_PROCESS = """
import sys
from datetime import datetime
from config import TestConfig
from emergency import create_app
from emergency.outbox import sender

app = create_app(TestConfig(environ=dict(setting.split("=", 1) for setting in sys.argv[2:])))
with app.app_context():
    sender.send_due(datetime.fromisoformat(sys.argv[1]))
"""


def closed_port() -> int:
    """A loopback port nothing listens on: Twilio "unreachable", connections refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def notify(app, notify_stand_in):  # noqa: F811  the fixture imported above
    return notify_account(app, notify_stand_in)


def test_a_sender_killed_mid_failover_loses_and_doubles_nothing(app, database_url, notify):
    # Real time: the Notify client signs each request with the time now, and the stand-in checks it.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    twilio_url = f"http://127.0.0.1:{closed_port()}"
    db.session.add(ProviderHealth(provider="twilio", failing_since=now - timedelta(minutes=5),
                                  last_error="no answer from Twilio: connection refused", circuit=Circuit.OPEN,
                                  circuit_changed_at=now - timedelta(minutes=4), probe_at=now + timedelta(hours=1)))
    for index in range(TEXTS):
        queue_message(key=f"ask:{index}", channel="sms", to_number=f"+4420794{index:05d}", body=f"ask {index}",
                      purpose="caller_update", now=now)
    db.session.commit()

    settings = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "TWILIO_FROM_NUMBER": LINE_NUMBER, "TWILIO_API_URL": twilio_url, "NOTIFY_BASE_URL": notify.url,
                "SENDER_POOL_SIZE": str(POOL), **NOTIFY_SETTINGS}
    notify.hold(after=10)  # ten go through; then Notify takes each text but its answer never comes back
    root = Path(__file__).resolve().parents[2]
    with subprocess.Popen([sys.executable, "-c", SENDER_PROCESS, now.isoformat(),
                           *(f"{name}={value}" for name, value in settings.items())],
                          cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stderr=subprocess.PIPE) as doomed:
        assert notify.wait_until_held(POOL), "the sender never got as far as handing texts to Notify"
        doomed.kill()
        doomed.wait()
    notify.release()

    db.session.rollback()
    statuses = Counter(db.session.scalars(select(OutboxMessage.status)))
    assert statuses["sending"] == POOL and statuses["pending"] > 0, f"not killed mid-send: {statuses}"
    assert len(notify.texts()) == 10 + POOL

    # The next run, in this process, two minutes on: the same providers, Twilio still unreachable.
    outbox = app.extensions["outbox"]
    twilio = TwilioTransport("AC" + "0" * 32, AUTH_TOKEN, LINE_NUMBER, "https://line.example.org/twilio/status",
                             api_url=twilio_url)
    outbox.transports = type(outbox.transports)(sms=twilio, voice=twilio, email=outbox.transports.email,
                                                sms_backup=outbox.transports.sms_backup)
    sender.send_due(now + timedelta(minutes=2, seconds=5))

    db.session.expire_all()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    references = Counter(text["reference"] for text in notify.texts())
    assert len(references) == TEXTS and set(references.values()) == {1}  # every text once, none twice
    by_reference = {text["reference"]: text["id"] for text in notify.texts()}
    assert [(m.status, m.provider, m.provider_id) for m in messages] == [
        ("sent", "notify", by_reference[f"outbox-{m.id}"]) for m in messages]
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.provider == "twilio")) == 0
