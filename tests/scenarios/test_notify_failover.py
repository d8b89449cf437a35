"""Twilio cannot be reached for ten minutes in the middle of an escalation: texts go through
GOV.UK Notify (the real client, against a stand-in of Notify's API) within the failover window,
a reply to Notify's inbound number is accepted, nobody waits for a call that cannot be made,
nothing is handed to both providers, and Texts go through Twilio again once it answers."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.outbox import sender
from emergency.outbox.models import OutboxMessage, ProviderHealth
from emergency.outbox.service import queue_message
from emergency.plans import service as plans
from emergency.users import service as users
from tests.conftest import NOW, plan_payload
from tests.console.client import Browser
from tests.notify_stand_in import NotifyCallbacks, notify_account, notify_stand_in  # noqa: F401  fixture
from tests.scenarios.conftest import THURSDAY_NIGHT, World
from tests.telephony.conftest import Phone, TwilioStandIn, refused_connection, twilio_account

SUE, TOM, LENA, PRIYA = "+447700900456", "+447700900789", "+441134960777", "+447700900101"
CALLER = "+447911123456"
PASSWORD = "correct horse battery"
DOWN_AT, BACK_AT = THURSDAY_NIGHT + timedelta(minutes=5), THURSDAY_NIGHT + timedelta(minutes=15)
WINDOW = timedelta(seconds=60)
GIVEN = {"status": "given", "recorded_on": "2026-01-10"}


class TwilioThatCanGoDown(TwilioStandIn):
    """While `down`, nothing answers at Twilio's address: every request is refused at the connection."""

    def __init__(self):
        super().__init__()
        self.down = False

    def request(self, method, uri, *args, **kwargs):
        if self.down:
            raise refused_connection(uri)
        return super().request(method, uri, *args, **kwargs)

    def texts(self):
        return [(r["data"]["To"], r["data"]["Body"]) for r in self.requests if r["uri"].endswith("/Messages.json")]


@pytest.fixture
def twilio(app):
    return twilio_account(app, TwilioThatCanGoDown())


@pytest.fixture
def notify(app, notify_stand_in):  # noqa: F811  the fixture imported above
    return notify_account(app, notify_stand_in)


@pytest.fixture
def plan(app):
    """Susan and Tom by text and call; Lena has only a landline, so she can only be called."""
    contacts = [
        {"name": "Susan Hughes", "relationship": "daughter", "mobile": SUE, "consent": GIVEN},
        {"name": "Tom Baker", "relationship": "neighbour", "mobile": TOM, "consent": GIVEN},
        {"name": "Lena Novak", "relationship": "friend", "landline": LENA, "consent": GIVEN},
    ]
    app.config["FALLBACK_PHONE_NUMBER"] = "+441134960000"
    world = World(app)
    plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=contacts)), by=world.coordinator, now=NOW)
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    return plan


def run_line(moment):
    with freeze_time(moment):
        engine.tick(utc_now())
        sender.send_due(utc_now())


def code_for(phone):
    return db.session.scalars(select(Page.code).where(Page.phone == phone).order_by(Page.id.desc())).first()


def handed_at(notify, message):
    """When Notify took the message, by its reference."""
    return next(n["received_at"] for n in notify.texts() if n["reference"] == f"outbox-{message.id}")


