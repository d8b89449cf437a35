"""GOV.UK Notify's side of the line: texts to its inbound number are handled as Twilio's are,
once each; delivery receipts update the outbox; callbacks without Notify's token change nothing;
a body that cannot be read gets a 400 naming the field; coordinators' email goes through Notify.
Notify is the stand-in of its API, reached by the real client, which checks every request's JWT."""
from datetime import timedelta

import jwt
import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, select, update

from emergency.alerts.service import alert_coordinators
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.jobs import run_job
from emergency.outbox import sender
from emergency.outbox.models import OutboxMessage, SmsOptOut
from emergency.outbox.notify_transport import NotifyTransport
from emergency.outbox.service import queue_message
from emergency.scheduling import KEPT_TEXTS_REPLAY
from emergency.telephony.models import InboundRequest
from emergency.users import service as users
from tests.notify_stand_in import (
    API_KEY,
    EMAIL_TEMPLATE,
    SECRET,
    SERVICE_ID,
    SMS_SENDER,
    SMS_TEMPLATE,
    NotifyCallbacks,
    notify_account,
    notify_stand_in,  # noqa: F401  fixture
)
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.test_kept_texts import database_gone

CALLER = "447911123456"  # as Notify gives it
CALLER_E164 = "+447911123456"
SUE = "+447700900456"


@pytest.fixture
def notify(app, notify_stand_in):  # noqa: F811  the fixture imported above
    return notify_account(app, notify_stand_in)


@pytest.fixture
def callbacks(client, notify):
    return NotifyCallbacks(client)


def send(moment=THURSDAY_NIGHT):
    with freeze_time(moment):
        return sender.send_due(utc_now())


def replies():
    return db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.purpose == "text_reply")).all()


def test_a_card_texted_to_notifys_number_opens_the_emergency_and_the_texter_is_answered(app, world, callbacks):
    with freeze_time(THURSDAY_NIGHT):
        answer = callbacks.text(CALLER, f"Margaret has fallen, card {world.plan.card_number}")
    assert answer.status_code == 200
    incident = db.session.scalar(select(Incident))
    assert incident.plan_id == world.plan.id and incident.caller_number == CALLER_E164 and incident.channel == "sms"
    [reply] = replies()
    assert "We are contacting Margaret's emergency contacts now" in reply


def test_the_same_notify_text_delivered_twice_has_one_effect(app, world, callbacks):
    with freeze_time(THURSDAY_NIGHT):
        first = callbacks.text(CALLER, world.plan.card_number, notify_id="0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a01")
        again = callbacks.text(CALLER, world.plan.card_number, notify_id="0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a01")
    assert (first.json, again.json) == ({"handled": "now"}, {"handled": "already"})
    assert db.session.scalar(select(func.count(Incident.id))) == 1 and len(replies()) == 1


def test_accept_decline_done_and_stop_through_notify_do_what_they_do_through_twilio(app, world, callbacks, notify):
    with freeze_time(THURSDAY_NIGHT):
        callbacks.text(CALLER, world.plan.card_number)
        code = db.session.scalar(select(Page.code).where(Page.phone == SUE))
        assert callbacks.text(SUE.lstrip("+"), f"ACCEPT {code}").status_code == 200
        callbacks.text(SUE.lstrip("+"), f"DONE {code}")
        callbacks.text("447700900789", "STOP")
    incident = db.session.scalar(select(Incident))
    assert incident.status == "resolved" and incident.accepted_page.phone == SUE
    assert "thank you. The emergency is closed." in replies()[-1]
    assert db.session.get(SmsOptOut, "+447700900789") is not None


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token-wrong-token"},
                                     {"Authorization": "Basic bm90aWZ5OnRva2Vu"}],
                         ids=["no token", "wrong token", "not a bearer"])
def test_callbacks_without_notifys_token_get_401_and_change_nothing(app, world, client, callbacks, headers):
    body = {"id": "0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a02", "source_number": CALLER, "message": world.plan.card_number}
    with freeze_time(THURSDAY_NIGHT):
        text = client.post("/notify/received-text", json=body, headers=headers)
        receipt = client.post("/notify/delivery-receipt", json={"id": body["id"], "status": "delivered"}, headers=headers)
    assert text.status_code == receipt.status_code == 401
    assert text.headers["WWW-Authenticate"] == "Bearer"
    assert db.session.scalar(select(func.count(Incident.id))) == 0
    assert db.session.scalar(select(func.count(InboundRequest.key))) == 0


