"""The restore drill of docs/backup-and-restore.md: a service in the middle of escalations is
backed up with pg_dump while a text is on its way to Twilio, carries on for a minute, and is
lost; the backup is restored with pg_restore into a fresh PostgreSQL server (other premises)
and the service started there carries on: every due step is taken once, the open incidents go
on, and the only texts and calls sent twice are those the runbook says may repeat."""
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import make_url, select

import tasks
from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.incidents.models import Incident, Page
from emergency.outbox import sender
from emergency.outbox.models import OutboxMessage
from emergency.outbox.sender_pool import SenderPool
from emergency.plans import service as plans
from tests.conftest import make_app, plan_payload
from tests.integration.test_engine_guarantees import postgres_only
from tests.scenarios.conftest import THURSDAY_NIGHT, World
from tests.telephony.conftest import Phone, TwilioStandIn, twilio_account

FALLBACK = "+441134960000"
SUE, PRIYA = "+447700900456", "+447700900101"
CONTACT_B, CONTACT_C = "+447700900611", "+447700900622"
WAIT = timedelta(minutes=10)


def minutes(n):
    return THURSDAY_NIGHT + timedelta(minutes=n)


class BackupDuringASend(TwilioStandIn):
    """Twilio's stand-in, which runs the backup inside the first request after `take_backup_during_next_send`."""

    def __init__(self):
        super().__init__()
        self._backup, self._armed = None, threading.Lock()

    def take_backup_during_next_send(self, backup):
        self._backup = backup

    def request(self, method, uri, *args, **kwargs):
        with self._armed:
            backup, self._backup = self._backup, None
        if backup is not None:
            backup()
        return super().request(method, uri, *args, **kwargs)


def through_twilio(app, stand_in):
    app.config.update(FALLBACK_PHONE_NUMBER=FALLBACK)
    twilio_account(app, stand_in)


def libpq_url(url) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    bin_dir = tasks.find_postgres_bin_dir()
    if bin_dir is None:
        pytest.fail("the restore drill needs PostgreSQL's pg_dump and pg_restore (tasks.py finds the server's)")
    return str(Path(bin_dir) / name)


def pg_dump(database_url, path):
    subprocess.run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), libpq_url(database_url)],
                   check=True, capture_output=True)


def pg_restore(path, database_url):
    subprocess.run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--dbname",
                    libpq_url(database_url), str(path)], check=True, capture_output=True)


def plan_with_one_contact(mobile, name):
    contact = {"name": name, "relationship": "son", "mobile": mobile, "consent": {"status": "given", "recorded_on": "2026-01-10"}}
    plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=[contact])), by=None, now=THURSDAY_NIGHT)
    db.session.commit()
    return plan


def sent_asks(except_ids=frozenset()):
    """(incident, number, channel) of each ask handed to Twilio, by outbox id."""
    rows = db.session.execute(
        select(OutboxMessage.id, Page.incident_id, OutboxMessage.to_number, OutboxMessage.channel)
        .join(Page, OutboxMessage.page_id == Page.id)
        .where(OutboxMessage.purpose == "ask", OutboxMessage.status == "sent")
    ).all()
    return {row.id: (row.incident_id, row.to_number, row.channel) for row in rows if row.id not in except_ids}


def sent_ids():
    return set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "sent")))


def state_of_incidents():
    return {incident.id: (incident.status, incident.step, incident.next_action_at)
            for incident in db.session.scalars(select(Incident).order_by(Incident.id))}


