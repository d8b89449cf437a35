"""Nobody is left at a dead end: texts without a usable card reach a person, card numbers are
read however they are written, replies are forgiving, a caller who comes back hears the truth,
and a call put through reaches a person, not a voicemail."""
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.incidents.models import Incident, Page
from emergency.outbox.models import OutboxMessage
from tests.console.client import words
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import query

CALLER, STRANGER, SUE, PRIYA, SAM = "07911 123456", "07911 123459", "+447700900456", "+447700900101", "+447700900104"
FALLBACK = "+441134960000"
LINE_SIDE = "+441134960500"


def reply_text(response):
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return " ".join(message.text or "" for message in ElementTree.fromstring(response.data).iter("Message"))


def twiml(response):
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ElementTree.fromstring(response.data)


def said(root):
    return " ".join(element.text or "" for element in root.iter("Say"))


def queued(purpose, to=None):
    query_ = select(OutboxMessage).where(OutboxMessage.purpose == purpose).order_by(OutboxMessage.id)
    if to:
        query_ = query_.where(OutboxMessage.to_number == to)
    return db.session.scalars(query_).all()


def incidents_count():
    return db.session.scalar(select(func.count(Incident.id)))


def open_by_text(world, phone, body=None):
    with freeze_time(THURSDAY_NIGHT):
        answer = reply_text(phone.text(CALLER, body or world.plan.card_number))
    return answer, db.session.scalar(select(Incident).order_by(Incident.id.desc()))


def code_for(phone_number):
    return db.session.scalar(select(Page.code).where(Page.phone == phone_number).order_by(Page.id.desc()))


# No text is a dead end

def test_a_stranger_without_a_card_gets_an_answer_and_one_incident_across_repeats(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        answer = reply_text(phone.text(STRANGER, "Help! My neighbour has collapsed, I can't find her card"))
    assert "couldn't find a card number" in answer and "10-digit number on the carer's emergency card" in answer
    assert "call this number" in answer and "call 999" in answer and "duty officer has been told" in answer
    [incident] = db.session.scalars(select(Incident)).all()
    assert (incident.status, incident.needs_person_reason, incident.caller_number) == (
        "needs_person", "no_card", "+447911123459")
    assert incident.events[0].kind == "needs a person" and "no card number" in incident.events[0].detail
    assert "I can't find her card" in [e.detail for e in incident.events if e.kind == "caller's text"][0]
    [hand_over] = queued("hand_over")
    assert hand_over.to_number == PRIYA and "+447911123459" in hand_over.body and "collapsed" not in hand_over.body

    for minute in range(1, 30, 6):  # five more texts in the next half hour
        with freeze_time(THURSDAY_NIGHT + timedelta(minutes=minute)):
            assert "duty officer has been told" in reply_text(phone.text(STRANGER, "card 0000000000"))
    assert incidents_count() == 1 and len(queued("hand_over")) == 1  # Priya is texted once for this caller
    db.session.refresh(incident)
    assert [event.kind for event in incident.events].count("joined") == 5

    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=31)):
        phone.text(STRANGER, "still nobody has called me")
    assert incidents_count() == 2 and len(queued("hand_over")) == 2  # a fresh alert after half an hour


def test_with_nobody_on_duty_a_text_without_a_card_reaches_the_coordinators_and_the_fallback(app, world, phone):
    at_noon = THURSDAY_NIGHT.replace(hour=12)  # office hours: the rota has nobody on
    with freeze_time(at_noon):
        answer = reply_text(phone.text(STRANGER, "hello? is this the emergency line"))
    assert [(m.channel, m.to_number) for m in queued("hand_over")] == [
        ("sms", "+447700900900"), ("call", FALLBACK)]  # the coordinator's mobile; the fallback is rung
    assert "has been told and will call you back" in answer
    world.coordinator.mobile = None
    app.config["FALLBACK_PHONE_NUMBER"] = None
    db.session.commit()
    with freeze_time(at_noon):
        answer = reply_text(phone.text("07911 123458", "hello?"))
    assert "call this number to speak to someone" in answer and "will call you back" not in answer


