"""Texting the line: from a card number to asks in the outbox to ACCEPT and the caller's text."""
from datetime import timedelta
from xml.etree import ElementTree

from freezegun import freeze_time
from sqlalchemy import func, insert, select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.incidents.models import Incident, Page
from emergency.outbox.models import OutboxMessage, SmsOptOut
from emergency.plans import service as plans
from emergency.telephony import incoming_texts
from emergency.telephony.models import InboundRequest
from tests.conftest import make_api_user, plan_payload
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import OLD_AUTH_TOKEN

CALLER, SUE, PRIYA = "07911 123456", "+447700900456", "+447700900101"


def reply_text(response):
    assert response.status_code == 200 and response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "Response"
    return " ".join(message.text or "" for message in root.iter("Message"))


def queued(purpose=None, to=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if purpose:
        query = query.where(OutboxMessage.purpose == purpose)
    if to:
        query = query.where(OutboxMessage.to_number == to)
    return db.session.scalars(query).all()


def incidents_count():
    return db.session.scalar(select(func.count(Incident.id)))


def test_a_text_with_a_card_number_opens_an_incident_and_asks_the_first_contact(world, phone):
    card = world.plan.card_number
    with freeze_time(THURSDAY_NIGHT):
        response = phone.text(CALLER, f"Margaret collapsed, card {card[:4]} {card[4:8]} {card[8:]}")
    assert "We are contacting Margaret's emergency contacts now" in reply_text(response)
    assert [(m.channel, m.to_number) for m in queued("ask")] == [("sms", SUE), ("call", SUE)]
    [incident] = db.session.scalars(select(Incident)).all()
    assert (incident.caller_number, incident.channel) == ("+447911123456", "sms")


def test_unsigned_or_wrongly_signed_requests_are_refused_and_change_nothing(world, phone):
    card = world.plan.card_number
    assert phone.text(CALLER, card, signed=False).status_code == 403
    assert phone.text(CALLER, card, token="someone-elses-token").status_code == 403
    assert incidents_count() == 0
    assert phone.text(CALLER, card, token=OLD_AUTH_TOKEN).status_code == 200  # during a token rotation
    assert incidents_count() == 1


def test_the_same_message_delivered_twice_has_one_effect(world, phone):
    first = phone.text(CALLER, world.plan.card_number, sid="SM" + "7" * 32)
    second = phone.text(CALLER, world.plan.card_number, sid="SM" + "7" * 32)
    assert first.data == second.data
    assert incidents_count() == 1 and len(queued("ask")) == 2


def test_accept_with_the_code_wins_and_the_caller_hears_help_is_arranged(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
    code = db.session.scalar(select(Page.code))
    assert reply_text(phone.text("07700 900456", f"accept {code}")) == ""
    assert [m.body for m in queued("caller_confirmation")] == [
        "Carers Emergency Line: help is arranged. Susan is on the way to Arthur."]
    assert "Reply DONE" in queued("details", SUE)[0].body
    phone.text("07700 900456", f"ACCEPT {code}")  # said twice: nothing new is sent
    assert len(queued("details", SUE)) == 1 and queued("too_late") == []
    assert "call this number now" in reply_text(phone.text("07700 900456", f"DECLINE {code}"))
    assert "closed" in reply_text(phone.text("07700 900456", f"DONE {code}"))
    assert db.session.scalar(select(Incident.status)) == "resolved"


def test_a_bare_accept_works_with_one_open_ask_and_asks_for_the_code_with_two(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
    other = world.plan  # a second plan naming Susan too

    second = plans.create_plan(PlanSchema().load(plan_payload(carer={**plan_payload()["carer"], "name": "Ann Other"})),
                               by=None, now=THURSDAY_NIGHT)
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT):
        phone.text("07911 123457", second.card_number)
    answer = reply_text(phone.text("07700 900456", "ACCEPT"))
    codes = db.session.scalars(select(Page.code).where(Page.phone == SUE)).all()
    assert "more than one open ask" in answer and all(code in answer for code in codes)
    assert other.id != second.id


def test_a_decline_thanks_the_person_and_the_next_tick_asks_the_rota(world, phone):

    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
        assert "asking someone else" in reply_text(phone.text("07700 900456", "DECLINE"))
        engine.tick(utc_now())
    assert [m.channel for m in queued("ask", PRIYA)] == ["sms", "call"]


def test_a_mistyped_card_gets_a_clear_reply_and_a_person_is_told(world, phone):
    card = world.plan.card_number
    typo = card[:-1] + str((int(card[-1]) + 1) % 10)
    with freeze_time(THURSDAY_NIGHT):
        answer = reply_text(phone.text(CALLER, typo))
    assert "a digit may be mistyped" in answer and "duty officer has been told" in answer
    [incident] = db.session.scalars(select(Incident)).all()
    assert incident.plan_id is None and "could not be read" in incident.events[0].detail
    assert [m.to_number for m in queued("hand_over")] == [PRIYA]


def test_a_card_whose_plan_is_suspended_goes_to_the_duty_officer(world, phone):
    world.plan.status = "suspended"
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT):
        answer = reply_text(phone.text(CALLER, world.plan.card_number))
    assert "duty officer is being told" in answer
    [hand_over] = queued("hand_over")
    assert hand_over.to_number == PRIYA and "+447911123456" in hand_over.body and "suspended" in hand_over.body
    [incident] = db.session.scalars(select(Incident)).all()
    assert (incident.status, incident.needs_person_reason) == ("needs_person", "plan_not_active")


def test_known_numbers_with_no_open_ask_get_help_and_help_is_always_answered(world, phone):
    assert "ACCEPT or DECLINE" in reply_text(phone.text("07911 123459", "HELP"))
    assert incidents_count() == 0
    assert "ACCEPT or DECLINE" in reply_text(phone.text("07700 900101", "what is this?"))  # Priya, an officer


def test_stop_means_asks_go_by_call_only_until_start(app, world, phone):

    assert reply_text(phone.text("07700 900456", "STOP")) == ""
    assert db.session.get(SmsOptOut, SUE) is not None
    coordinator = make_api_user(app, "cora2", "coordinator")
    assert [o["phone"] for o in coordinator.get("/api/v1/opt-outs").json] == [SUE]
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
    assert [m.channel for m in queued("ask", SUE)] == ["call"]
    phone.text("07700 900456", "start")
    assert db.session.get(SmsOptOut, SUE) is None


def test_an_opening_that_goes_straight_to_the_rota_calls_an_officer_whose_number_texted_stop(app, world, phone):
    # Neither contact of this plan agreed to be contacted, so its first step asks tier 1 of the
    # rota: Priya, whose number texted STOP, is called and not texted.
    payload = plan_payload()
    for contact in payload["contacts"]:
        contact["consent"] = {"status": "refused", "recorded_on": "2026-01-10"}
    plan = plans.create_plan(PlanSchema().load(payload), by=world.coordinator, now=utc_now())
    phone.text(PRIYA, "STOP")
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, plan.card_number)
    assert [(m.channel, m.to_number) for m in queued("ask")] == [("call", PRIYA)]


