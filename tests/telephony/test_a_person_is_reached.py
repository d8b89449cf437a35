"""Every text or call reaches a person, by whatever address that person actually has: a
coordinator with only an email gets an email, a person with no address is skipped, and a
text is kept on disk only when the database cannot be reached at all."""
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from freezegun import freeze_time
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import closing
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.jobs import run_job
from emergency.monitoring import metrics
from emergency.outbox import opt_outs, sender
from emergency.outbox.models import OutboxMessage
from emergency.scheduling import KEPT_TEXTS_REPLAY
from emergency.users import service as users
from tests.conftest import NOW, ApiUser, make_api_user
from tests.console.client import PASSWORD, Browser
from tests.scenarios.conftest import FALLBACK, THURSDAY_NIGHT
from tests.telephony.conftest import query, twilio_account
from tests.telephony.test_provider_outage import TwilioThatCanGoDown
from tests.telephony.test_texts import reply_text

AT_NOON = THURSDAY_NIGHT.replace(hour=12)  # office hours: nobody is on the rota
UNKNOWN_CARD = "1234567894"  # a right check digit, and no plan
STRANGER, PRIYA = "07911 123459", "+447700900101"


@pytest.fixture
def cora_browser(app, world):
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    browser = Browser(app)
    assert browser.log_in("cora").status_code == 302
    return browser


def critical_count():
    return metrics.PROCESS_REGISTRY.get_sample_value("cel_nobody_reached_total", {"what": "hand_over"}) or 0


def hand_overs():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "hand_over")
                              .order_by(OutboxMessage.id)).all()


def kept_files(app):
    return sorted(Path(app.config["INBOUND_SPOOL_DIR"]).glob("*.jsonl"))


def email_only_coordinators(world):
    """The repro: the coordinator has no mobile; an admin has an email address and no mobile."""
    world.coordinator.mobile = None
    ada = users.create_user("ada", "Ada Lovelace", "admin", NOW)
    users.set_email(ada, "ada@council.example.org")
    db.session.commit()
    return ada


def test_with_nobody_on_the_rota_a_coordinator_with_only_an_email_is_emailed_and_nothing_is_kept(app, world, phone):
    email_only_coordinators(world)
    app.config["FALLBACK_PHONE_NUMBER"] = None
    with freeze_time(AT_NOON):
        answer = reply_text(phone.text(STRANGER, "hello? is anyone there"))
    assert "has been told and will call you back" in answer and "It is kept" not in answer
    [told] = hand_overs()
    assert (told.channel, told.to_email, told.to_number) == ("email", "ada@council.example.org", None)
    assert "+447911123459" in told.body and "is anyone there" not in told.body
    assert kept_files(app) == []
    [incident] = db.session.scalars(select(Incident)).all()
    assert incident.caller_number == "+447911123459"
    with freeze_time(AT_NOON.replace(minute=1)):
        assert run_job(app, KEPT_TEXTS_REPLAY)  # nothing kept, nothing to fail on


def test_a_coordinator_with_neither_a_mobile_nor_an_email_is_skipped_and_the_fallback_is_rung(app, world, phone):
    world.coordinator.mobile = None
    db.session.commit()
    with freeze_time(AT_NOON):
        answer = reply_text(phone.text(STRANGER, "hello? is anyone there"))
    assert "will call you back" in answer
    assert [(m.channel, m.to_number) for m in hand_overs()] == [("call", FALLBACK)]


def test_with_nobody_to_tell_at_all_the_texter_is_sent_to_call_and_it_is_critical_until_closed(app, world, phone):
    world.coordinator.mobile = None
    users.set_password(world.coordinator, PASSWORD)
    app.config["FALLBACK_PHONE_NUMBER"] = None
    db.session.commit()
    before = critical_count()
    with freeze_time(AT_NOON):
        answer = reply_text(phone.text(STRANGER, "hello? is anyone there"))
    assert "call this number to speak to someone" in answer and "will call you back" not in answer
    assert hand_overs() == [] and kept_files(app) == []
    incident = db.session.scalar(select(Incident))
    assert incident.nobody_reached_at == AT_NOON and critical_count() == before + 1
    monitor = make_api_user(app, "watcher", "monitor")
    scraped = {sample.labels.get("what"): sample.value for family in text_string_to_metric_families(
        monitor.get("/metrics").get_data(as_text=True)) if family.name == "cel_nobody_reached" for sample in family.samples
        if sample.name == "cel_nobody_reached_total"}
    assert scraped["hand_over"] == before + 1
    health = app.test_client().get("/health")
    assert health.status_code == 503 and "1 live incident reached nobody" in health.json["status"]
    cora = Browser(app)
    cora.log_in("cora")
    assert "NOBODY COULD BE TOLD: call them back yourself" in cora.page("/console/")

    assert cora.submit(f"/console/incidents/{incident.id}/resolve", note="rang them back").status_code == 302
    assert app.test_client().get("/health").status_code == 200


def test_an_officer_whose_number_texted_stop_is_rung_with_the_hand_over(app, world, phone):
    opt_outs.opt_out(PRIYA, NOW)
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT):
        phone.text(STRANGER, "hello? is anyone there")
    assert [(m.channel, m.to_number) for m in hand_overs()] == [("call", PRIYA)]


