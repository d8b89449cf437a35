"""Several senders on one PostgreSQL database hand each message over exactly once; a commit
that queues work wakes the scheduler's jobs at once instead of waiting for the poll."""
import threading
from collections import Counter

from sqlalchemy import select

from emergency.extensions import db
from emergency.outbox import sender
from emergency.outbox.local_transport import LocalTransport
from emergency.outbox.models import OutboxMessage
from emergency.outbox.sender_pool import SenderPool
from emergency.outbox.service import queue_message
from emergency.outbox.setup import Outbox
from emergency.outbox.transport import Transports
from emergency.outbox.twilio_transport import TwilioTransport
from emergency.scheduling import Nudges, listen_for_work
from tests.conftest import NOW
from tests.integration.test_engine_guarantees import postgres_only, run_in_threads
from tests.telephony.conftest import AUTH_TOKEN, LINE_NUMBER, TwilioStandIn

MESSAGES = 300


@postgres_only
def test_four_senders_with_pools_hand_each_of_300_messages_over_once(app):
    for index in range(MESSAGES):
        queue_message(key=f"bulk:{index}", channel="sms", to_number=f"+4420794{index:05d}", body=f"message {index}",
                      purpose="rota_gap_alert", now=NOW)
    db.session.commit()
    stand_in = TwilioStandIn()
    twilio = TwilioTransport("AC" + "0" * 32, AUTH_TOKEN, LINE_NUMBER, "https://line.example.org/twilio/status",
                             api_url="https://api.stand-in.test", http_client=stand_in)
    # Four processes' outboxes, each with its own pool of 8 threads.
    outboxes = [Outbox(Transports(sms=twilio, voice=twilio, email=LocalTransport()), SenderPool(8)) for _ in range(4)]
    try:
        handed = run_in_threads(app, 4, lambda i: sender.send_due(NOW, outboxes[i]))
    finally:
        for outbox in outboxes:
            outbox.close()
    assert sum(handed) == MESSAGES  # between them; how they shared it depends on timing
    per_number = Counter(r["data"]["To"] for r in stand_in.requests)
    assert len(per_number) == MESSAGES and set(per_number.values()) == {1}
    db.session.expire_all()
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_a_commit_that_queues_a_message_runs_the_sender_at_once(app):
    ran, woke = [], threading.Event()

    class Scheduler:  # the one call Nudges makes of APScheduler
        def modify_job(self, job_id, next_run_time):
            ran.append(job_id)
            woke.set()

    nudges = app.extensions["nudges"] = Nudges()
    nudges.scheduler = Scheduler()
    queue_message(key="one", channel="sms", to_number="+447700900456", body="hello", purpose="caller_update", now=NOW)
    assert ran == []  # not before it commits
    db.session.commit()
    assert ran == ["outbox-send"]
    queue_message(key="two", channel="sms", to_number="+447700900456", body="hello", purpose="caller_update", now=NOW)
    db.session.rollback()
    db.session.commit()
    assert ran == ["outbox-send"]  # rolled back: nothing to send, no nudge


def test_work_queued_in_a_savepoint_wakes_the_sender_when_its_transaction_commits_not_before(app):
    # The engine takes each step in a savepoint and commits a few together: a nudge at a
    # savepoint's release would send the sender looking before the message can be seen, and a
    # later step's savepoint rolled back must not lose the earlier step's nudge.
    ran = []

    class Scheduler:
        def modify_job(self, job_id, next_run_time):
            ran.append(job_id)

    nudges = app.extensions["nudges"] = Nudges()
    nudges.scheduler = Scheduler()
    with db.session.begin_nested():
        queue_message(key="one", channel="sms", to_number="+447700900456", body="hello", purpose="caller_update",
                      now=NOW)
    try:
        with db.session.begin_nested():
            raise ValueError("a later step fails")
    except ValueError:
        pass
    assert ran == []  # released, but nothing is committed yet
    db.session.commit()
    assert ran == ["outbox-send"]


def test_a_nudge_while_the_job_runs_makes_it_run_again(app):
    nudges, runs = Nudges(), []

    def job():
        runs.append(len(runs))
        if len(runs) == 1:
            nudges.nudge("outbox")  # work committed while this run was busy

    nudges.run("outbox", job)
    assert runs == [0, 1]


@postgres_only
def test_an_engine_in_another_process_is_woken_by_notify_when_a_web_worker_commits(app):
    ran, woke = [], threading.Event()

    class Scheduler:
        def modify_job(self, job_id, next_run_time):
            ran.append(job_id)
            if job_id == "outbox-send" and len(ran) > 2:
                woke.set()

    engine_app = app  # the engine's own connection LISTENs; the commit below is another session's
    nudges = engine_app.extensions["nudges"] = Nudges()
    nudges.scheduler = Scheduler()
    stop = threading.Event()
    listener = listen_for_work(engine_app, stop)
    try:
        for _ in range(100):  # listening: it nudges both jobs once on connecting
            if len(ran) >= 2:
                break
            stop.wait(0.05)
        assert sorted(ran) == ["escalation-tick", "outbox-send"]
        del app.extensions["nudges"]  # the committing "web worker" has no scheduler of its own
        queue_message(key="one", channel="sms", to_number="+447700900456", body="hello", purpose="caller_update", now=NOW)
        db.session.commit()
        assert woke.wait(5)
    finally:
        stop.set()
        listener.join(5)
