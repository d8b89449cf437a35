"""Scenarios read like the product: a text opens an incident, time passes, people answer."""
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import answers, closing, opening, surveys
from emergency.incidents.models import Page
from emergency.plans import service as plans
from emergency.plans.snapshot import plan_to_dict
from emergency.rota import service as rota
from emergency.rota.models import RotaPattern
from tests.scenarios.conftest import CALLER, COORDINATOR_MOBILE, FALLBACK, THURSDAY_NIGHT

SUE, TOM, PRIYA, SAM = "+447700900456", "+447700900789", "+447700900101", "+447700900104"


def minutes(n):
    return THURSDAY_NIGHT + timedelta(minutes=n)


def open_by_text(world, at=THURSDAY_NIGHT, caller=CALLER):
    with freeze_time(at):
        incident, joined = opening.open_incident(world.plan, caller_number=caller, channel="sms", now=utc_now())
        db.session.commit()
    return incident, joined


def asked(messages):
    return [(channel, to) for channel, to, purpose, _ in messages if purpose == "ask"]


def page_to(incident, phone):
    return db.session.scalar(select(Page).where(Page.incident_id == incident.id, Page.phone == phone)
                             .order_by(Page.id.desc()))


def test_the_whole_default_timeline_when_nobody_answers(world):
    incident, _ = open_by_text(world)
    assert asked(world.new_messages()) == [("sms", SUE), ("call", SUE)]

    assert world.tick_at(minutes(9)) == 0 and world.new_messages() == []
    world.tick_at(minutes(10))  # Tom is outside his window on a Thursday night: straight to the rota
    assert asked(world.new_messages()) == [("sms", PRIYA), ("call", PRIYA)]
    world.tick_at(minutes(20))
    assert asked(world.new_messages()) == [("sms", SAM), ("call", SAM)]
    world.tick_at(minutes(30))  # tier 3 is empty: round 1 is over, coordinators hear, round 2 starts
    messages = world.new_messages()
    assert [(to, purpose) for _, to, purpose, _ in messages] == [
        (COORDINATOR_MOBILE, "coordinator_alert"), (PRIYA, "ask"), (PRIYA, "ask")]
    assert "round 1 of 3" in messages[0][3]
    for at in (40, 50, 60):
        world.tick_at(minutes(at))
    world.new_messages()
    world.tick_at(minutes(70))  # round 3 over: exhausted, the fallback number is called
    messages = world.new_messages()
    assert ("call", FALLBACK, "fallback") in [(c, to, p) for c, to, p, _ in messages]
    assert any("NOBODY ACCEPTED" in body for _, to, _, body in messages if to == COORDINATOR_MOBILE)
    db.session.refresh(incident)
    assert incident.status == "exhausted" and incident.next_action_at is None
    assert world.tick_at(minutes(200)) == 0  # it stays for a coordinator to close
    kinds = [event.kind for event in incident.events]
    assert kinds.count("asked") == 8 and "exhausted" in kinds  # 7 asks of people, then the fallback
    assert "fallback number" in incident.events[-1].detail


def test_an_acceptance_stops_the_escalation_and_tells_everyone_the_right_thing(world, client):
    incident, _ = open_by_text(world)
    world.tick_at(minutes(10))  # Priya is asked too
    world.new_messages()
    sue = page_to(incident, SUE)
    with freeze_time(minutes(12)):
        won, name = answers.accept(sue, utc_now())
        db.session.commit()
    assert won and name == "Susan Hughes"
    messages = world.new_messages()
    by_purpose = {purpose: (to, body) for _, to, purpose, body in messages}
    assert by_purpose["covered"][0] == PRIYA and "covered by Susan" in by_purpose["covered"][1]
    assert by_purpose["caller_confirmation"] == (
        CALLER, "Carers Emergency Line: help is arranged. Susan is on the way to Arthur.")
    assert by_purpose["details"][0] == SUE and "/details/" in by_purpose["details"][1]
    assert world.tick_at(minutes(30)) == 0 and world.new_messages() == []

    priya = page_to(incident, PRIYA)
    with freeze_time(minutes(13)):
        won, name = answers.accept(priya, utc_now())
        db.session.commit()
    assert not won and name == "Susan Hughes"
    db.session.refresh(incident)
    assert incident.status == "accepted" and incident.accepted_page_id == sue.id

    link = by_purpose["details"][1].split("https://line.example.org")[1].split()[0]
    with freeze_time(minutes(20)):
        page = client.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Donepezil 10 mg at night" in text and "8642" in text
    with freeze_time(minutes(20) + timedelta(hours=24)):
        assert client.get(link).status_code == 404