def _grouped(card, separator):
    return separator.join((card[:4], card[4:8], card[8:]))


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("shape", [
    lambda card: card,
    lambda card: f"Margaret collapsed, card {_grouped(card, ' ')}",
    lambda card: _grouped(card, "."),
    lambda card: _grouped(card, "-"),
    lambda card: _grouped(card, "/"),
    lambda card: _grouped(card, "\u200b"),
    lambda card: f"card {_grouped(card, ' ')}".replace(" ", " \u200b"),
    lambda card: card.translate(FULLWIDTH),
    lambda card: card.translate(ARABIC_INDIC),
    lambda card: f"fell 23-11-2026 14 30, card {_grouped(card, ' ')}",
    lambda card: f"fell 23-11-2026 14 30 {_grouped(card, ' ')}",
    lambda card: f"{_grouped(card, '.')} at 14.30 on 23.11.2026",
    lambda card: f"call me on 07911 123456, card {card}",
], ids=["plain", "words-and-spaces", "dots", "dashes", "slashes", "zero-width", "zero-width-spaces", "fullwidth",
        "arabic-indic", "date-time-before", "date-time-run-on", "date-after", "phone-number-too"])
def test_every_card_shape_opens_the_plans_incident(world, phone, shape):
    answer, incident = open_by_text(world, phone, shape(world.plan.card_number))
    assert "We are contacting Margaret's emergency contacts now" in answer
    assert incident.plan_id == world.plan.id and incident.status == "open"
    assert [m.to_number for m in queued("ask")] == [SUE, SUE]


# Forgiving replies, never silent

@pytest.mark.parametrize("shape", ["ACCEPT {code}", "Accept: {code}", "ACCEPT {code} on my way", "accept #{code} 🙂",
                                   "accept\u200b {code}", "Accept - {code}, leaving now"])
def test_each_forgiving_accept_shape_is_an_accept(world, phone, shape):
    open_by_text(world, phone)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=2)):
        assert reply_text(phone.text("07700 900456", shape.format(code=code_for(SUE)))) == ""
    assert db.session.scalar(select(Incident.status)) == "accepted"
    assert [m.body for m in queued("caller_confirmation")] == [
        "Carers Emergency Line: help is arranged. Susan is on the way to Arthur."]


@pytest.mark.parametrize("shape", ["DECLINE {code}", "Decline: {code}", "decline {code} sorry, I'm away",
                                   "decline #{code} 😞"])
def test_each_forgiving_decline_shape_is_a_decline(world, phone, shape):
    open_by_text(world, phone)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=2)):
        assert "asking someone else" in reply_text(phone.text("07700 900456", shape.format(code=code_for(SUE))))
        engine.tick(utc_now())
    assert db.session.scalar(select(Page.status).where(Page.phone == SUE)) == "declined"
    assert [m.channel for m in queued("ask", PRIYA)] == ["sms", "call"]


@pytest.mark.parametrize("shape", ["DONE {code}", "Done: {code}", "done {code} all safe now", "DONE #{code} 👍"])
def test_each_forgiving_done_shape_closes_the_emergency(world, phone, shape):
    open_by_text(world, phone)
    code = code_for(SUE)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=2)):
        phone.text("07700 900456", f"ACCEPT {code}")
        assert "closed" in reply_text(phone.text("07700 900456", shape.format(code=code)))
    assert db.session.scalar(select(Incident.status)) == "resolved"


def test_a_reply_that_is_not_understood_names_the_open_ask_and_never_gets_the_general_help(world, phone):
    open_by_text(world, phone)
    code = code_for(SUE)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=2)):
        answer = reply_text(phone.text("07700 900456", "yes I can go"))
    assert answer == (f"Not understood. Your ask {code} (Arthur, LS6) is still open: "
                      f"reply ACCEPT {code} or DECLINE {code}")
    assert db.session.scalar(select(Incident.status)) == "open"


def test_the_accepter_who_texts_again_is_reminded_how_to_finish(world, phone):
    open_by_text(world, phone)
    code = code_for(SUE)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=2)):
        phone.text("07700 900456", f"ACCEPT {code}")
        answer = reply_text(phone.text("07700 900456", "there in 10 mins"))
    assert f"you have accepted ask {code} (Arthur, LS6)" in answer and f"Reply DONE {code}" in answer


