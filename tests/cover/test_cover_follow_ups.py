"""Cover's follow-ups as people meet them: DONE with how the cover ended (or the officer asked
to record it), asks that no text can reach moving on at once, asks withdrawn from a provider
deactivated after it was asked, and reminders that always reach someone on duty."""
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.cover import tick as cover_tick
from emergency.cover.done_words import outcome_from
from emergency.cover.models import Cover, CoverAsk
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.outbox import opt_outs, sender
from emergency.reports.figures import Period
from emergency.reports.service import build_report
from emergency.rota import service as rota
from emergency.telephony.replies import parse_text
from emergency.users import service as users
from emergency.users.service import issue_token
from tests.conftest import ApiUser
from tests.console.client import PASSWORD, Browser, words
from tests.cover.conftest import ACME_MOBILE, BRIGHT_MOBILE
from tests.scenarios.conftest import CALLER, COORDINATOR_MOBILE, THURSDAY_NIGHT

SAM, PRIYA = "+447700900104", "+447700900101"
SUSAN = "+447700900456"
DEV_MOBILE = "+447700900783"  # a second coordinator, who arranged nothing


def at(hours=0, minutes=0):
    return THURSDAY_NIGHT + timedelta(hours=hours, minutes=minutes)


def iso(moment):
    return moment.isoformat()


@pytest.fixture
def accepted(cover_world):
    """An incident Susan, the plan's first contact, accepted at 22:05 on a Thursday night."""
    with freeze_time(at()):
        incident, _ = opening.open_incident(cover_world.plan, caller_number=CALLER, channel="sms", now=utc_now())
        db.session.commit()
    with freeze_time(at(minutes=5)):
        answers.accept(answers.open_pages_for(SUSAN)[0], utc_now())
        db.session.commit()
    cover_world.new_messages()
    return incident


@pytest.fixture
def cora_api(app, cover_world):
    _, token = issue_token(cover_world.coordinator, "tests", utc_now())
    db.session.commit()
    return ApiUser(app, cover_world.coordinator, token)


def ask(cora_api, incident, providers, mode="one_at_a_time", minutes=10):
    with freeze_time(at(minutes=minutes)):
        response = cora_api.post(f"/api/v1/incidents/{incident.id}/cover/asks", json={
            "provider_ids": [provider.id for provider in providers], "mode": mode,
            "starts_at": iso(at(minutes=30)), "ends_at": iso(at(hours=24))})
    assert response.status_code == 201, response.json
    return response


def book(cora_api, incident, provider, minutes=10, hours=24):
    with freeze_time(at(minutes=minutes)):
        response = cora_api.post(f"/api/v1/incidents/{incident.id}/cover/bookings", json={
            "provider_id": provider.id, "starts_at": iso(at(minutes=minutes)), "ends_at": iso(at(hours=hours))})
    assert response.status_code == 201, response.json
    return db.session.get(Cover, response.json["cover"]["id"])


def asked(messages):
    return [to for _, to, purpose, _ in messages if purpose == "cover_ask"]


def told(messages, number=COORDINATOR_MOBILE):
    return [body for channel, to, _, body in messages if to == number and channel == "sms"]


@pytest.mark.parametrize("words, outcome", [
    ("HOSPITAL", "hospital"), ("carer back", "carer_back"), ("FAMILY took over", "family_or_friends"),
    ("long term care", "longer_term_care"), ("RESIDENTIAL", "residential_care"), ("died", "died"),
    ("", "to_be_recorded"), ("thanks!", "to_be_recorded"), ("512", "to_be_recorded"),
])
def test_the_word_after_done_names_the_outcome_and_anything_else_leaves_it_to_record(words, outcome):
    assert outcome_from(words) == outcome


def test_done_without_a_code_still_carries_its_word():
    assert (parse_text("done back").kind, parse_text("done back").words) == ("done", "BACK")
    assert parse_text("DONE 512 hospital, all fine").words == "HOSPITAL, ALL FINE"


