"""The report's cover figures, worked out by hand: one incident, three providers asked one at a
time (one declines, one does not answer, one accepts), cover of 30 hours ended by a hospital
admission, one extension and one referral; a second cover booked by phone."""
from datetime import date, timedelta

from freezegun import freeze_time

from emergency.clock import utc_now
from emergency.cover import ending
from emergency.cover import service as cover
from emergency.cover import tick as cover_tick
from emergency.cover.models import CoverAsk
from emergency.cover.vocabulary import EndedBy
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.reports.figures import Period
from emergency.reports.headlines import headlines
from emergency.reports.service import build_report
from emergency.telephony.incoming_texts import handle_text
from tests.cover.conftest import BRIGHT_MOBILE
from tests.scenarios.conftest import CALLER, THURSDAY_NIGHT

DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))


def at(hours=0, minutes=0):
    return THURSDAY_NIGHT + timedelta(hours=hours, minutes=minutes)


def test_cover_figures(app, cover_world):
    world = cover_world
    with freeze_time(at()):
        incident, _ = opening.open_incident(world.plan, caller_number=CALLER, channel="sms", now=utc_now())
        answers.accept(answers.open_pages_for("+447700900456")[0], utc_now())
        db.session.commit()
    with freeze_time(at(minutes=10)):
        cover.ask_providers(incident, {"provider_ids": [world.far.id, world.acme.id, world.bright.id],
                                       "mode": "one_at_a_time", "starts_at": at(hours=1), "ends_at": at(hours=40)},
                            user=world.coordinator, now=utc_now())
        db.session.commit()
    with freeze_time(at(minutes=30)):
        cover_tick.tick(utc_now())  # Far Away Care did not answer in 15 minutes; Acme is asked
    acme_code = db.session.scalar(db.select(CoverAsk.code).where(CoverAsk.provider_id == world.acme.id))
    with freeze_time(at(minutes=31)):
        handle_text(world.acme.mobile, f"DECLINE {acme_code}", utc_now())
        db.session.commit()
    bright_code = db.session.scalar(db.select(CoverAsk.code).where(CoverAsk.phone == BRIGHT_MOBILE))
    with freeze_time(at(minutes=32)):
        handle_text(BRIGHT_MOBILE, f"ACCEPT {bright_code}", utc_now())
        db.session.commit()
    booked = cover.live_cover(incident.id)
    with freeze_time(at(hours=2)):
        ending.extend(booked, at(hours=100), "the carer stays in hospital", user=world.coordinator, now=utc_now())
        ending.refer(incident, "", user=world.coordinator, now=utc_now())
        db.session.commit()
    with freeze_time(at(hours=31)):  # 30 hours after it started (23:00 Thursday)
        ending.end_cover(booked, outcome="hospital", ended_by=EndedBy.CONSOLE, name="cora", now=utc_now())
        db.session.commit()
    with freeze_time(at(hours=32)):
        cover.book_by_phone(incident, {"provider_id": world.far.id, "starts_at": at(hours=32),
                                       "ends_at": at(hours=42)}, user=world.coordinator, now=utc_now())
        db.session.commit()

    report = build_report(DECEMBER, at(hours=100))
    rows = {table.key: table.rows for section in report.sections for table in section.tables}
    assert rows["cover-by-month"] == [["2026-12", 2]]
    assert next(h.value for h in headlines(report) if h.label == "Cover arranged from care providers") == \
        "2 covers, 40.0 hours, about £1,145.00"
    # Bright: 30 h at £30.00; Far Away: 10 h planned (still live) at £24.50.
    assert rows["cover-by-provider"] == [["Bright Homecare", 30.0, 900.0, 1], ["Far Away Care", 10.0, 245.0, 1]]
    # Opening (22:00) to cover starting: 60 minutes (Bright, 23:00) and 32 hours (Far Away).
    assert rows["time-to-cover"] == [["Opening to cover starting", 2, 60.0, 1920.0, 1920.0]]
    assert ["The cared-for person was admitted to hospital", 1] in rows["cover-outcomes"]
    assert sum(count for _, count in rows["cover-outcomes"]) == 1
    assert rows["cover-extensions-referrals"] == [["Extended past the cover limit", 1],
                                                  ["Referred to adult social care", 1]]
    assert rows["provider-answers"] == [["Acme Care", 1, 0, 1, 0, 0.0, 100.0],
                                        ["Bright Homecare", 1, 1, 0, 0, 100.0, 100.0],
                                        ["Far Away Care", 1, 0, 0, 1, 0.0, 0.0]]