def test_no_text_ever_carries_health_details_addresses_or_key_safe_codes(world):
    incident, _ = open_by_text(world)
    for at in range(10, 80, 10):
        world.tick_at(minutes(at))
    with freeze_time(minutes(80)):
        answers.accept(page_to(incident, PRIYA), utc_now())
        db.session.commit()
    sensitive = ["Donepezil", "Alzheimer", "kitchen cupboard", "Brudenell", "8642", "Key safe", "LS6 1HR"]
    bodies = [m.body for m in world.all_messages()]
    assert len(bodies) > 20
    assert not [body for body in bodies if any(word in body for word in sensitive)]


def test_a_decline_moves_on_at_once(world):
    incident, _ = open_by_text(world)
    world.new_messages()
    with freeze_time(minutes(2)):
        answers.decline(page_to(incident, SUE), utc_now())
        db.session.commit()
    world.tick_at(minutes(2))
    assert asked(world.new_messages()) == [("sms", PRIYA), ("call", PRIYA)]


def test_a_failed_delivery_moves_on_at_once(world):
    incident, _ = open_by_text(world)
    world.new_messages()
    with freeze_time(minutes(1)):
        answers.page_failed(page_to(incident, SUE), utc_now(), "undelivered (30003)")
        db.session.commit()
    world.tick_at(minutes(1))
    assert asked(world.new_messages()) == [("sms", PRIYA), ("call", PRIYA)]
    assert any(e.kind == "failed" and "30003" in e.detail for e in incident.events)


def override_tonight(world, kind, officer):
    rota.add_override({"kind": kind, "tier": 1, "officer_id": world.officers[officer].id, "starts_at": minutes(-60),
                       "ends_at": minutes(120)}, by=world.coordinator, now=minutes(-60))
    db.session.commit()


def test_a_tier_waits_while_anyone_in_it_might_still_answer(world):
    override_tonight(world, "add", "joe")
    incident, _ = open_by_text(world)
    world.new_messages()
    world.tick_at(minutes(10))
    assert sorted(asked(world.new_messages())) == [("call", PRIYA), ("sms", PRIYA), ("sms", "+447700900102")]
    with freeze_time(minutes(11)):
        answers.decline(page_to(incident, PRIYA), utc_now())
        db.session.commit()
    assert world.tick_at(minutes(11)) == 0  # Joe may still answer
    with freeze_time(minutes(12)):
        answers.decline(page_to(incident, "+447700900102"), utc_now())
        db.session.commit()
    world.tick_at(minutes(12))
    assert asked(world.new_messages()) == [("sms", SAM), ("call", SAM)]


def test_a_contact_outside_their_window_is_skipped_and_the_timeline_says_why(world):
    incident, _ = open_by_text(world)
    world.tick_at(minutes(10))
    assert any("skipped Tom Baker: outside their availability window" in e.detail for e in incident.events)


def test_a_rota_gap_in_tier_1_goes_straight_to_tier_2(world):
    override_tonight(world, "remove", "priya")
    incident, _ = open_by_text(world)
    world.new_messages()
    world.tick_at(minutes(10))
    assert asked(world.new_messages()) == [("sms", SAM), ("call", SAM)]


def test_an_empty_rota_goes_from_the_contacts_straight_to_the_fallback(world):

    for pattern in db.session.scalars(select(RotaPattern)):
        db.session.delete(pattern)
    db.session.commit()
    incident, _ = open_by_text(world)
    world.new_messages()
    world.tick_at(minutes(10))
    assert [(c, to, p) for c, to, p, _ in world.new_messages() if p in ("ask", "fallback")] == [("call", FALLBACK, "fallback")]
    db.session.refresh(incident)
    assert incident.status == "exhausted"