def test_without_a_callback_token_set_every_callback_is_refused(app, world, callbacks):
    app.config["NOTIFY_CALLBACK_TOKEN"] = None
    with freeze_time(THURSDAY_NIGHT):
        assert callbacks.text(CALLER, world.plan.card_number).status_code == 401
    assert db.session.scalar(select(func.count(Incident.id))) == 0


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/notify/received-text", None, "json"),
    ("/notify/received-text", ["a list"], "json"),
    ("/notify/received-text", {"source_number": CALLER, "message": "hi"}, "id"),
    ("/notify/received-text", {"id": "not-a-uuid", "source_number": CALLER, "message": "hi"}, "id"),
    ("/notify/received-text", {"id": "0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a03", "source_number": "Mum", "message": "hi"},
     "source_number"),
    ("/notify/received-text", {"id": "0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a03", "source_number": CALLER, "message": 42},
     "message"),
    ("/notify/delivery-receipt", {"id": "0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a03"}, "status"),
    ("/notify/delivery-receipt", {"id": 7, "status": "delivered"}, "id"),
    ("/notify/delivery-receipt", {"id": "0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a03", "status": "<b>"}, "status"),
])
def test_a_callback_that_cannot_be_read_gets_a_400_naming_the_field(app, world, client, callbacks, path, body, field):
    headers = {"Authorization": f"Bearer {app.config['NOTIFY_CALLBACK_TOKEN']}"}
    with freeze_time(THURSDAY_NIGHT):
        if body is None:
            answer = client.post(path, data="not json", headers={**headers, "Content-Type": "application/json"})
        else:
            answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 400
    assert field in answer.json["errors"]
    assert db.session.scalar(select(func.count(Incident.id))) == 0


def test_delivery_receipts_update_the_outbox_and_a_failed_ask_moves_the_escalation_on(app, world, callbacks, notify):
    """The texts' first provider is Notify here (no Twilio account), as for a council with Notify alone."""
    outbox = app.extensions["outbox"]
    outbox.transports = type(outbox.transports)(sms=outbox.transports.sms_backup, voice=outbox.transports.voice,
                                                email=outbox.transports.email)
    with freeze_time(THURSDAY_NIGHT):
        callbacks.text(CALLER, world.plan.card_number)
    send()
    texts = {n["to"]: n for n in notify.texts()}
    assert texts[SUE]["sms_sender_id"] == SMS_SENDER and texts[SUE]["template_id"] == SMS_TEMPLATE
    ask = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_number == SUE, OutboxMessage.channel == "sms"))
    assert (ask.provider, ask.provider_id, ask.status) == ("notify", texts[SUE]["id"], "sent")
    reply = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "text_reply"))
    with freeze_time(THURSDAY_NIGHT.replace(minute=1)):
        assert callbacks.receipt(texts[CALLER_E164], "delivered").status_code == 204
        assert callbacks.receipt(texts[SUE], "permanent-failure").status_code == 204
        assert callbacks.receipt(texts[SUE], "permanent-failure").status_code == 204  # twice: one effect
    db.session.expire_all()
    assert db.session.get(OutboxMessage, reply.id).status == "delivered"
    ask = db.session.get(OutboxMessage, ask.id)
    assert (ask.status, ask.provider_status, ask.last_error) == ("failed", "permanent-failure", "Notify: permanent-failure")
    failed = db.session.scalars(select(IncidentEvent.detail).where(IncidentEvent.kind == "delivery failed")).all()
    assert failed == ["sms to Susan Hughes: Notify: permanent-failure"]
    # Her call (through Twilio) has not ended, so the ask waits on it.
    assert db.session.scalar(select(Page.status).where(Page.phone == SUE)) == "open"


def test_a_text_the_database_cannot_take_is_kept_and_handled_once_it_can(app, world, callbacks):
    event_args = (db.session, "before_commit", database_gone)
    event.listen(*event_args)
    try:
        with freeze_time(THURSDAY_NIGHT):
            answer = callbacks.text(CALLER, world.plan.card_number, notify_id="0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a04")
    finally:
        event.remove(*event_args)
    assert answer.status_code == 200 and answer.json == {"kept": True}
    assert db.session.scalar(select(func.count(Incident.id))) == 0
    with freeze_time(THURSDAY_NIGHT.replace(minute=2)):
        assert run_job(app, KEPT_TEXTS_REPLAY)
        again = callbacks.text(CALLER, world.plan.card_number, notify_id="0b8f1c6e-6f0a-4a55-9d55-0e5d1b6f3a04")
    assert again.json == {"handled": "already"}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Incident.id))) == 1
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "kept_text_reply"))
    assert told.to_number == CALLER_E164 and "We are contacting Margaret's emergency contacts now" in told.body


def test_coordinators_email_goes_through_notify_with_its_subject_and_body(app, world, notify):
    users.set_email(world.coordinator, "cora.jones@council.example")
    alert_coordinators(key="rota-gap", subject="Rota gaps next week", body="Nobody on first call on Tuesday night.",
                       purpose="rota_gap_alert", now=THURSDAY_NIGHT)
    db.session.commit()
    send()
    [email] = notify.emails()
    assert (email["to"], email["subject"], email["body"], email["template_id"]) == (
        "cora.jones@council.example", "Rota gaps next week", "Nobody on first call on Tuesday night.", EMAIL_TEMPLATE)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    assert (message.provider, message.provider_id, message.status) == ("notify", email["id"], "sent")


