"""The coordinators' console: a password login, live incidents first, closing them."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import answers, closing, opening, steps
from emergency.incidents.models import Incident
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.users import service as users
from emergency.users.models import User
from tests.conftest import NOW, plan_payload
from tests.console.client import PASSWORD, Browser, error_summary, words
from tests.scenarios.conftest import THURSDAY_NIGHT


def open_incident(world, when=THURSDAY_NIGHT):
    incident, _ = opening.open_incident(world.plan, caller_number="+447911123456", channel="sms", now=when)
    db.session.commit()
    return incident


def test_every_console_page_needs_a_login(client, world):
    for path in ("/console/", "/console/incidents/1", "/console/outbox", "/console/opt-outs"):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert client.post("/console/incidents/1/resolve").status_code == 302


def test_a_wrong_password_gets_in_nowhere(app, world):
    browser = Browser(app)
    refused = browser.log_in("cora", "wrong password!!")
    assert refused.status_code == 401 and "Wrong username or password" in refused.get_data(as_text=True)
    assert browser.client.get("/console/").status_code == 302
    assert browser.log_in("nobody").status_code == 401


def test_the_login_sends_you_back_where_you_were_going_but_never_off_site(app, world):
    browser = Browser(app)
    assert browser.log_in("cora", next_page="/console/outbox").headers["Location"] == "/console/outbox"
    assert browser.log_in("cora", next_page="https://evil.example/").headers["Location"] == "/console/"


def test_an_exhausted_incident_is_at_the_top_until_a_coordinator_closes_it(world, cora):
    incident = open_incident(world)
    incident.status = "exhausted"
    db.session.commit()
    board = cora.page("/console/")
    attention = board.split('id="attention"')[1].split('id="live"')[0]
    assert f'/console/incidents/{incident.id}"' in attention and "Nobody accepted: call round yourself" in words(attention)

    resolved = cora.submit(f"/console/incidents/{incident.id}/resolve", note="Susan went round in the end")
    assert resolved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == "resolved"
    assert 'id="attention"' not in cora.page("/console/")
    assert "Susan went round in the end" in cora.page(f"/console/incidents/{incident.id}")


def test_a_closed_incident_says_who_went_and_how_it_ended_not_where_its_escalation_stood(world, cora):
    went = open_incident(world)
    answers.accept(went.pages[0], THURSDAY_NIGHT)
    closing.resolve(went, THURSDAY_NIGHT, "cora", "Susan stayed the night.")
    db.session.commit()
    board = cora.page("/console/")
    closed = words(board.split('id="closed"')[1])
    assert "Susan Hughes went. Resolved by cora on Thu 03 Dec 22:00: the person is safe. Susan stayed the night." in closed
    assert "Asking" not in closed  # not the escalation's last step

    false_alarm = open_incident(world)
    for _ in range(3):  # past the plan's contacts, on to the rota
        steps.take_next_step(false_alarm, THURSDAY_NIGHT)
    assert false_alarm.stage == "rota"
    closing.cancel(false_alarm, "Margaret was home all along", THURSDAY_NIGHT, "cora")
    db.session.commit()
    closed = words(cora.page("/console/").split('id="closed"')[1])
    assert "Cancelled by cora on Thu 03 Dec 22:00 as a false alarm: Margaret was home all along." in closed
    assert "round 1 of" not in closed and "duty officers" not in closed
    assert "Asking the" not in words(cora.page(f"/console/incidents/{false_alarm.id}"))


def test_the_incident_page_shows_who_was_asked_and_the_timeline(world, cora):
    incident = open_incident(world)
    page = cora.page(f"/console/incidents/{incident.id}")
    assert "Susan Hughes" in page and incident.pages[0].code in page
    assert "Thu 03 Dec 2026 22:00" in page  # London time (GMT in December)
    timeline = words(page.split('class="moj-timeline"')[1])
    assert "Opened" in timeline and "Asked" in timeline and "Susan Hughes (contact) by both" in timeline


def test_a_false_alarm_is_cancelled_only_with_a_reason(world, cora):
    incident = open_incident(world)
    refused = cora.submit(f"/console/incidents/{incident.id}/cancel", reason="  ")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and error_summary(page) == "There is a problem Enter why it is a false alarm"
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: Incident" in page
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == "open"
    assert cora.submit(f"/console/incidents/{incident.id}/cancel", reason="Margaret was home").status_code == 302
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).cancel_reason == "Margaret was home"
    again = cora.submit(f"/console/incidents/{incident.id}/resolve")
    assert again.status_code == 409 and "The incident is already cancelled" in words(again.get_data(as_text=True))


def test_a_form_without_its_csrf_token_changes_nothing(world, cora):
    incident = open_incident(world)
    forged = cora.client.post(f"/console/incidents/{incident.id}/cancel", data={"reason": "forged"})
    assert forged.status_code == 400
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == "open"


def test_a_call_taken_by_hand_opens_an_incident_and_asks_the_first_contact(world, cora):
    card = world.plan.card_number
    mistyped = card[:-1] + str((int(card[-1]) + 1) % 10)
    refused = cora.submit("/console/incidents", card_number=mistyped, caller_number="07911 123456")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert error_summary(page) == "There is a problem The card number has a digit typed wrongly: check it against the card"
    assert f'value="{mistyped}"' in page and 'value="07911 123456"' in page  # what was typed is kept
    assert db.session.scalar(select(Incident)) is None
    for card_number, caller_number, said in (
            ("", "07911 123456", "Enter the card number on the carer's card"),
            (card, "0123", "Enter the caller's UK phone number, like 07700 900 982")):
        empty = cora.submit("/console/incidents", card_number=card_number, caller_number=caller_number)
        assert error_summary(empty.get_data(as_text=True)) == f"There is a problem {said}"

    opened = cora.submit("/console/incidents", card_number=card, caller_number="07911 123456", note="Rang the office")
    assert opened.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert incident.channel == "console" and incident.caller_number == "+447911123456"
    asks = db.session.scalars(select(OutboxMessage.to_number).where(OutboxMessage.purpose == "ask")).all()
    assert set(asks) == {"+447700900456"}  # Susan, the first contact


def test_the_outbox_page_shows_what_would_have_been_sent(world, cora):
    assert "The outbox is empty" in words(cora.page("/console/outbox"))
    open_incident(world)
    outbox = words(cora.page("/console/outbox"))
    assert "Text to 07700 900456 (mobile): Asking them to go Waiting to go" in outbox and "Reply ACCEPT" in outbox
    assert "Call to 07700 900456 (mobile): Asking them to go" in outbox
    assert "What the call said This is the Carers Emergency Line. Margaret, who cares for Arthur" in outbox
    assert "The outbox is empty" not in outbox


def test_the_outbox_says_what_each_message_was_for_and_where_it_got_to_in_words_not_codes(world, cora):
    incident = open_incident(world)
    answers.accept(incident.pages[0], THURSDAY_NIGHT)
    db.session.commit()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.purpose == "caller_confirmation")
                       .values(status="failed"))
    db.session.commit()
    outbox = words(cora.page("/console/outbox"))
    for code in ("caller_confirmation", "hand_over", "pending", "failed", "sms"):
        assert code not in outbox, code
    assert "Text to 07911 123456 (mobile): Telling the caller help is arranged Could not be sent" in outbox
    assert "Text to 07700 900456 (mobile): The plan's details, for whoever is going" in outbox


def test_a_duty_officer_sees_only_incidents_they_were_asked_about_and_closes_none(app, world):
    officer_user = users.create_user("priya", "Priya Shah", "duty_officer", utc_now())
    users.set_password(officer_user, PASSWORD)
    world.officers["priya"].user_id = officer_user.id
    db.session.commit()
    not_asked = open_incident(world)
    browser = Browser(app)
    browser.log_in("priya")
    assert f"/console/incidents/{not_asked.id}" not in browser.page("/console/")
    assert browser.client.get(f"/console/incidents/{not_asked.id}").status_code == 404
    assert browser.client.get("/console/outbox").status_code == 403
    assert browser.submit(f"/console/incidents/{not_asked.id}/resolve").status_code == 403

    no_contacts = plans.create_plan(PlanSchema().load(plan_payload(contacts=[])), by=world.coordinator, now=NOW)
    asked, _ = opening.open_incident(no_contacts, caller_number=None, channel="sms", now=THURSDAY_NIGHT)
    db.session.commit()
    assert f"/console/incidents/{asked.id}" in browser.page("/console/")
    page = browser.page(f"/console/incidents/{asked.id}")
    assert "Priya Shah" in page and "Resolved: the person is safe" not in page


def test_deactivating_a_user_or_changing_their_password_ends_their_session(app, world, cora):
    assert cora.client.get("/console/").status_code == 200
    users.set_password(db.session.get(User, world.coordinator.id), "a brand new password")
    db.session.commit()
    assert cora.client.get("/console/").status_code == 302

    browser = Browser(app)
    browser.log_in("cora", "a brand new password")
    db.session.get(User, world.coordinator.id).active = False
    db.session.commit()
    assert browser.client.get("/console/").status_code == 302


def test_logging_out_ends_the_session(world, cora):
    assert cora.submit("/console/logout").status_code == 302
    assert cora.client.get("/console/").status_code == 302


form_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=1200)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(card=form_text, caller=form_text, note=form_text, reason=form_text, username=form_text, password=form_text)
@example(card="\x00", caller="\x00", note="\x00", reason="\x00", username="\x00", password="\x00")  # PostgreSQL refuses NUL
def test_whatever_a_coordinator_types_the_console_answers_without_a_server_error(
        world, cora, card, caller, note, reason, username, password):
    incident = db.session.scalar(select(Incident)) or open_incident(world)
    for response in (
        cora.submit("/console/incidents", card_number=card, caller_number=caller, note=note),
        cora.submit(f"/console/incidents/{incident.id}/cancel", reason=reason),
        cora.submit(f"/console/incidents/{incident.id}/resolve", note=note),
        Browser(cora.client.application).log_in(username, password),
    ):
        assert response.status_code in (200, 302, 401, 404, 409, 422, 429), response.status_code