def test_an_officers_opt_out_belongs_to_the_number_and_does_not_follow_a_new_mobile(app, world, phone):

    coordinator = make_api_user(app, "cora2", "coordinator")
    priya = world.officers["priya"]

    def priya_opted_out_at():
        return coordinator.get(f"/api/v1/rota/officers/{priya.id}").json["sms_opted_out_at"]

    phone.text("07700 900101", "STOP")
    assert priya_opted_out_at() is not None
    changed = coordinator.put(f"/api/v1/rota/officers/{priya.id}", json={
        "name": priya.name, "mobile": "07700 900111", "role": priya.role, "contact_preference": "both"})
    assert changed.status_code == 200 and changed.json["sms_opted_out_at"] is None
    assert priya_opted_out_at() is None


def test_missing_fields_get_valid_twiml_not_an_error(world, phone):
    response = phone.post("/twilio/sms", {"Body": "hello"})
    assert response.status_code == 200 and ElementTree.fromstring(response.data).tag == "Response"


def test_a_fault_inside_the_line_still_gets_the_texter_a_call_back(world, phone, monkeypatch):

    def broken(*args, **kwargs):
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(incoming_texts, "handle_text", broken)
    with freeze_time(THURSDAY_NIGHT):
        reply = reply_text(phone.text(CALLER, f"Margaret collapsed, card {world.plan.card_number}"))
    assert "duty officer is being told and will call you back" in reply
    incident = db.session.scalar(select(Incident))
    assert (incident.caller_number, incident.status, incident.needs_person_reason) == (
        "+447911123456", "needs_person", "fault")
    [hand_over] = queued("hand_over")
    assert hand_over.to_number == PRIYA and "+447911123456" in hand_over.body and "Margaret" not in hand_over.body


def test_the_same_text_delivered_twice_at_once_has_one_effect(world, phone, monkeypatch):
    """Twilio retries a text while the first delivery is still being handled: the first to
    commit wins, the other is rolled back and gets the same answer."""


    first_answer = "<Response><Message>answered by the other delivery</Message></Response>"
    handle_text = incoming_texts.handle_text

    def other_delivery_commits_first(sender, body, now):
        with db.engine.begin() as other:
            other.execute(insert(InboundRequest).values(key="sms:SM" + "7" * 32, received_at=utc_now(),
                                                        answer=first_answer))
        return handle_text(sender, body, now)

    monkeypatch.setattr(incoming_texts, "handle_text", other_delivery_commits_first)
    with freeze_time(THURSDAY_NIGHT):
        response = phone.text(CALLER, world.plan.card_number, sid="SM" + "7" * 32)
    assert reply_text(response) == "answered by the other delivery"
    assert incidents_count() == 0 and queued() == []  # this delivery's effect was rolled back


def test_the_carer_answers_the_survey_with_a_digit(world, phone):


    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
        code = db.session.scalar(select(Page.code))
        phone.text("07700 900456", f"ACCEPT {code}")
        phone.text("07700 900456", f"DONE {code}")
    with freeze_time(THURSDAY_NIGHT + timedelta(days=1)):
        engine.tick(utc_now())
        assert "thank you" in reply_text(phone.text("07700 900100", "4"))
    assert db.session.scalar(select(Incident.survey_rating)) == 4