def test_a_request_notify_cannot_authenticate_is_refused_and_the_email_waits(app, world, notify):
    """The stand-in checks the JWT as Notify does: a key with the wrong secret is refused (403),
    which says Notify cannot be used now, not that the address is wrong."""
    wrong_secret = API_KEY[:-36] + "00000000-0000-4000-8000-000000000000"
    outbox = app.extensions["outbox"]
    wrong = NotifyTransport(wrong_secret, sms_template_id=SMS_TEMPLATE, email_template_id=EMAIL_TEMPLATE,
                            base_url=notify.url)
    outbox.transports = type(outbox.transports)(sms=outbox.transports.sms, voice=outbox.transports.voice, email=wrong)
    users.set_email(world.coordinator, "cora.jones@council.example")
    alert_coordinators(key="rota-gap", subject="Rota gaps", body="Nobody on first call.", purpose="rota_gap_alert",
                       now=THURSDAY_NIGHT)
    db.session.commit()
    send()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    assert message.status == "pending" and "Notify 403" in message.last_error and notify.emails() == []
    assert notify.refused == ["Invalid token: signature, api token not found (Signature verification failed)"]


def test_the_stand_in_refuses_a_token_from_another_service_or_an_old_clock(notify):
    """The checks the stand-in makes of the client's JWT, so that the tests above can trust it."""
    def token(**claims):
        return "Bearer " + jwt.encode({"iss": SERVICE_ID, "iat": int(notify.clock()), **claims}, SECRET, algorithm="HS256")

    assert notify.check_token(token()) is None
    assert notify.check_token(token(iss="another-service")) == "Invalid token: service not found"
    assert "within 30 seconds" in notify.check_token(token(iat=int(notify.clock()) - 31))
    assert notify.check_token(None).startswith("Unauthorized")
    other_secret = "6e9cc4a2-2f7e-4f8e-bd0e-b9e7a1c5d3f0"
    unsigned = "Bearer " + jwt.encode({"iss": SERVICE_ID, "iat": int(notify.clock())}, other_secret, algorithm="HS256")
    assert notify.check_token(unsigned).startswith("Invalid token: signature")


def test_a_hand_over_to_notify_cut_off_before_notify_had_it_goes_again_once(app, world, twilio, notify):
    """The sender died between claiming two texts for Notify and recording the answers: Notify
    has the first (its answer was lost) and never got the second. Asked by reference, it says
    so: the first is recorded with Notify's id; the second never left, so it goes again, once,
    by whichever provider carries texts now (Twilio, answering again)."""
    transport = app.extensions["outbox"].transports.sms_backup
    ids = [queue_message(key=f"text-{n}", channel="sms", to_number=SUE, body=f"text {n}", purpose="caller_update",
                         now=THURSDAY_NIGHT) for n in (1, 2)]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                       .values(status="sending", provider="notify", attempts=1, sent_at=THURSDAY_NIGHT))
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT):
        taken = transport.send_sms(SUE, "text 1", f"outbox-{ids[0]}")
    send(THURSDAY_NIGHT + timedelta(minutes=1))
    assert len(notify.texts()) == 1  # not yet: the sender that claimed them may still be at it
    send(THURSDAY_NIGHT + timedelta(minutes=2, seconds=5))
    db.session.expire_all()
    first, second = (db.session.get(OutboxMessage, i) for i in ids)
    assert (first.status, first.provider_id) == ("sent", taken)
    assert (second.status, second.provider) == ("sent", "twilio")
    assert [n["reference"] for n in notify.texts()] == [f"outbox-{ids[0]}"]
    assert [(text["To"], text["Body"]) for text in twilio.sent()] == [(SUE, "text 2")]


def test_a_hand_over_to_twilio_cut_off_is_never_sent_again(app, world, twilio, notify):
    """Twilio cannot be asked whether it has a message: one cut off mid-send is `unknown`, at most once."""
    [message_id] = [queue_message(key="text", channel="sms", to_number=SUE, body="text", purpose="caller_update",
                                  now=THURSDAY_NIGHT)]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(status="sending", provider="twilio", attempts=1, sent_at=THURSDAY_NIGHT))
    db.session.commit()
    send(THURSDAY_NIGHT + timedelta(minutes=2, seconds=5))
    assert db.session.get(OutboxMessage, message_id).status == "unknown"
    assert notify.texts() == [] and twilio.sent() == []


def test_an_interrupted_send_is_asked_about_while_notify_is_down_and_given_up_as_unknown_after_half_an_hour(
        app, world, notify):
    ids = [queue_message(key=f"text-{n}", channel="sms", to_number=SUE, body=f"text {n}", purpose="caller_update",
                         now=THURSDAY_NIGHT) for n in (1, 2)]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                       .values(status="sending", provider="notify", attempts=1, sent_at=THURSDAY_NIGHT))
    db.session.commit()
    notify.down = True
    asked = len(notify.requests)
    send(THURSDAY_NIGHT + timedelta(minutes=3))
    assert len(notify.requests) == asked + 1  # asked once: a provider not answering is not asked the rest
    assert {db.session.get(OutboxMessage, i).status for i in ids} == {"sending"}
    send(THURSDAY_NIGHT + timedelta(minutes=31))
    db.session.expire_all()
    assert {db.session.get(OutboxMessage, i).status for i in ids} == {"unknown"}
    assert notify.texts() == []