def test_done_with_a_word_ends_cover_with_that_outcome_and_without_one_the_officer_records_it(
        app, cover_world, accepted, cora_api, phone):
    hospital = book(cora_api, accepted, cover_world.acme)
    with freeze_time(at(hours=5)):
        reply = phone.text(ACME_MOBILE, f"DONE {hospital.code} hospital")
    assert "has ended" in reply.get_data(as_text=True)
    db.session.expire_all()
    assert (hospital.status, hospital.outcome, hospital.ended_by) == ("ended", "hospital", "provider")

    unsaid = book(cora_api, accepted, cover_world.bright, minutes=6 * 60)
    cover_world.new_messages()
    with freeze_time(at(hours=8)):
        phone.text(BRIGHT_MOBILE, f"DONE {unsaid.code}")
    db.session.expire_all()
    assert (unsaid.status, unsaid.outcome) == ("ended", "to_be_recorded")
    assert any("please record how it ended on the incident's page" in body for body in told(cover_world.new_messages()))
    with freeze_time(at(hours=8)):
        refused = cora_api.post(f"/api/v1/covers/{hospital.id}/end",
                                json={"outcome": "to_be_recorded"})
    assert refused.status_code == 422 and "outcome" in refused.json["errors"]["json"]
    with freeze_time(at(hours=8)):
        already = cora_api.post(f"/api/v1/covers/{hospital.id}/outcome", json={"outcome": "died"})
    assert already.status_code == 409 and "already recorded" in already.json["message"]

    app.config["CONSOLE_IDLE_MINUTES"] = 600
    users.set_password(cover_world.coordinator, PASSWORD)
    db.session.commit()
    cora = Browser(app)
    with freeze_time(at(hours=9)):
        assert cora.log_in("cora").status_code == 302
        page = words(cora.page(f"/console/incidents/{accepted.id}"))
        assert "The provider did not say how the cover ended: how did it end?" in page
        recorded = cora.submit(f"/console/incidents/{accepted.id}/cover/{unsaid.id}/outcome",
                               recorded_outcome="family_or_friends", recorded_outcome_note="")
        assert recorded.status_code == 302
        page = words(cora.page(f"/console/incidents/{accepted.id}"))
        again = cora.submit(f"/console/incidents/{accepted.id}/cover/{unsaid.id}/outcome",
                            recorded_outcome="died", recorded_outcome_note="")
    db.session.expire_all()
    assert unsaid.outcome == "family_or_friends" and "family or friends took over" in page
    assert "how did it end?" not in page
    assert again.status_code == 422 and unsaid.outcome == "family_or_friends"


def test_one_at_a_time_a_provider_whose_mobile_texted_stop_is_passed_over_at_once(cover_world, accepted, cora_api):
    opt_outs.opt_out(ACME_MOBILE, at())
    db.session.commit()
    ask(cora_api, accepted, [cover_world.acme, cover_world.bright])
    sent = cover_world.new_messages()
    assert asked(sent) == [BRIGHT_MOBILE]
    assert told(sent) == ["Carers Emergency Line: the ask to Acme Care to cover incident 1 (LS6) could not reach them "
                          "by text. Asking Bright Homecare next."]
    assert db.session.scalars(select(CoverAsk.status).order_by(CoverAsk.id)).all() == ["undelivered", "open"]


def test_an_ask_whose_text_fails_moves_on_when_the_outbox_says_so_not_at_the_timeout(
        cover_world, accepted, cora_api):
    with freeze_time(at(minutes=9)):
        sender.send_due(utc_now())  # what the accepted incident sent
    ask(cora_api, accepted, [cover_world.acme, cover_world.bright])
    assert asked(cover_world.new_messages()) == [ACME_MOBILE]
    cover_world.twilio.fail_next(400, code=21211, kind="Messages")  # not a valid mobile number
    with freeze_time(at(minutes=11)):
        sender.send_due(utc_now())
        db.session.commit()
    sent = cover_world.new_messages()
    assert asked(sent) == [BRIGHT_MOBILE]
    assert "could not reach them by text. Asking Bright Homecare next." in told(sent)[0]
    report = build_report(Period(date(2026, 12, 1), date(2026, 12, 31)), at(hours=1))
    answers = next(table.rows for section in report.sections for table in section.tables
                   if table.key == "provider-answers")
    assert answers == [["Bright Homecare", 1, 0, 0, 0, 0.0, 0.0]]  # Acme never got the ask: not counted


