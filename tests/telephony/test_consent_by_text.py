"""Consent by text: the ask goes through the outbox, and the contact's AGREE or REFUSE, through
the signed SMS webhook, is recorded on the contact with its date and in the plan's history."""
from datetime import date

from freezegun import freeze_time
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.outbox.models import OutboxMessage
from emergency.plans import consent
from emergency.plans import service as plans
from emergency.plans.consent import ConsentReply, parse_consent_reply
from tests.conftest import NOW, plan_payload
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.test_texts import reply_text

TOM = "+447700900789"
ASKED_AT = NOW
REPLIED_AT = THURSDAY_NIGHT  # 3 December 2026


def ask_tom(world):
    tom = world.plan.contacts[1]
    request, _ = consent.ask_for_consent(tom, by=world.coordinator, now=ASKED_AT)
    db.session.commit()
    return tom, request


def test_agree_with_the_code_records_consent_with_its_date_and_in_the_history(world, phone):
    tom, request = ask_tom(world)
    with freeze_time(REPLIED_AT):
        response = phone.text(TOM, f"agree {request.code}")
    assert reply_text(response) == "Carers Emergency Line: thank you. You are now an emergency contact for Margaret."
    db.session.refresh(tom)
    assert (tom.consent_status, tom.consent_recorded_on) == ("given", date(2026, 12, 3))
    version = plans.versions_of(world.plan)[0]
    assert version.change == "consent_by_text" and f"AGREE {request.code}" in version.reason
    assert {"field": "contacts[1].consent.status", "from": "pending", "to": "given"} in version.changes
    assert consent.open_request_for(tom) is None


def test_refuse_is_recorded_and_the_escalation_then_skips_the_contact(world, phone):
    tom, request = ask_tom(world)
    with freeze_time(REPLIED_AT):
        reply = reply_text(phone.text(TOM, f"REFUSE {request.code}"))
    assert "We will not contact you for Margaret" in reply
    db.session.refresh(tom)
    assert tom.consent_status == "refused"
    incident, _ = opening.open_incident(world.plan, caller_number="+441134960321", channel="sms", now=REPLIED_AT)
    answers.decline(incident.pages[0], REPLIED_AT)  # Susan cannot go
    db.session.commit()
    world.tick_at(REPLIED_AT)
    db.session.refresh(incident)
    assert "skipped Tom Baker: refused consent to be contacted" in [event.detail for event in incident.events]
    assert "Tom Baker" not in [page.name for page in incident.pages]


def test_a_reply_with_a_wrong_code_or_from_another_number_changes_nothing(world, phone):
    tom, request = ask_tom(world)
    wrong = "999" if request.code != "999" else "998"
    assert "no request with code" in reply_text(phone.text(TOM, f"AGREE {wrong}"))
    assert "no request with code" in reply_text(phone.text("+447700900111", f"AGREE {request.code}"))
    assert "no open request" in reply_text(phone.text("+447700900111", "AGREE"))
    db.session.refresh(tom)
    assert tom.consent_status == "pending"


def test_an_unsigned_reply_is_refused_and_records_nothing(world, phone):
    tom, request = ask_tom(world)
    assert phone.text(TOM, f"AGREE {request.code}", signed=False).status_code == 403
    db.session.refresh(tom)
    assert tom.consent_status == "pending"


def test_codes_are_unique_among_one_numbers_open_requests_and_a_bare_agree_needs_one(world, phone):
    others = []
    for name in ("Ann Other", "Bea Other", "Cy Other"):
        payload = plan_payload(carer={**plan_payload()["carer"], "name": name},
                               contacts=[{"name": "Tom Baker", "relationship": "neighbour", "mobile": TOM}])
        others.append(plans.create_plan(PlanSchema().load(payload), by=world.coordinator, now=NOW))
    db.session.flush()
    codes = [consent.ask_for_consent(plan.contacts[0], by=world.coordinator, now=NOW)[0].code for plan in others]
    db.session.commit()
    assert len(set(codes)) == 3
    assert "3 open requests" in reply_text(phone.text(TOM, "AGREE"))
    assert "thank you" in reply_text(phone.text(TOM, f"AGREE {codes[1]}"))
    statuses = [plan.contacts[0].consent_status for plan in others]
    assert statuses == ["pending", "given", "pending"]
    texts = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.purpose == "consent")).all()
    assert texts[1].startswith("Bea has named you as an emergency contact")


def test_the_reply_words_are_read_as_people_type_them():
    assert parse_consent_reply(" agree  314. ") == ConsentReply(True, "314")
    assert parse_consent_reply("Refuse #314") == ConsentReply(False, "314")
    assert parse_consent_reply("AGREE") == ConsentReply(True, None)
    assert parse_consent_reply("I agree 314") is None and parse_consent_reply("ACCEPT 314") is None
    assert parse_consent_reply("") is None


def test_a_reply_from_a_number_the_plan_no_longer_has_for_the_contact_changes_nothing(world, phone):
    tom, request = ask_tom(world)
    tom.mobile = "+447700900790"
    db.session.commit()
    assert "no longer open" in reply_text(phone.text(TOM, f"AGREE {request.code}"))
    db.session.refresh(tom)
    assert tom.consent_status == "pending" and consent.open_request_for(tom) is None
