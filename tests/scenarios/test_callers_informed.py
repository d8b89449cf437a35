"""The person who called or texted is never left guessing: a text when nobody is found, a
"still looking" text while the search goes on, and coordinators told only what is true."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.incidents.models import Page
from tests.scenarios.conftest import CALLER, COORDINATOR_MOBILE, FALLBACK, THURSDAY_NIGHT

SUE, PRIYA = "+447700900456", "+447700900101"
VOICE_CALLER_MOBILE, VOICE_CALLER_LANDLINE = "+447911123456", "+441134960322"


def minutes(n):
    return THURSDAY_NIGHT + timedelta(minutes=n)


def open_incident(world, caller=CALLER, channel="sms"):
    with freeze_time(THURSDAY_NIGHT):
        incident, _ = opening.open_incident(world.plan, caller_number=caller, channel=channel, now=utc_now())
        db.session.commit()
    world.new_messages()
    return incident


def to_caller(messages, caller=CALLER):
    return [body for channel, to, purpose, body in messages if to == caller and channel == "sms"]


def run_until(world, last_minute):
    """Tick every five minutes and return what was sent, by minute."""
    sent = {}
    for at in range(5, last_minute + 1, 5):
        world.tick_at(minutes(at))
        messages = world.new_messages()
        if messages:
            sent[at] = messages
    return sent


def test_exhaustion_texts_the_caller_who_to_ring_and_999(world):
    incident = open_incident(world)
    sent = run_until(world, 70)
    [nobody_found] = [body for body in to_caller(sent[70])]
    assert "nobody has been found yet to go to Arthur" in nobody_found
    assert "A coordinator has been alerted" in nobody_found and "call 0113 496 0000" in nobody_found
    assert "call 999" in nobody_found
    db.session.refresh(incident)
    assert incident.status == "exhausted" and incident.caller_update_at is None
    assert ("caller told", nobody_found) in [(event.kind, event.detail) for event in incident.events]
    assert run_until(world, 200).keys() == set()  # nothing more: it waits for a coordinator


def test_while_nobody_has_accepted_the_caller_hears_still_looking_every_20_minutes(world):
    incident = open_incident(world)
    sent = run_until(world, 70)
    updates = {at: to_caller(messages) for at, messages in sent.items() if to_caller(messages)}
    assert sorted(updates) == [20, 40, 60, 70]  # three "still looking" texts, then the exhaustion text
    assert all("still looking for someone to go to Arthur" in updates[at][0] for at in (20, 40, 60))
    assert "We have asked 2 people so far" in updates[20][0] and "call 999" in updates[20][0]
    db.session.refresh(incident)
    assert [event.kind for event in incident.events].count("caller told") == 4


def test_still_looking_texts_stop_once_someone_accepts(world):
    open_incident(world)
    with freeze_time(minutes(5)):
        answers.accept(db.session.scalar(select(Page).where(Page.phone == SUE)), utc_now())
        db.session.commit()
    sent = run_until(world, 45)
    assert [body for messages in sent.values() for body in to_caller(messages)] == [
        "Carers Emergency Line: help is arranged. Susan is on the way to Arthur."]


def test_caller_updates_can_be_switched_off(app, world):
    app.config["CALLER_UPDATE_MINUTES"] = 0
    open_incident(world)
    sent = run_until(world, 65)
    assert [body for messages in sent.values() for body in to_caller(messages)] == []


@pytest.mark.parametrize("caller, texted", [(VOICE_CALLER_MOBILE, True), (VOICE_CALLER_LANDLINE, False)],
                         ids=["mobile", "landline"])
def test_a_voice_caller_on_a_mobile_gets_the_same_texts(world, caller, texted):
    open_incident(world, caller=caller, channel="voice")
    sent = run_until(world, 70)
    assert len([body for messages in sent.values() for body in to_caller(messages, caller)]) == (4 if texted else 0)


def test_the_alert_says_the_fallback_is_called_only_when_it_is(app, world):
    open_incident(world)
    sent = run_until(world, 70)
    [alert] = [body for _, to, _, body in sent[70] if to == COORDINATOR_MOBILE and "NOBODY" in body]
    assert "NOBODY ACCEPTED. The fallback number is being called. The caller is on 0113 496 0321." in alert
    [(channel, to, purpose, spoken)] = [m for m in sent[70] if m[2] == "fallback"]
    assert (channel, to) == ("call", FALLBACK) and "Nobody has accepted incident" in spoken


def test_without_a_fallback_number_the_alert_does_not_claim_one_is_called(app, world):
    app.config["FALLBACK_PHONE_NUMBER"] = None
    open_incident(world)
    sent = run_until(world, 70)
    [alert] = [body for _, to, _, body in sent[70] if to == COORDINATOR_MOBILE and "NOBODY" in body]
    assert "No fallback number is configured, so nobody else is being called" in alert
    assert "fallback number is being called" not in alert
    assert [m for m in sent[70] if m[2] == "fallback"] == []
    [nobody_found] = to_caller(sent[70])
    assert "call this number to speak to someone" in nobody_found
