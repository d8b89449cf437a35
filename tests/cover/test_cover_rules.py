"""Cover's rules as people meet them: bad bookings refused naming the field, one at a time
asks moving on after a timeout, replies only from the provider's own mobile, DONE from the
provider, HOME from another number, the provider's link and referrals."""
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.audit.models import AuditEvent
from emergency.clock import utc_now
from emergency.cover import ending
from emergency.cover import service as cover
from emergency.cover import tick as cover_tick
from emergency.cover.models import Cover, CoverAsk, SocialCareReferral
from emergency.extensions import db
from emergency.incidents import answers, closing, opening
from emergency.incidents.models import Page
from emergency.outbox.models import OutboxMessage
from emergency.retention.service import anonymise_incidents
from emergency.users.service import issue_token
from tests.conftest import ApiUser
from tests.cover.conftest import ACME_MOBILE, BRIGHT_MOBILE, STRANGER
from tests.scenarios.conftest import CALLER, COORDINATOR_MOBILE, THURSDAY_NIGHT

PRIYA, SUSAN = "+447700900101", "+447700900456"


def at(hours=0, minutes=0):
    return THURSDAY_NIGHT + timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def accepted(cover_world):
    """An incident Susan, the plan's first contact, accepted at 22:05."""
    with freeze_time(at()):
        incident, _ = opening.open_incident(cover_world.plan, caller_number=CALLER, channel="sms", now=utc_now())
        db.session.commit()
    page = answers.open_pages_for(SUSAN)[0]
    with freeze_time(at(minutes=5)):
        answers.accept(page, utc_now())
        db.session.commit()
    cover_world.new_messages()
    return incident


@pytest.fixture
def cora_api(app, cover_world):
    _, token = issue_token(cover_world.coordinator, "tests", utc_now())
    db.session.commit()
    return ApiUser(app, cover_world.coordinator, token)


def iso(moment):
    return moment.isoformat()


@pytest.mark.parametrize("change, field", [
    ({"starts_at": at(hours=-3)}, "starts_at"),  # in the past beyond the hour's grace
    ({"ends_at": at(hours=-1)}, "ends_at"),  # before the start
    ({"ends_at": at(hours=80)}, "ends_at"),  # past the 72-hour limit, with no reason
    ({"provider_id": 999}, "provider_id"),  # unknown
])
def test_a_bad_phone_booking_is_a_4xx_naming_the_field(cover_world, accepted, cora_api, change, field):
    body = {"provider_id": cover_world.acme.id, "starts_at": at(minutes=10), "ends_at": at(hours=48), **change}
    with freeze_time(at(minutes=10)):
        response = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings",
                                 json={key: iso(value) if hasattr(value, "isoformat") else value
                                       for key, value in body.items()})
    assert 400 <= response.status_code < 500 and field in response.json["errors"], response.json
    if change.get("ends_at") == at(hours=80):
        assert "at most 72 hours" in response.json["message"]


def test_an_inactive_provider_is_refused_and_one_outside_the_district_is_booked_with_a_warning(
        cover_world, accepted, cora_api):
    cover_world.acme.active = False
    db.session.commit()
    body = {"starts_at": iso(at(minutes=10)), "ends_at": iso(at(hours=24))}
    with freeze_time(at(minutes=10)):
        refused = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings",
                                json={**body, "provider_id": cover_world.acme.id})
        booked = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings",
                               json={**body, "provider_id": cover_world.far.id, "note": "rang their office"})
    assert refused.status_code == 422 and "provider_id" in refused.json["errors"]
    assert booked.status_code == 201
    assert booked.json["warnings"] == {"provider_id": ["Far Away Care does not cover LS6"]}
    assert booked.json["cover"]["booked_by"] == "phone"


def test_a_coordinator_books_past_the_limit_with_a_reason_and_it_is_audited(cover_world, accepted, cora_api):
    with freeze_time(at(minutes=10)):
        response = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings", json={
            "provider_id": cover_world.acme.id, "starts_at": iso(at(minutes=10)), "ends_at": iso(at(hours=100)),
            "extension_reason": "the carer is in hospital until Tuesday"})
    assert response.status_code == 201, response.json
    assert response.json["cover"]["extension_reason"] == "the carer is in hospital until Tuesday"
    assert "cover.extended" in db.session.scalars(select(AuditEvent.action)).all()