def test_texts_go_through_notify_while_twilio_is_down_and_back_through_twilio_after(app, client, plan, twilio, notify):
    phone, callbacks, browser = Phone(client), NotifyCallbacks(client), Browser(app)
    with freeze_time(THURSDAY_NIGHT):
        assert browser.log_in("cora", PASSWORD).status_code == 302
        phone.text("07911 123456", f"Margaret has had a fall, card {plan.card_number}")
    replies = {}

    def at(moment):
        """What people do at that moment, through Notify's inbound number while Twilio is down."""
        with freeze_time(moment):
            if moment == THURSDAY_NIGHT + timedelta(minutes=12):
                replies["tom"] = callbacks.text(TOM.lstrip("+"), f"DECLINE {code_for(TOM)}")
            if moment == THURSDAY_NIGHT + timedelta(minutes=13):
                replies["priya"] = callbacks.text(PRIYA.lstrip("+"), f"accept {code_for(PRIYA)} on my way")
            if moment == THURSDAY_NIGHT + timedelta(minutes=12, seconds=30):
                replies["health"] = client.get("/health").json
                replies["board"] = browser.client.get("/console/").get_data(as_text=True)
            if moment == THURSDAY_NIGHT + timedelta(minutes=16):
                replies["done"] = callbacks.text(PRIYA.lstrip("+"), f"DONE {code_for(PRIYA)}")
                replies["health after"] = client.get("/health").json

    moment = THURSDAY_NIGHT
    while moment <= THURSDAY_NIGHT + timedelta(minutes=17):
        twilio.down = DOWN_AT <= moment < BACK_AT
        at(moment)
        run_line(moment)
        moment += timedelta(seconds=15)

    # Susan was asked through Twilio before it went down.
    assert [to for to, _ in twilio.texts()][:1] == [SUE]
    # Tom's ask was queued at 22:10, when Twilio refused it; once Twilio had failed for the
    # window, it went through Notify: within the window of being queued.
    tom_ask = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_number == TOM, OutboxMessage.channel == "sms",
                                                            OutboxMessage.purpose == "ask"))
    assert tom_ask.provider == "notify" and tom_ask.attempts > 1
    assert handed_at(notify, tom_ask) - tom_ask.created_at <= WINDOW
    # Lena can only be called, and calls could not be made: nobody waited for her call.
    lena = db.session.scalar(select(Page).where(Page.phone == LENA))
    priya = db.session.scalar(select(Page).where(Page.phone == PRIYA))
    assert lena.sent_at == THURSDAY_NIGHT + timedelta(minutes=12) and priya.sent_at <= lena.sent_at + timedelta(seconds=15)
    notes = db.session.scalars(select(IncidentEvent.detail).where(IncidentEvent.kind == "note")).all()
    assert "calls cannot be made just now: not waiting for Lena Novak's call" in notes
    # The officer's ask went through Notify at once, and her reply there was accepted.
    priya_ask = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_number == PRIYA,
                                                              OutboxMessage.purpose == "ask", OutboxMessage.channel == "sms"))
    assert priya_ask.provider == "notify" and handed_at(notify, priya_ask) == priya_ask.created_at
    assert replies["tom"].status_code == replies["priya"].status_code == 200
    incident = db.session.scalar(select(Incident))
    assert incident.status == "resolved" and incident.accepted_page_id == priya.id
    # Details, the caller's confirmation and Susan's "covered" went through Notify, at once.
    by_notify = {(n["to"], m.purpose) for n in notify.texts() for m in [_message(n)]}
    assert {(PRIYA, "details"), (CALLER, "caller_confirmation"), (SUE, "covered")} <= by_notify
    # While Notify carried texts, /health and the console said so, and since when.
    assert replies["health"]["texts"]["provider"] == "notify"
    assert replies["health"]["texts"]["since"] == (THURSDAY_NIGHT + timedelta(minutes=11)).isoformat()
    assert "Texts are going through GOV.UK Notify since 22:11" in replies["board"]
    # Twilio answered the probe at 22:15 and carried texts again: Priya's DONE came through
    # Notify, its answer went back through Twilio.
    assert replies["health after"]["texts"] == {"provider": "twilio", "since": BACK_AT.isoformat(), "summary": None}
    tom_reply, done_reply = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "text_reply")
                                               .order_by(OutboxMessage.id)).all()
    assert (tom_reply.to_number, tom_reply.provider) == (TOM, "notify")
    assert "closed" in done_reply.body and done_reply.to_number == PRIYA
    assert done_reply.provider == "twilio" and done_reply.status == "sent"
    assert (PRIYA, done_reply.body) in twilio.texts()
    # Nothing was handed over twice, within or across the two providers.
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms",
                                                          OutboxMessage.status.in_(("sent", "delivered")))).all()
    handed = [("twilio", to) for to, _ in twilio.texts()] + [("notify", n["to"]) for n in notify.texts()]
    assert len(handed) == len(sent) == len({m.id for m in sent})
    assert sorted(handed) == sorted((m.provider, m.to_number) for m in sent)
    assert all(n["reference"] == f"outbox-{_message(n).id}" for n in notify.texts())
    assert len({n["reference"] for n in notify.texts()}) == len(notify.texts())
    # The calls that could not be made while the incident was asking are never made now.
    # They reached no provider, so none is named on them.
    held = db.session.execute(select(OutboxMessage.status, OutboxMessage.provider).where(
        OutboxMessage.channel == "call", OutboxMessage.to_number.in_((TOM, LENA, PRIYA)))).all()
    assert len(held) == 3 and set(held) == {("cancelled", None)}


def _message(notification) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == notification["id"]))


def opened_by_text(phone, plan, moment=THURSDAY_NIGHT):
    with freeze_time(moment):
        phone.text("07911 123456", f"card {plan.card_number}")


