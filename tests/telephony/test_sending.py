"""The outbox sender through the real Twilio SDK to a recording stand-in that fails on demand,
and Twilio's delivery reports coming back."""
import itertools
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine, opening
from emergency.incidents.models import Page
from emergency.outbox import sender
from emergency.outbox.local_transport import LocalTransport
from emergency.outbox.models import OutboxMessage, SmsOptOut
from emergency.outbox.service import queue_message
from emergency.outbox.setup import transports_from_config
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import LINE_NUMBER

SUE, PRIYA = "+447700900456", "+447700900101"


def open_and_send(world, phone, app, at=THURSDAY_NIGHT):
    with freeze_time(at):
        phone.text("07911 123456", world.plan.card_number)
        sender.send_due(utc_now())


def messages(to=None):
    query = select(OutboxMessage).where(OutboxMessage.purpose == "ask").order_by(OutboxMessage.id)
    return db.session.scalars(query.where(OutboxMessage.to_number == to) if to else query).all()


def test_asks_go_to_twilio_as_a_text_and_a_call_with_callbacks(world, phone, app, twilio):
    open_and_send(world, phone, app)
    [text] = twilio.sent("Messages")
    assert (text["To"], text["From"], text["StatusCallback"]) == (SUE, LINE_NUMBER, "https://line.example.org/twilio/status")
    assert text["Body"].startswith("Carers Emergency Line: Margaret can't look after Arthur")
    [call] = twilio.sent("Calls")
    page = db.session.scalar(select(Page))
    assert call["Url"] == f"https://line.example.org/twilio/ask/{page.id}" and call["To"] == SUE
    assert all(r["uri"].startswith("https://api.stand-in.test/2010-04-01/Accounts/") for r in twilio.requests)
    assert [m.status for m in messages()] == ["sent", "sent"] and all(m.provider_id for m in messages())


def test_nothing_is_sent_twice(world, phone, app, twilio):
    open_and_send(world, phone, app)
    with freeze_time(THURSDAY_NIGHT + timedelta(seconds=5)):
        assert sender.send_due(utc_now()) == 0
    assert len(twilio.requests) == 2


def test_one_pool_of_threads_carries_every_run_and_its_threads_end_when_the_outbox_closes(app, twilio):
    # The threads, and so their SDK clients and HTTPS connections, outlive a run of the sender.
    for run in range(2):
        queue_message(key=f"run-{run}", channel="sms", to_number=SUE, body=f"run {run}", purpose="caller_update",
                      now=THURSDAY_NIGHT)
        db.session.commit()
        assert sender.send_due(THURSDAY_NIGHT) == 1
    first, second = (request["thread"] for request in twilio.requests)
    assert second is first and first.is_alive() and first.name.startswith("outbox-send")
    app.extensions["outbox"].close()
    assert not first.is_alive()


def test_a_server_error_or_timeout_is_retried_with_backoff(world, phone, app, twilio):
    twilio.fail_next(503, kind="Messages")
    twilio.fail_next("timeout", kind="Calls")
    open_and_send(world, phone, app)
    assert [m.status for m in messages()] == ["pending", "pending"]
    assert "503" in messages()[0].last_error and "no answer from Twilio" in messages()[1].last_error
    with freeze_time(THURSDAY_NIGHT + timedelta(seconds=4)):
        assert sender.send_due(utc_now()) == 0  # not before the backoff
    with freeze_time(THURSDAY_NIGHT + timedelta(seconds=5)):
        assert sender.send_due(utc_now()) == 2
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 2), ("sent", 2)]


def test_server_errors_are_retried_at_least_once_a_minute_and_never_fail_the_ask(world, phone, app, twilio):
    for _ in range(20):
        twilio.fail_next(500)
    open_and_send(world, phone, app)
    moment, tries = THURSDAY_NIGHT, []
    for _ in range(8):
        moment = max(m.next_attempt_at for m in messages(SUE))
        tries.append(moment)
        with freeze_time(moment):
            sender.send_due(utc_now())
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tries)]
    assert gaps[:3] == [10, 20, 40] and set(gaps[3:]) == {60}  # backing off, to once a minute
    assert [(m.status, m.attempts) for m in messages(SUE)] == [("pending", 9), ("pending", 9)]
    assert db.session.scalar(select(Page.status).where(Page.phone == SUE)) == "open"


def test_a_message_that_is_not_an_ask_is_tried_for_a_day_then_failed(app, twilio):
    queue_message(key="gaps", channel="sms", to_number=PRIYA, body="Carers Emergency Line: nobody on first call",
                  purpose="rota_gap_alert", now=THURSDAY_NIGHT)
    db.session.commit()
    twilio.fail_next(503)
    twilio.fail_next(503)
    sender.send_due(THURSDAY_NIGHT)
    alert = db.session.scalar(select(OutboxMessage))
    assert (alert.status, alert.attempts) == ("pending", 1)
    sender.send_due(THURSDAY_NIGHT + timedelta(days=1, minutes=1))
    db.session.refresh(alert)
    assert (alert.status, alert.attempts) == ("failed", 2) and "503" in alert.last_error
    assert sender.send_due(THURSDAY_NIGHT + timedelta(days=2)) == 0 and len(twilio.requests) == 2


