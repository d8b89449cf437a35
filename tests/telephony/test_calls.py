"""Calling the line, and the line calling contacts and duty officers."""
from xml.etree import ElementTree

from freezegun import freeze_time
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.incidents.models import Incident, Page
from emergency.telephony import card_calls
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import query

CALLER = "07911 123456"


def twiml(response):
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ElementTree.fromstring(response.data)


def said(root):
    return " ".join(element.text or "" for element in root.iter("Say"))


def dialled(root):
    return [number.text for number in root.iter("Number")]


def put_through_chain(phone, first, answers=None):
    """Follow a put-through call leg by leg, as Twilio would: each leg ends with the Dial's
    action; `answers` says how each leg went (DialCallStatus, or "taken" for a key press of 1).
    Returns the numbers rung, in order, and the TwiML of the last answer."""
    answers, rung, root = list(answers or []), [], first
    while root.find("Dial") is not None:
        dial = root.find("Dial")
        number = dial.find("Number")
        rung.append(number.text)
        outcome = answers.pop(0) if answers else "no-answer"
        status = "completed" if outcome in ("taken", "voicemail") else outcome
        if outcome == "taken":
            screening = twiml(phone.call_step(number.get("url"), "+441134960500", call_sid="CA" + "2" * 32))
            assert "press 1 to take it" in said(screening)
            twiml(phone.call_step(screening.find("Gather").get("action"), "+441134960500", digits="1",
                                  call_sid="CA" + "2" * 32))
        elif outcome == "voicemail":
            screening = twiml(phone.call_step(number.get("url"), "+441134960500", call_sid="CA" + "3" * 32))
            hung_up = twiml(phone.call_step(screening.find("Gather").get("action"), "+441134960500", digits="",
                                            call_sid="CA" + "3" * 32))
            assert hung_up.find("Hangup") is not None
        root = twiml(phone.call_step(dial.get("action"), CALLER, DialCallStatus=status, DialCallDuration="30"))
    return rung, root


def test_the_line_greets_and_gathers_the_card_number_by_keypad(world, phone):
    root = twiml(phone.call_step("/twilio/voice", CALLER))
    gather = root.find("Gather")
    assert gather.get("finishOnKey") == "#" and gather.get("action") == "/twilio/voice/card?attempt=1"
    assert "card" in said(root)


def test_a_valid_card_opens_an_incident_and_says_what_happens_next(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        root = twiml(phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=world.plan.card_number + "#"))
    assert "contacting Margaret's emergency contacts" in said(root) and "text" in said(root)
    assert db.session.scalar(select(Incident.channel)) == "voice"


def test_a_mistyped_card_gets_one_retry_then_the_duty_officer_then_the_fallback(world, phone):
    typo = "1234567890"
    with freeze_time(THURSDAY_NIGHT):
        first = twiml(phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=typo))
        assert first.find("Gather").get("action") == "/twilio/voice/card?attempt=2" and "not recognised" in said(first)
        second = twiml(phone.call_step(query("/twilio/voice/card", attempt=2), CALLER, digits=typo))
        rung, last = put_through_chain(phone, second)
    assert rung == ["+447700900101", "+447700900104", "+441134960000"]  # tier 1, tier 2, fallback
    assert "999" in said(last)  # if nobody can be reached, the caller is told what to do
    [incident] = db.session.scalars(select(Incident)).all()
    assert incident.plan_id is None and "could not be read" in incident.events[0].detail


def test_silence_twice_also_reaches_a_person(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        twiml(phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=""))
        root = twiml(phone.call_step(query("/twilio/voice/card", attempt=2), CALLER))
    assert dialled(root)[0] == "+447700900101"


def test_a_fault_inside_the_line_still_puts_the_caller_through(world, phone, monkeypatch):

    def broken(*args, **kwargs):
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(card_calls, "card_by_keypad", broken)
    with freeze_time(THURSDAY_NIGHT):
        root = twiml(phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=world.plan.card_number))
        rung, _ = put_through_chain(phone, root)
    assert rung == ["+447700900101", "+447700900104", "+441134960000"]


def open_incident(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
    return db.session.scalar(select(Page).where(Page.phone == "+447700900456"))


def test_an_ask_call_says_the_ask_and_pressing_1_accepts_and_reads_the_essentials(world, phone):
    page = open_incident(world, phone)
    root = twiml(phone.call_step(f"/twilio/ask/{page.id}", "+441134960500"))
    assert "Press 1 to accept" in said(root) and root.find("Gather").get("numDigits") == "1"
    with freeze_time(THURSDAY_NIGHT):
        answer = twiml(phone.call_step(query(f"/twilio/ask/{page.id}/answer", attempt=1), "+441134960500", digits="1"))
    words = said(answer)
    assert "14 Brudenell Grove" in words and "8 6 4 2" in words and "Donepezil" in words
    assert db.session.scalar(select(Incident.status)) == "accepted"
    read_out = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.details_read_to_accepter"))
    # The audit log keeps ids, not the accepter's name or number.
    assert read_out.detail == f"incident {page.incident_id}, read out on the call of ask {page.id} (contact)"


def test_pressing_2_declines_and_no_key_twice_counts_as_no_answer(world, phone):
    page = open_incident(world, phone)
    first = twiml(phone.call_step(query(f"/twilio/ask/{page.id}/answer", attempt=1), "+441134960500", digits=""))
    assert first.find("Redirect").text == f"/twilio/ask/{page.id}?attempt=2"
    with freeze_time(THURSDAY_NIGHT):
        phone.call_step(query(f"/twilio/ask/{page.id}/answer", attempt=2), "+441134960500", digits="")
    db.session.refresh(page)
    assert page.status == "no_answer" and page.incident.next_action_at == THURSDAY_NIGHT


def test_pressing_2_declines(world, phone):
    page = open_incident(world, phone)
    with freeze_time(THURSDAY_NIGHT):
        root = twiml(phone.call_step(query(f"/twilio/ask/{page.id}/answer", attempt=1), "+441134960500", digits="2"))
    assert "ask someone else" in said(root)
    db.session.refresh(page)
    assert page.status == "declined"


def test_an_ask_for_an_incident_already_covered_just_says_so(world, phone):
    page = open_incident(world, phone)
    page.incident.status = "accepted"
    db.session.commit()
    assert "already covered" in said(twiml(phone.call_step(f"/twilio/ask/{page.id}", "+441134960500")))
    assert "Goodbye" in said(twiml(phone.call_step("/twilio/ask/99999", "+441134960500")))


def test_if_the_database_fails_as_the_call_is_answered_the_caller_is_put_through_to_the_fallback(world, phone):

    def database_gone(_session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(db.session, "before_commit", database_gone)
    try:
        with freeze_time(THURSDAY_NIGHT):
            root = twiml(phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=world.plan.card_number))
    finally:
        event.remove(db.session, "before_commit", database_gone)
    assert dialled(root) == ["+441134960000"]  # the configured fallback, reachable with no database
    assert root.find("Dial/Number").get("url").startswith("/twilio/put-through/0/screen")  # still screened
    after = twiml(phone.call_step(root.find("Dial").get("action"), CALLER, DialCallStatus="no-answer"))
    assert "call 999" in said(after)