def test_editing_the_plan_mid_incident_does_not_change_who_is_asked(world):
    incident, _ = open_by_text(world)
    world.new_messages()
    data = plan_to_dict(world.plan)
    for key in ("id", "card_number"):
        data.pop(key)
    data["home_access"].pop("has_key_safe_code")
    data["contacts"][1]["availability"] = []  # Tom now always available...
    data["contacts"][1]["mobile"] = "+447700900999"  # ...on a new number
    plans.update_plan(world.plan, PlanSchema().load(data), expected_version=world.plan.version, by=world.coordinator,
                      now=minutes(5))
    db.session.commit()
    world.tick_at(minutes(10))
    assert asked(world.new_messages()) == [("sms", PRIYA), ("call", PRIYA)]  # the plan as it was at opening


def test_a_second_text_for_the_same_plan_joins_the_open_incident(world):
    first, _ = open_by_text(world)
    world.new_messages()
    second, joined = open_by_text(world, at=minutes(3), caller="+441134960322")
    assert joined and second.id == first.id
    assert world.new_messages() == []
    assert first.events[-1].kind == "joined" and "+441134960322" in first.events[-1].detail


def test_overdue_work_runs_at_once_after_a_restart_without_skipping_a_step(world):
    incident, _ = open_by_text(world)
    world.new_messages()
    world.tick_at(minutes(35))  # no engine ran for 35 minutes
    assert asked(world.new_messages()) == [("sms", PRIYA), ("call", PRIYA)]  # the next step, not tier 2 or round 2
    db.session.refresh(incident)
    assert incident.next_action_at == minutes(45)


def test_done_resolves_and_the_carer_is_asked_a_day_later_how_it_went(world):
    incident, _ = open_by_text(world)
    with freeze_time(minutes(5)):
        answers.accept(page_to(incident, SUE), utc_now())
        closing.resolve(incident, utc_now(), by="Susan Hughes (DONE)")
        db.session.commit()
    world.new_messages()
    assert world.tick_at(minutes(5) + timedelta(hours=23)) == 0
    world.tick_at(minutes(5) + timedelta(hours=24))
    [(channel, to, purpose, body)] = world.new_messages()
    assert (channel, to, purpose) == ("sms", "+447700900100", "survey") and "Reply 1" in body
    surveys.record_survey(incident, 4, minutes(5) + timedelta(hours=25))
    db.session.commit()
    assert incident.survey_rating == 4 and incident.status == "resolved"


def test_an_officer_with_every_three_digit_code_in_use_still_gets_an_ask_with_a_longer_code(world):
    incident, _ = open_by_text(world)
    other, _ = opening.record_for_a_person(caller_number=None, channel="sms", reason="fault", why="busy night",
                                           now=minutes(0))
    for code in range(100, 1000):  # Priya's open asks from 900 other emergencies
        db.session.add(Page(incident=other, code=str(code), who="officer", name="Priya Shah", phone=PRIYA,
                            channels="sms", step=0, status="open", sent_at=minutes(0)))
    db.session.commit()
    world.tick_at(minutes(10))
    newest = db.session.scalar(select(Page).where(Page.phone == PRIYA).order_by(Page.id.desc()))
    assert newest.status == "open" and len(newest.code) == 4
    assert db.session.scalar(select(func.count(Page.id)).where(Page.phone == PRIYA, Page.incident_id == incident.id)) == 1


def test_an_officer_asked_again_in_the_next_round_has_one_open_ask(world):
    incident, _ = open_by_text(world)
    for at in (10, 20, 30):  # Priya in round 1, Sam, then Priya again in round 2
        world.tick_at(minutes(at))
    priya = db.session.scalars(select(Page).where(Page.phone == PRIYA).order_by(Page.id)).all()
    assert [page.status for page in priya] == ["closed", "open"]