def test_a_permanent_refusal_fails_the_ask_and_the_escalation_moves_on_at_once(world, phone, app, twilio):
    twilio.fail_next(400, code=21211, kind="Messages")  # not a valid phone number
    twilio.fail_next(400, code=21211, kind="Calls")
    open_and_send(world, phone, app)
    assert [(m.status, m.attempts) for m in messages(SUE)] == [("failed", 1), ("failed", 1)]
    page = db.session.scalar(select(Page).where(Page.phone == SUE))
    assert page.status == "failed"
    with freeze_time(THURSDAY_NIGHT + timedelta(seconds=1)):
        engine.tick(utc_now())
    assert [m.channel for m in messages(PRIYA)] == ["sms", "call"]


def test_an_opted_out_number_is_recorded_and_the_call_still_goes(world, phone, app, twilio):
    twilio.fail_next(400, code=21610, kind="Messages")
    open_and_send(world, phone, app)
    text, call = messages(SUE)
    assert (text.status, call.status) == ("failed", "sent")
    assert db.session.get(SmsOptOut, SUE) is not None
    assert db.session.scalar(select(Page.status)) == "open"  # the call may still be answered


def test_a_send_interrupted_by_a_crash_is_never_repeated(world, phone, app, twilio):
    with freeze_time(THURSDAY_NIGHT):
        phone.text("07911 123456", world.plan.card_number)
    for message in messages():  # as if the process died after claiming, before recording
        message.status, message.sent_at, message.attempts = "sending", THURSDAY_NIGHT, 1
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=3)):
        sender.send_due(utc_now())
    assert twilio.requests == []
    assert [m.status for m in messages()] == ["unknown", "unknown"]
    assert db.session.scalar(select(Page.status)) == "failed"  # so the escalation does not wait on it


def report(phone, form):
    response = phone.post("/twilio/status", form)
    assert response.status_code == 204


def test_delivery_reports_update_status_in_order_and_failures_move_on(world, phone, app, twilio):
    open_and_send(world, phone, app)
    text, call = messages(SUE)
    report(phone, {"MessageSid": text.provider_id, "MessageStatus": "delivered"})
    report(phone, {"MessageSid": text.provider_id, "MessageStatus": "sent"})  # late, older
    db.session.refresh(text)
    assert text.status == "delivered"
    report(phone, {"CallSid": call.provider_id, "CallStatus": "ringing", "SequenceNumber": "1"})
    report(phone, {"CallSid": call.provider_id, "CallStatus": "no-answer", "SequenceNumber": "3"})
    report(phone, {"CallSid": call.provider_id, "CallStatus": "ringing", "SequenceNumber": "2"})
    db.session.refresh(call)
    assert (call.status, call.provider_status) == ("failed", "no-answer")
    # the text was delivered, so Susan may still reply: the ask stays open
    assert db.session.scalar(select(Page.status)) == "open"


def test_a_failed_text_and_an_unanswered_call_move_the_escalation_on_at_once(world, phone, app, twilio):
    open_and_send(world, phone, app)
    text, call = messages(SUE)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=1)):
        report(phone, {"MessageSid": text.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"})
        report(phone, {"CallSid": call.provider_id, "CallStatus": "completed", "SequenceNumber": "4"})  # voicemail
        engine.tick(utc_now())
    page = db.session.scalar(select(Page).where(Page.phone == SUE))
    assert page.status == "failed" and any("30003" in e.detail for e in page.incident.events)
    assert [m.channel for m in messages(PRIYA)] == ["sms", "call"]


def test_unsigned_delivery_reports_are_refused(world, phone, app, twilio):
    open_and_send(world, phone, app)
    text, _ = messages(SUE)
    response = phone.post("/twilio/status", {"MessageSid": text.provider_id, "MessageStatus": "failed"}, signed=False)
    assert response.status_code == 403
    db.session.refresh(text)
    assert text.status == "sent"


def test_without_an_account_messages_stay_in_the_local_outbox(app, world):

    without_account = transports_from_config({**app.config, "TWILIO_ACCOUNT_SID": None})
    assert isinstance(without_account.sms, LocalTransport) and isinstance(without_account.voice, LocalTransport)
    app.extensions["outbox"].transports = without_account
    with freeze_time(THURSDAY_NIGHT):
        opening.open_incident(world.plan, caller_number=None, channel="sms", now=utc_now())
        db.session.commit()
        sender.send_due(utc_now())
    assert [(m.status, m.provider_id.startswith("local-")) for m in messages()] == [("sent", True), ("sent", True)]