def test_one_at_a_time_the_next_provider_is_asked_when_the_first_does_not_answer_and_the_officer_is_told(
        app, cover_world, accepted, cora_api):
    app.config["COVER_ASK_MINUTES"] = 15
    with freeze_time(at(minutes=10)):
        response = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/asks", json={
            "provider_ids": [cover_world.acme.id, cover_world.bright.id], "mode": "one_at_a_time",
            "starts_at": iso(at(minutes=30)), "ends_at": iso(at(hours=24)), "capabilities": ["dementia"]})
    assert response.status_code == 201, response.json
    assert [to for _, to, purpose, _ in cover_world.new_messages() if purpose == "cover_ask"] == [ACME_MOBILE]
    with freeze_time(at(minutes=24)):
        cover_tick.tick(utc_now())
    assert cover_world.new_messages() == []
    with freeze_time(at(minutes=25)):
        cover_tick.tick(utc_now())
        cover_tick.tick(utc_now())  # again: nothing twice
    sent = cover_world.new_messages()
    assert [to for _, to, purpose, _ in sent if purpose == "cover_ask"] == [BRIGHT_MOBILE]
    told = [body for _, to, _, body in sent if to == COORDINATOR_MOBILE]
    assert told == ["Carers Emergency Line: Acme Care did not answer the ask to cover incident 1 (LS6) in time. "
                    "Asking Bright Homecare next."]


def test_a_reply_from_a_number_that_is_not_the_providers_is_refused(cover_world, accepted, cora_api, phone):
    with freeze_time(at(minutes=10)):
        cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/asks", json={
            "provider_ids": [cover_world.acme.id], "starts_at": iso(at(minutes=30)), "ends_at": iso(at(hours=24))})
    code = db.session.scalar(select(CoverAsk.code))
    with freeze_time(at(minutes=12)):
        reply = phone.text(STRANGER, f"ACCEPT {code}")
    assert f"we have no ask with code {code} for this number" in reply.get_data(as_text=True)
    assert db.session.scalar(select(Cover)) is None


def test_the_provider_declines_then_done_ends_cover_and_kills_its_link(cover_world, accepted, cora_api, phone, client):
    with freeze_time(at(minutes=10)):
        cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/asks", json={
            "provider_ids": [cover_world.acme.id, cover_world.bright.id], "starts_at": iso(at(minutes=30)),
            "ends_at": iso(at(hours=24))})
    codes = {ask.phone: ask.code for ask in db.session.scalars(select(CoverAsk))}
    with freeze_time(at(minutes=11)):
        declined = phone.text(ACME_MOBILE, f"DECLINE {codes[ACME_MOBILE]}")
        phone.text(BRIGHT_MOBILE, f"ACCEPT {codes[BRIGHT_MOBILE]}")
    assert "thank you for letting us know" in declined.get_data(as_text=True)
    booked_text = [body for _, to, _, body in cover_world.new_messages() if to == BRIGHT_MOBILE and "booked" in body][0]
    link = "/cover/" + booked_text.split("/cover/")[1].split()[0]
    for secret in ("Brudenell", "Donepezil", "8642"):
        assert secret not in booked_text
    with freeze_time(at(minutes=40)):
        details = client.get(link)
        key_safe = client.get(link + "/key-safe")
    assert details.status_code == 200 and "Donepezil 10 mg at night" in details.get_data(as_text=True)
    assert "8642" not in details.get_data(as_text=True) and "8642" in key_safe.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "plan.details_viewed_by_provider" in actions and "plan.key_safe_viewed_by_provider" in actions
    with freeze_time(at(hours=20)):
        done = phone.text(BRIGHT_MOBILE, f"DONE {codes[BRIGHT_MOBILE]}")
        gone = client.get(link)
    assert "has ended" in done.get_data(as_text=True)
    assert gone.status_code == 404
    assert db.session.scalar(select(Cover.ended_by)) == "provider"


def test_home_from_another_number_asks_the_officer_to_confirm_and_leaves_cover_live(
        cover_world, accepted, cora_api, phone):
    with freeze_time(at(minutes=10)):
        cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings", json={
            "provider_id": cover_world.acme.id, "starts_at": iso(at(minutes=10)), "ends_at": iso(at(hours=24))})
    cover_world.new_messages()
    with freeze_time(at(hours=5)):
        reply = phone.text(STRANGER, f"home now card {cover_world.plan.card_number}")
    assert "The duty officer will check with the carer" in reply.get_data(as_text=True)
    assert db.session.scalar(select(Cover.status)) == "live"
    told = {to: body for _, to, _, body in cover_world.new_messages()}
    assert "It is not the carer's own mobile" in told[COORDINATOR_MOBILE] and PRIYA in told and SUSAN in told


def test_a_referral_emails_the_front_door_without_health_details(cover_world, accepted, cora_api):
    with freeze_time(at(hours=1)):
        response = cora_api.post(f"/api/v1/incidents/{accepted.id}/referrals", json={"note": "needs a review"})
    assert response.status_code == 201, response.json
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "social_care_referral"))
    assert email.to_email == "front.door@example.org" and cover_world.plan.card_number in email.body
    assert f"/console/incidents/{accepted.id}" in email.body
    for secret in ("Alzheimer", "Donepezil", "Brudenell", "8642", "needs a review"):
        assert secret not in email.body