@pytest.fixture
def landline_first(app):
    """Lena, who has only a landline, is the first contact; Tom comes next."""
    contacts = [
        {"name": "Lena Novak", "relationship": "friend", "landline": LENA, "consent": GIVEN},
        {"name": "Tom Baker", "relationship": "neighbour", "mobile": TOM, "consent": GIVEN},
    ]
    app.config["FALLBACK_PHONE_NUMBER"] = "+441134960000"
    world = World(app)
    plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=contacts)), by=world.coordinator, now=NOW)
    db.session.commit()
    return plan


def test_a_call_asked_before_twilio_was_known_to_fail_is_not_waited_for_once_it_is(app, client, landline_first,
                                                                                     twilio, notify):
    """Lena's call was queued as Twilio stopped answering; once it had failed for the window,
    calls could not be made, so her ask stopped holding up the escalation: Tom was asked by text
    (through Notify) then, not ten minutes later."""
    twilio.down = True
    opened_by_text(Phone(client), landline_first)
    moment = THURSDAY_NIGHT
    while moment <= THURSDAY_NIGHT + timedelta(minutes=2):
        run_line(moment)
        moment += timedelta(seconds=15)
    tom = db.session.scalar(select(Page).where(Page.phone == TOM))
    assert tom is not None and tom.sent_at <= THURSDAY_NIGHT + WINDOW + timedelta(seconds=15)
    lena = db.session.scalar(select(Page).where(Page.phone == LENA))
    assert lena.status == "failed"
    failed = db.session.scalars(select(IncidentEvent.detail).where(IncidentEvent.kind == "delivery failed")).all()
    assert failed == ["call to Lena Novak: calls cannot be made just now"]
    assert [n["to"] for n in notify.texts() if _message(n).purpose == "ask"] == [TOM]


def test_an_ask_whose_text_fails_while_its_call_cannot_be_made_moves_on_at_once(app, client, plan, twilio, notify):
    twilio.down = True
    callbacks = NotifyCallbacks(client)
    opened_by_text(Phone(client), plan)
    for seconds in range(0, 76, 15):
        run_line(THURSDAY_NIGHT + timedelta(seconds=seconds))
    [susan_text] = [n for n in notify.texts() if n["to"] == SUE]
    failed_at = THURSDAY_NIGHT + timedelta(seconds=90)
    with freeze_time(failed_at):
        assert callbacks.receipt(susan_text, "permanent-failure").status_code == 204
    susan = db.session.scalar(select(Page).where(Page.phone == SUE))
    assert susan.status == "failed"  # her call is still waiting for Twilio: it would not reach her in time
    run_line(failed_at)
    tom = db.session.scalar(select(Page).where(Page.phone == TOM))
    assert tom is not None and tom.sent_at == failed_at


def test_a_text_that_may_have_reached_twilio_is_never_sent_through_notify(app, client, plan, twilio, notify):
    """Susan's ask timed out at Twilio after it was sent: Twilio may have it. Twilio then failed
    for the window and texts went through Notify, but hers waited for Twilio."""
    twilio.fail_next("timeout", kind="Messages")
    opened_by_text(Phone(client), plan)
    run_line(THURSDAY_NIGHT)
    susan_ask = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_number == SUE,
                                                              OutboxMessage.channel == "sms"))
    assert (susan_ask.status, susan_ask.provider) == ("pending", "twilio")
    twilio.down = True
    moment = THURSDAY_NIGHT + timedelta(seconds=15)
    while moment <= THURSDAY_NIGHT + timedelta(minutes=3):
        if moment == THURSDAY_NIGHT + timedelta(minutes=2):
            queue_message(key="another", channel="sms", to_number=PRIYA, body="another text", purpose="caller_update", now=moment)
            db.session.commit()
        run_line(moment)
        moment += timedelta(seconds=15)
    assert db.session.scalar(select(ProviderHealth.circuit).where(ProviderHealth.provider == "twilio")) == "open"
    assert [(n["to"], n["body"]) for n in notify.texts()] == [(PRIYA, "another text")]  # texts went through Notify
    assert all(n["reference"] != f"outbox-{susan_ask.id}" for n in notify.texts())
    twilio.down = False
    while moment <= THURSDAY_NIGHT + timedelta(minutes=5):
        run_line(moment)
        moment += timedelta(seconds=15)
    db.session.refresh(susan_ask)
    assert (susan_ask.status, susan_ask.provider) == ("sent", "twilio")
    # Twilio saw the try that timed out and the one it answered; Notify never saw it.
    assert [to for to, _ in twilio.texts()].count(SUE) == 2