def test_all_at_once_when_no_text_reaches_anyone_the_officer_is_told_nobody_is_left(
        cover_world, accepted, cora_api, phone):
    opt_outs.opt_out(ACME_MOBILE, at())
    db.session.commit()
    ask(cora_api, accepted, [cover_world.acme, cover_world.bright], mode="all_at_once")
    first = told(cover_world.new_messages())
    with freeze_time(at(minutes=12)):
        phone.text(BRIGHT_MOBILE, "STOP")
    then = told(cover_world.new_messages())
    assert first[0].endswith("could not reach them by text. Others are still being asked.")
    assert then == ["Carers Emergency Line: the ask to Bright Homecare to cover incident 1 (LS6) could not reach them "
                    "by text. Nobody else is being asked: please arrange cover on the incident's page."]
    with freeze_time(at(hours=2)):
        cover_tick.tick(utc_now())
    assert cover_world.new_messages() == []  # no timeout later for asks already moved on from


def test_a_provider_deactivated_after_being_asked_is_withdrawn_and_its_accept_refused_politely(
        cover_world, accepted, cora_api, phone):
    ask(cora_api, accepted, [cover_world.acme, cover_world.bright])
    code = db.session.scalar(select(CoverAsk.code).where(CoverAsk.phone == ACME_MOBILE))
    cover_world.new_messages()
    acme = cora_api.get(f"/api/v1/providers/{cover_world.acme.id}").json
    with freeze_time(at(minutes=12)):
        changed = cora_api.put(f"/api/v1/providers/{cover_world.acme.id}", json={
            **{key: acme[key] for key in ("name", "bookings_phone", "mobile", "email", "districts", "capabilities",
                                          "hourly_rate", "contract_ends_on")}, "active": False})
    assert changed.status_code == 200, changed.json
    sent = cover_world.new_messages()
    assert asked(sent) == [BRIGHT_MOBILE]
    assert told(sent) == ["Carers Emergency Line: Acme Care was deactivated, so its ask to cover incident 1 (LS6) is "
                          "withdrawn. Asking Bright Homecare next."]
    with freeze_time(at(minutes=13)):
        phone.text(ACME_MOBILE, f"ACCEPT {code}")
    sent = cover_world.new_messages()
    assert db.session.scalar(select(Cover)) is None
    assert told(sent, ACME_MOBILE) == ["Carers Emergency Line: thank you, but we no longer need you to cover in LS6 "
                                       f"(code {code}). Please do not go."]
    assert "now deactivated, replied ACCEPT" in told(sent)[0]
    assert db.session.scalars(select(CoverAsk.status).order_by(CoverAsk.id)).all() == ["withdrawn", "open"]


def test_reminders_fall_back_to_tier_2_then_to_the_coordinators_when_nobody_is_on_tier_1(
        cover_world, accepted, cora_api):
    dev = users.create_user("dev", "Dev Rao", "coordinator", at())
    dev.mobile = DEV_MOBILE
    rota.add_override({"kind": "remove", "tier": 1, "officer_id": cover_world.officers["priya"].id,
                       "starts_at": at(minutes=30), "ends_at": at(hours=2), "note": "off sick"},
                      by=cover_world.coordinator, now=at())
    db.session.commit()
    book(cora_api, accepted, cover_world.acme, hours=13)  # ends Friday 11:00
    cover_world.new_messages()
    with freeze_time(at(hours=1)):  # 12 hours before the end: Priya is off, Sam is on tier 2
        cover_tick.tick(utc_now())
    night = {to for _, to, purpose, _ in cover_world.new_messages() if purpose == "cover_update"}
    with freeze_time(at(hours=11, minutes=30)):  # Friday 09:30: the night's rota has ended
        cover_tick.tick(utc_now())
    morning = {to for _, to, purpose, _ in cover_world.new_messages() if purpose == "cover_update"}
    assert SAM in night and PRIYA not in night and DEV_MOBILE not in night
    assert DEV_MOBILE in morning and SAM not in morning
