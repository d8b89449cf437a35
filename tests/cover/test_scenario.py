"""The issue's scenario, as the product runs it: contacts decline, an officer accepts, two
providers are asked and both accept, exactly one is booked, cover runs 48 hours with both
reminders, and the carer texts HOME."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from emergency.clock import utc_now
from emergency.cover import service as cover
from emergency.cover import tick as cover_tick
from emergency.cover.models import Cover, CoverAsk
from emergency.errors import Conflict
from emergency.extensions import db
from emergency.incidents import closing
from emergency.incidents.models import Incident
from emergency.outbox import sender
from tests.cover.conftest import ACME_MOBILE, BRIGHT_MOBILE, CARER_MOBILE
from tests.scenarios.conftest import CALLER, COORDINATOR_MOBILE, THURSDAY_NIGHT

SUE, PRIYA = "+447700900456", "+447700900101"


def at(hours=0, minutes=0):
    return THURSDAY_NIGHT + timedelta(hours=hours, minutes=minutes)


def test_two_providers_accept_at_once_one_is_booked_and_cover_runs_until_the_carer_is_home(cover_world, phone):
    world = cover_world
    with freeze_time(at()):
        assert phone.text(CALLER, f"Margaret has fallen, card {world.plan.card_number}").status_code == 200
    incident = db.session.scalar(select(Incident))
    with freeze_time(at(minutes=2)):
        phone.text(SUE, f"DECLINE {world.code_for(incident, SUE)}")
    world.tick_at(at(minutes=2))  # Tom is outside his window: the rota's tier 1, Priya
    with freeze_time(at(minutes=5)):
        phone.text(PRIYA, f"ACCEPT {world.code_for(incident, PRIYA)}")
    db.session.expire_all()
    assert incident.status == "accepted"
    world.new_messages()

    # The coordinator arranges cover: both matching providers at once, 48 hours from 23:00.
    starts = at(hours=1)
    with freeze_time(at(minutes=10)):
        cover.ask_providers(incident, {"provider_ids": [world.acme.id, world.bright.id], "mode": "all_at_once",
                                       "starts_at": starts, "ends_at": starts + timedelta(hours=48),
                                       "capabilities": ["personal_care", "overnight"]},
                            user=world.coordinator, now=utc_now())
        db.session.commit()
    asks = world.new_messages()
    to_acme = [body for _, to, purpose, body in asks if to == ACME_MOBILE and purpose == "cover_ask"]
    assert len(to_acme) == 1 and [to for _, to, purpose, _ in asks if purpose == "cover_ask"] == [ACME_MOBILE,
                                                                                                 BRIGHT_MOBILE]
    ask_text = to_acme[0]
    assert "LS6" in ask_text and "about 48 h" in ask_text and "personal care + overnight" in ask_text
    for secret in ("Brudenell", "Alzheimer", "Donepezil", "8642", "Arthur"):
        assert secret not in ask_text  # the district only
    codes = {ask.phone: ask.code for ask in db.session.scalars(select(CoverAsk))}
    with freeze_time(at(minutes=10)):  # the asks leave through the real Twilio SDK, to its stand-in
        sender.send_due(utc_now())
    sent = {text["To"]: text["Body"] for text in world.twilio.sent()}
    assert sent[ACME_MOBILE] == ask_text and f"ACCEPT {codes[BRIGHT_MOBILE]}" in sent[BRIGHT_MOBILE]

    # Both accept at the same minute: one is booked, the other told it is arranged.
    with freeze_time(at(minutes=12)):
        phone.text(BRIGHT_MOBILE, f"accept {codes[BRIGHT_MOBILE]} on our way")
        phone.text(ACME_MOBILE, f"ACCEPT {codes[ACME_MOBILE]}")
    assert db.session.scalar(select(func.count(Cover.id))) == 1
    booked = db.session.scalar(select(Cover))
    assert booked.provider_id == world.bright.id and booked.status == "live"
    sent = world.new_messages()
    to_bright = [body for _, to, _, body in sent if to == BRIGHT_MOBILE]
    to_acme = [body for _, to, _, body in sent if to == ACME_MOBILE]
    assert len(to_bright) == 1 and "you are booked" in to_bright[0] and "/cover/" in to_bright[0]
    # Told it is arranged when Bright was booked, then again in answer to its own ACCEPT.
    assert len(to_acme) == 2 and "now arranged" in to_acme[0] and "already arranged" in to_acme[1]
    assert any(to == COORDINATOR_MOBILE and "Bright Homecare will cover" in body for _, to, _, body in sent)

    # The incident cannot be resolved while cover is live.
    with freeze_time(at(hours=2)):
        with pytest.raises(Conflict, match="cover by Bright Homecare is still live"):
            closing.resolve(incident, utc_now(), by="cora")
    db.session.rollback()

    # Reminders at 12 h and 2 h before the end (23:00 Saturday), each once.
    end = starts + timedelta(hours=48)
    for moment in (end - timedelta(hours=12, minutes=1), end - timedelta(hours=12), end - timedelta(hours=11),
                   end - timedelta(hours=2), end - timedelta(hours=1)):
        with freeze_time(moment):
            cover_tick.tick(utc_now())
    reminders = [(to, body) for _, to, purpose, body in world.new_messages() if "is the carer back?" in body]
    assert sorted({to for to, _ in reminders}) == sorted({COORDINATOR_MOBILE, PRIYA})
    assert len(reminders) == 4  # two people, two reminders
    assert "cover for Arthur (LS6) by Bright Homecare ends 23:00 today: is the carer back?" in reminders[0][1]

    # The carer texts HOME from her own mobile: cover ends, the provider and officers are told.
    with freeze_time(end - timedelta(minutes=30)):
        reply = phone.text(CARER_MOBILE, f"I'm home, card {world.plan.card_number[:4]} "
                                         f"{world.plan.card_number[4:8]} {world.plan.card_number[8:]}")
    assert "welcome home" in reply.get_data(as_text=True)
    db.session.expire_all()
    assert booked.status == "ended" and booked.outcome == "carer_back" and booked.ended_by == "carer"
    told = world.new_messages()
    assert any(to == BRIGHT_MOBILE and "has ended" in body for _, to, _, body in told)
    assert any(to == COORDINATOR_MOBILE and "the carer is back" in body for _, to, _, body in told)
    with freeze_time(end):
        closing.resolve(incident, utc_now(), by="cora")
        db.session.commit()
    assert incident.status == "resolved"