# A caller who comes back hears the truth

def test_a_caller_who_texts_again_is_told_where_things_truly_stand(world, phone):
    open_by_text(world, phone)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=5)):
        assert "nobody has accepted yet" in reply_text(phone.text(CALLER, "any news?"))
    for minute in range(10, 71, 10):
        world.tick_at(THURSDAY_NIGHT + timedelta(minutes=minute))
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=75)):
        exhausted = reply_text(phone.text(CALLER, f"please help {world.plan.card_number}"))
    assert "nobody has been found yet" in exhausted and "call 0113 496 0000" in exhausted and "999" in exhausted
    assert "already arranging" not in exhausted
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=80)):
        phone.text("07700 900456", f"ACCEPT {code_for(SUE)}")  # a late accept still counts
        assert "Susan has accepted and is on the way to Arthur" in reply_text(phone.text(CALLER, "hello?"))
    incident = db.session.scalar(select(Incident))
    assert [e.detail for e in incident.events if e.kind == "caller's text"][:2] == [world.plan.card_number, "any news?"]
    told = [e.detail for e in incident.events if e.kind == "caller told"]
    assert exhausted in told and any("We are contacting Margaret's emergency contacts" in t for t in told)


def test_a_caller_who_rings_again_after_nobody_was_found_is_put_through_to_a_person(world, phone):
    open_by_text(world, phone)
    for minute in range(10, 71, 10):
        world.tick_at(THURSDAY_NIGHT + timedelta(minutes=minute))
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=75)):
        root = twiml(phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=world.plan.card_number))
    assert "nobody has been found yet" in said(root)
    assert root.find("Dial/Number").text == PRIYA and "/screen" in root.find("Dial/Number").get("url")


# A call put through reaches a person, not a voicemail

def put_through_by_unknown_card(phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits="1234567890")
        return twiml(phone.call_step(query("/twilio/voice/card", attempt=2), CALLER, digits="1234567890"))


def leg(phone, root, outcome, duration="25"):
    """One leg as Twilio plays it: the person rung hears the screening, presses 1 or not (a
    voicemail presses nothing), and the Dial's action reports DialCallStatus."""
    dial = root.find("Dial")
    number = dial.find("Number")
    assert dial.get("action") and number.get("url")
    if outcome in ("taken", "voicemail", "pressed 2"):
        screening = twiml(phone.call_step(number.get("url"), LINE_SIDE, call_sid="CA" + "5" * 32))
        assert "an emergency call: press 1 to take it" in said(screening)
        digits = {"taken": "1", "voicemail": "", "pressed 2": "2"}[outcome]
        answer = twiml(phone.call_step(screening.find("Gather").get("action"), LINE_SIDE, digits=digits,
                                       call_sid="CA" + "5" * 32))
        assert (answer.find("Hangup") is None) == (outcome == "taken")  # only a 1 connects
    status = "completed" if outcome in ("taken", "voicemail", "pressed 2") else outcome
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=1)):
        return number.text, twiml(phone.call_step(dial.get("action"), CALLER, DialCallStatus=status,
                                                  DialCallDuration=duration))


def timeline():
    incident = db.session.scalar(select(Incident))
    return [event.detail for event in incident.events if event.kind == "put through"]


def test_a_screened_leg_with_no_key_press_moves_on_to_the_next_person(world, phone):
    root = put_through_by_unknown_card(phone)
    assert root.find("Dial/Number").text == PRIYA
    rung, root = leg(phone, root, "pressed 2")
    assert rung == PRIYA and root.find("Dial/Number").text == SAM


def test_a_voicemail_never_takes_the_call(world, phone):
    root = put_through_by_unknown_card(phone)
    _, root = leg(phone, root, "voicemail")  # Priya's voicemail answers and hears the screening
    assert root.find("Dial/Number").text == SAM
    _, root = leg(phone, root, "voicemail")
    assert root.find("Dial/Number").text == FALLBACK
    _, root = leg(phone, root, "voicemail")
    assert root.find("Dial") is None and root.find("Hangup") is not None and "call 999" in said(root)
    assert "answered but no key was pressed" in timeline()[1]