@postgres_only
def test_a_backup_taken_mid_escalation_restored_on_another_server_carries_on(app, tmp_path):
    # The first premises: three incidents opened by text, at 22:00, 22:04 and 22:08.
    twilio = BackupDuringASend()
    through_twilio(app, twilio)
    # One send at a time, so the backup sees exactly one in flight. The pool is made with the
    # outbox, so a smaller setting now would not shrink it: the test gives the outbox its own.
    app.extensions["outbox"].pool = SenderPool(1)
    world = World(app)
    plan_b, plan_c = plan_with_one_contact(CONTACT_B, "Ben Okafor"), plan_with_one_contact(CONTACT_C, "Cat Evans")
    phone = Phone(app.test_client())
    for at, plan, caller in ((0, world.plan, "+447911123401"), (4, plan_b, "+447911123402"),
                             (8, plan_c, "+447911123403")):
        with freeze_time(minutes(at)):
            assert phone.text(caller, plan.card_number).status_code == 200
            if plan is not plan_c:  # C's asks wait in the outbox until 22:10:30
                sender.send_due(utc_now())
    incident_a, incident_b, incident_c = db.session.scalars(select(Incident.id).order_by(Incident.id)).all()

    # 22:10:30: A's second step is due (not yet taken) and C's first ask is with Twilio when
    # the nightly backup runs.
    backup = tmp_path / "line.dump"
    twilio.take_backup_during_next_send(lambda: pg_dump(app.config["SQLALCHEMY_DATABASE_URI"], backup))
    with freeze_time(minutes(10.5)):
        sender.send_due(utc_now())
    assert backup.stat().st_size > 0
    # The first premises carry on for half a minute (A's second step: Priya is asked), then are lost.
    with freeze_time(minutes(11)):
        assert engine.tick(utc_now()) == 1
        sender.send_due(utc_now())
    sent_by_the_lost_service = set(sent_asks().values())
    assert {(a, to) for a, to, _ in sent_by_the_lost_service} == {
        (incident_a, SUE), (incident_b, CONTACT_B), (incident_c, CONTACT_C), (incident_a, PRIYA)}
    db.session.remove()

    # Other premises, 22:30: a fresh server, the backup restored, the service started on it.
    with tasks.throwaway_postgres(tasks.find_postgres_bin_dir()) as port:
        restored_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{tasks.TEST_DB_NAME}"
        pg_restore(backup, restored_url)
        restored = make_app(restored_url)
        through_twilio(restored, twilio)  # the same Twilio account, reached from the other premises
        with restored.app_context():
            try:
                carry_on_after_restore(restored, twilio, sent_by_the_lost_service,
                                       (incident_a, incident_b, incident_c))
            finally:
                restored.extensions["outbox"].close()
                db.session.remove()
                db.engine.dispose()


def carry_on_after_restore(restored, twilio, sent_by_the_lost_service, incident_ids):
    incident_a, incident_b, incident_c = incident_ids
    at_backup = state_of_incidents()
    assert [status for status, _, _ in at_backup.values()] == ["open"] * 3
    assert at_backup[incident_a][2] == minutes(10)  # due, not taken when the backup ran
    sent_before_the_backup = sent_ids()
    in_the_backup = set(sent_asks().values())
    assert {(a, to) for a, to, _ in in_the_backup} == {(incident_a, SUE), (incident_b, CONTACT_B)}

    requests_before = len(twilio.requests)
    restart = minutes(30)
    with freeze_time(restart):
        sender.send_due(utc_now())  # what was waiting to go
        assert engine.tick(utc_now()) == 3  # every due step, once
        assert engine.tick(utc_now()) == 0
        sender.send_due(utc_now())
    db.session.expire_all()

    # The open incidents carry on, each one step further, the next step ten minutes away.
    assert state_of_incidents() == {
        incident: ("open", step + 1, restart + WAIT) for incident, (_, step, _) in at_backup.items()}
    assert len(twilio.requests) - requests_before == len(sent_ids() - sent_before_the_backup)  # each sent once
    sent_after_restore = list(sent_asks(except_ids=sent_before_the_backup).values())
    assert sorted(ask for ask in sent_after_restore if ask[1] == PRIYA) == sorted(
        (incident, PRIYA, channel) for incident in incident_ids for channel in ("sms", "call"))

    # Nothing the backup records as sent goes again. What repeats is what the runbook says may:
    # asks the lost service sent after the backup (A's step to Priya, taken again; C's call,
    # still waiting in the backup). C's text, with Twilio during the backup, is not sent again.
    assert not set(sent_after_restore) & in_the_backup
    assert sorted(set(sent_after_restore) & sent_by_the_lost_service) == sorted(
        [(incident_a, PRIYA, "sms"), (incident_a, PRIYA, "call"), (incident_c, CONTACT_C, "call")])
    assert (incident_c, CONTACT_C, "sms") not in sent_after_restore

    # Someone asked before the backup can still answer: Sue's ACCEPT with her code wins.
    sue_code = db.session.scalar(select(Page.code).where(Page.incident_id == incident_a, Page.phone == SUE))
    with freeze_time(restart + timedelta(minutes=2)):
        answer = Phone(restored.test_client()).text(SUE, f"ACCEPT {sue_code}", sid="SM" + "9" * 32)
    assert answer.status_code == 200
    db.session.expire_all()
    assert db.session.get(Incident, incident_a).status == "accepted"