def test_a_hand_over_text_twilio_cannot_take_goes_to_the_coordinators_by_email(app, world, phone):
    users.set_email(world.coordinator, "cora.jones@council.example.org")
    db.session.commit()
    twilio = twilio_account(app, TwilioThatCanGoDown())
    twilio.down = True
    with freeze_time(THURSDAY_NIGHT):
        phone.text(STRANGER, "hello? is anyone there")
        sender.send_due(utc_now())
        sender.send_due(utc_now())
    assert [(m.channel, m.to_number or m.to_email, m.status) for m in hand_overs()] == [
        ("sms", PRIYA, "pending"), ("email", "cora.jones@council.example.org", "sent")]
    assert "+447911123459" in hand_overs()[1].body
    assert db.session.scalar(select(Incident.nobody_reached_at)) is None


def test_a_caller_with_nobody_to_put_through_to_hears_that_a_coordinator_will_call_back(app, world, phone):
    world.coordinator.mobile = None
    users.set_email(world.coordinator, "cora.jones@council.example.org")
    app.config["FALLBACK_PHONE_NUMBER"] = None
    db.session.commit()
    with freeze_time(AT_NOON):
        phone.call_step(query("/twilio/voice/card", attempt=1), STRANGER, digits="1234567890")
        root = ElementTree.fromstring(
            phone.call_step(query("/twilio/voice/card", attempt=2), STRANGER, digits="1234567890").data)
    assert root.find("Dial") is None and "A coordinator has been told and will call you back" in ElementTree.tostring(
        root, encoding="unicode")
    assert [(m.channel, m.to_email) for m in hand_overs()] == [("email", "cora.jones@council.example.org")]


# "Needs a person" is a status with a reason, not open plus a stage plus a timeline line

def test_a_call_or_text_handed_to_a_person_has_its_own_status_and_reason_in_the_api(app, world, phone):
    _, token = users.issue_token(world.coordinator, "tests", NOW)
    db.session.commit()
    coordinator = ApiUser(app, world.coordinator, token)
    with freeze_time(THURSDAY_NIGHT):
        phone.text(STRANGER, f"card {UNKNOWN_CARD}")
    listed = coordinator.get("/api/v1/incidents", query_string={"status": "needs_person"})
    assert listed.status_code == 200 and [i["caller_number"] for i in listed.json] == ["+447911123459"]
    detail = coordinator.get(f"/api/v1/incidents/{listed.json[0]['id']}").json
    assert (detail["status"], detail["needs_person_reason"]) == ("needs_person", "unknown_card")
    assert coordinator.get("/api/v1/incidents", query_string={"status": "open"}).json == []


def test_the_board_says_why_a_person_is_needed_from_the_incident_not_its_timeline(app, world, phone, cora_browser):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(STRANGER, f"card {UNKNOWN_CARD}")
    incident = db.session.scalar(select(Incident))
    db.session.execute(update(IncidentEvent).where(IncidentEvent.incident_id == incident.id).values(detail=""))
    db.session.commit()
    assert "The line could not act on its own: a card number the line does not know." in cora_browser.page("/console/")


def test_a_plan_put_back_in_use_while_its_card_waits_for_a_person_gets_a_real_escalation(app, world, phone):
    world.plan.status = "suspended"
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT):
        phone.text(STRANGER, world.plan.card_number)  # handed to a person: the plan is not in use
    world.plan.status = "active"
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT.replace(minute=5)):
        answer = reply_text(phone.text(STRANGER, world.plan.card_number))
    assert "We are contacting Margaret's emergency contacts now" in answer
    statuses = db.session.scalars(select(Incident.status).order_by(Incident.id)).all()
    assert statuses == ["needs_person", "open"]


def test_closing_a_hand_over_asks_nobody_for_a_survey_and_the_engine_has_nothing_to_retry(app, world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(STRANGER, "hello? is anyone there")
    incident = db.session.scalar(select(Incident))
    closing.resolve(incident, THURSDAY_NIGHT, by="cora", detail="rang them back")
    db.session.commit()
    world.tick_at(THURSDAY_NIGHT + timedelta(days=1, minutes=1))
    world.tick_at(THURSDAY_NIGHT + timedelta(days=1, minutes=3))
    db.session.refresh(incident)
    assert incident.next_action_at is None and incident.survey_sent_at is None
    assert "engine error" not in [event.kind for event in incident.events]


def test_a_rating_is_matched_by_when_the_survey_was_sent_not_by_a_timeline_line(app, world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text("07911 123456", world.plan.card_number)
        code = db.session.scalar(select(Page.code))
        phone.text("07700 900456", f"ACCEPT {code}")
        phone.text("07700 900456", f"DONE {code}")
    world.tick_at(THURSDAY_NIGHT + timedelta(days=1))
    incident = db.session.scalar(select(Incident))
    assert incident.survey_sent_at == THURSDAY_NIGHT + timedelta(days=1)
    db.session.execute(update(IncidentEvent).where(IncidentEvent.kind == "survey sent").values(kind="note"))
    db.session.commit()
    with freeze_time(THURSDAY_NIGHT + timedelta(days=2)):
        assert "thank you" in reply_text(phone.text("07700 900100", "5"))
    assert db.session.scalar(select(Incident.survey_rating)) == 5