def test_a_leg_answered_with_1_ends_the_chain_cleanly(world, phone):
    root = put_through_by_unknown_card(phone)
    _, root = leg(phone, root, "no-answer", duration="0")
    rung, root = leg(phone, root, "taken", duration="184")
    assert rung == SAM
    assert root.find("Dial") is None and root.find("Hangup") is not None and said(root) == ""  # no fallback after
    assert timeline() == [
        "rang Priya Shah (+447700900101), leg 1 of 3",
        "Priya Shah: not taken (no-answer) after 0 s; moving on",
        "rang Sam Patel (+447700900104), leg 2 of 3",
        "Sam Patel (+447700900104) pressed 1 and took the call",
        "Sam Patel: talked with the caller after 184 s",
    ]


def test_a_busy_or_failed_leg_moves_on_and_the_same_action_delivered_twice_rings_the_next_person_once(world, phone):
    root = put_through_by_unknown_card(phone)
    action = root.find("Dial").get("action")
    first = phone.call_step(action, CALLER, DialCallStatus="busy")
    again = phone.call_step(action, CALLER, DialCallStatus="busy")
    assert first.data == again.data and twiml(first).find("Dial/Number").text == SAM
    assert len([d for d in timeline() if d.startswith("rang Sam")]) == 1


# The accepter's page, made for a phone

def test_the_details_page_has_tap_to_call_a_map_link_who_called_and_what_to_do_if_they_cannot_go(world, phone, client):
    arthur = world.plan.cared_for[0]
    arthur.gp_name, arthur.gp_practice, arthur.gp_phone = "Dr Patel", "Hyde Park Surgery", "+441134960555"
    db.session.commit()
    open_by_text(world, phone, f"Margaret has fallen, card {world.plan.card_number}")
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=2)):
        phone.text("07700 900456", f"ACCEPT {code_for(SUE)}")
    link = queued("details", SUE)[0].body.split("https://line.example.org")[1].split()[0]
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=3)):
        page = client.get(link).get_data(as_text=True)
    assert 'href="tel:+447911123456"' in page  # the caller
    assert 'href="tel:+447700900100"' in page  # the carer
    assert 'href="tel:+447700900789"' in page  # another contact
    assert 'href="tel:+447700900456"' not in page  # not Susan herself
    assert 'href="tel:+441134960555"' in page  # the GP
    said = words(page)
    # The GP's name and practice apart; a number then its comma, never a space before it.
    assert "GP Dr Patel, Hyde Park Surgery 0113 496 0555" in said
    assert " ," not in said, said[said.index(" ,") - 80:said.index(" ,") + 20]
    assert "The carer Name Margaret Hughes Mobile 07700 900100" in said
    # The most urgent facts first: where, how to get in, who is waiting, what to do; then the rest.
    order = [said.index(heading) for heading in ("Where to go 14 Brudenell Grove, Leeds, LS6 1HR", "Getting in",
                                                 "Who is waiting", "What to do", "Arthur Hughes Conditions", "The carer")]
    assert order == sorted(order)
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=14+Brudenell+Grove%2C+Leeds%2C+LS6+1HR"' in page
    assert "22:00 on Thu 03 Dec" in page and "Margaret has fallen" in page  # who called, when, what they texted
    assert "The line was called by text at 22:00 on Thu 03 Dec, from 07911 123456." in said
    assert "If you can no longer go" in page and 'href="tel:+447700900101"' in page  # the duty officer on shift
    assert f'href="tel:{FALLBACK}"' in page


def test_if_the_database_fails_between_legs_the_caller_is_still_put_through_to_the_fallback(world, phone):

    root = put_through_by_unknown_card(phone)

    def database_gone(_session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(db.session, "before_commit", database_gone)
    try:
        after = twiml(phone.call_step(root.find("Dial").get("action"), CALLER, DialCallStatus="no-answer"))
    finally:
        event.remove(db.session, "before_commit", database_gone)
    assert after.find("Dial/Number").text == FALLBACK
    assert after.find("Dial/Number").get("url").startswith("/twilio/put-through/0/screen")  # still screened