def test_a_duty_officer_does_not_see_cover_for_an_incident_they_were_not_asked_about(app, accepted, duty_officer):
    assert duty_officer.get(f"/api/v1/incidents/{accepted.id}/cover").status_code == 404
    assert db.session.scalar(select(Page.id)) is not None


def test_the_accepter_texting_done_while_cover_is_live_leaves_the_incident_open(cover_world, accepted, cora_api, phone):
    with freeze_time(at(minutes=10)):
        cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings", json={
            "provider_id": cover_world.acme.id, "starts_at": iso(at(minutes=10)), "ends_at": iso(at(hours=24))})
    with freeze_time(at(hours=1)):
        reply = phone.text(SUSAN, "DONE")
    assert "care cover is still in place" in reply.get_data(as_text=True)
    db.session.expire_all()
    assert accepted.status == "accepted"


def test_anonymising_an_incident_removes_covers_free_text_and_keeps_what_reports_count(cover_world, accepted):
    with freeze_time(at(minutes=10)):
        booked = cover.book_by_phone(accepted, {"provider_id": cover_world.acme.id, "starts_at": at(minutes=10),
                                                "ends_at": at(hours=90), "note": "spoke to Jo, who knows Arthur",
                                                "extension_reason": "Margaret's operation is on Monday"},
                                     user=cover_world.coordinator, now=utc_now())
        ending.refer(accepted, "Arthur's dementia is worse", user=cover_world.coordinator, now=utc_now())
        ending.end_cover(booked, outcome="other", note_text="Arthur went to his son's", ended_by="console",
                         name="cora", now=utc_now())
        closing.resolve(accepted, utc_now(), by="cora")
        db.session.commit()
        anonymise_incidents([accepted.id], utc_now(), keep_plan_link=False)
        db.session.commit()
    booked = db.session.get(Cover, booked.id)
    assert (booked.note, booked.outcome_note, booked.extension_reason) == ("", None, "")
    assert (booked.outcome, booked.provider_id, booked.extended_at is not None) == ("other", cover_world.acme.id, True)
    assert db.session.scalar(select(SocialCareReferral.note)) == ""
    bodies = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.incident_id == accepted.id)).all()
    assert bodies and not any("Acme" in body or "LS6" in body for body in bodies)


def test_cover_blocks_cancelling_and_asks_left_open_by_a_closed_incident_ask_nobody_else(
        cover_world, accepted, cora_api):
    with freeze_time(at(minutes=10)):
        cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/asks", json={
            "provider_ids": [cover_world.acme.id, cover_world.bright.id], "mode": "one_at_a_time",
            "starts_at": iso(at(minutes=30)), "ends_at": iso(at(hours=24))})
        cancelled = cora_api.post(f"/api/v1/incidents/{accepted.id}/cancel", json={"reason": "the carer is fine"})
    assert cancelled.status_code == 200, cancelled.json
    cover_world.new_messages()
    with freeze_time(at(minutes=30)):
        cover_tick.tick(utc_now())
    assert cover_world.new_messages() == []  # Bright is not asked; nobody is told of a timeout
    assert db.session.scalars(select(CoverAsk.status).order_by(CoverAsk.id)).all() == ["closed", "waiting"]


def test_an_incident_with_live_cover_cannot_be_cancelled(cover_world, accepted, cora_api):
    with freeze_time(at(minutes=10)):
        cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings", json={
            "provider_id": cover_world.acme.id, "starts_at": iso(at(minutes=10)), "ends_at": iso(at(hours=24))})
        refused = cora_api.post(f"/api/v1/incidents/{accepted.id}/cancel", json={"reason": "the carer is fine"})
    assert refused.status_code == 409 and "end the cover first" in refused.json["message"]


def test_a_provider_whose_contract_has_ended_is_refused(cover_world, accepted, cora_api):
    cover_world.acme.contract_ends_on = date(2026, 11, 30)
    db.session.commit()
    with freeze_time(at(minutes=10)):
        refused = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/bookings", json={
            "provider_id": cover_world.acme.id, "starts_at": iso(at(minutes=10)), "ends_at": iso(at(hours=24))})
    assert refused.status_code == 422 and refused.json["errors"] == {
        "provider_id": ["Acme Care's contract ended on 30 November 2026"]}


def test_an_ask_names_the_kind_of_care_but_never_a_condition(cover_world, accepted, cora_api):
    with freeze_time(at(minutes=10)):
        response = cora_api.post(f"/api/v1/incidents/{accepted.id}/cover/asks", json={
            "provider_ids": [cover_world.acme.id], "mode": "all_at_once", "starts_at": iso(at(minutes=30)),
            "ends_at": iso(at(hours=24)), "capabilities": ["personal_care", "dementia", "learning_disability"]})
    assert response.status_code == 201, response.json
    [ask] = [body for _, _, purpose, body in cover_world.new_messages() if purpose == "cover_ask"]
    assert "personal care" in ask and "22:30 today" in ask
    assert "dementia" not in ask.lower() and "learning" not in ask.lower()
