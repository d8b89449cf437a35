"""The retention schedule applied to the database: each rule at its boundary (a day before:
kept; a day after: gone or redacted), what reports count surviving, and runs that repeat."""
from dataclasses import astuple
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import create_engine, func, select, text

from emergency.extensions import db
from emergency.incidents.models import DetailsLink, Incident, IncidentEvent, Page
from emergency.outbox.models import OutboxMessage
from emergency.outbox.service import queue_message
from emergency.retention import service
from emergency.retention.schedule import ERASED_TEXT, REDACTED_BODY, RetentionSchedule, years_before
from emergency.rota import service as rota
from emergency.rota.models import CalendarFeed
from emergency.scheduling import RETENTION_RUN, build_scheduler
from emergency.telephony.models import InboundRequest
from tests.conftest import NOW, on_postgres
from tests.retention.conftest import CALLER, PERSONAL, closed_incident, make_plan

SCHEDULE = RetentionSchedule()
DAY = timedelta(days=1)


def years_after(moment, years):
    return years_before(moment, -years)


def run(now, schedule=SCHEDULE):
    report = service.run(now, schedule)
    db.session.expire_all()
    return report


def test_webhook_replay_records_go_after_seven_days(app):
    for key, age in (("SM-six-days", 6), ("SM-eight-days", 8)):
        db.session.add(InboundRequest(key=key, received_at=NOW - age * DAY, answer="<Response/>"))
    db.session.commit()
    report = run(NOW)
    assert report.replay_records_purged == 1
    assert db.session.scalars(select(InboundRequest.key)).all() == ["SM-six-days"]


def _message(key, created_at, status):
    message = db.session.get(OutboxMessage, queue_message(
        key=key, channel="sms", to_number="+447700900101", body=f"words of {key}", purpose="ask", now=created_at))
    message.status = status
    message.sent_at = created_at if status != "pending" else None
    return message


def test_outbox_bodies_are_redacted_after_ninety_days_keeping_the_metadata(app):
    _message("89-days", NOW - 89 * DAY, "delivered")
    _message("91-days", NOW - 91 * DAY, "delivered")
    _message("91-days-never-sent", NOW - 91 * DAY, "pending")
    db.session.commit()
    report = run(NOW)
    assert report.outbox_bodies_redacted == 1
    rows = {m.idempotency_key: m for m in db.session.scalars(select(OutboxMessage))}
    assert rows["89-days"].body == "words of 89-days"
    assert rows["91-days-never-sent"].body == "words of 91-days-never-sent"  # still to be sent: kept whole
    old = rows["91-days"]
    assert old.body == REDACTED_BODY
    assert (old.to_number, old.channel, old.purpose, old.status, old.created_at, old.sent_at) == (
        "+447700900101", "sms", "ask", "delivered", NOW - 91 * DAY, NOW - 91 * DAY)


def test_expired_details_links_and_revoked_feeds_are_removed(app, cora):
    plan = make_plan(cora)
    incident = closed_incident(plan, NOW)
    [link] = db.session.scalars(select(DetailsLink)).all()
    live_feed, _ = rota.create_feed(None, NOW)
    revoked_feed, _ = rota.create_feed(None, NOW)
    rota.revoke_feed(revoked_feed, NOW + DAY)
    db.session.commit()
    live_id, revoked_id = live_feed.id, revoked_feed.id

    report = run(link.expires_at - DAY)
    assert (report.details_links_removed, report.calendar_feeds_removed) == (0, 0)
    assert db.session.scalar(select(func.count(DetailsLink.id))) == 1

    report = run(link.expires_at + DAY)
    assert (report.details_links_removed, report.calendar_feeds_removed) == (1, 1)
    assert db.session.scalars(select(DetailsLink)).all() == []
    assert db.session.scalars(select(CalendarFeed.id)).all() == [live_id] != [revoked_id]
    assert db.session.get(Incident, incident.id).plan_snapshot is not None  # an incident is not a link


def report_figures():
    """What the service reports count: incidents by status and channel, mean rating, who
    accepted (kind and tier), time to accept."""
    by_status = dict(db.session.execute(select(Incident.status, func.count()).group_by(Incident.status)).all())
    by_channel = dict(db.session.execute(select(Incident.channel, func.count()).group_by(Incident.channel)).all())
    rating = db.session.scalar(select(func.avg(Incident.survey_rating)))
    accepters = db.session.execute(
        select(Page.who, Page.tier, Page.status, Page.sent_at, Page.answered_at)
        .join(Incident, Incident.accepted_page_id == Page.id).order_by(Page.id)).all()
    times = db.session.execute(select(Incident.opened_at, Incident.accepted_at, Incident.closed_at)
                               .order_by(Incident.id)).all()
    asks = db.session.scalar(select(func.count(Page.id)))
    return by_status, by_channel, float(rating), accepters, times, asks


def test_incidents_are_anonymised_eight_years_after_closing_keeping_what_reports_count(app, cora):
    plan = make_plan(cora)
    older = closed_incident(plan, NOW, rating=5)
    newer = closed_incident(plan, NOW + 2 * DAY, rating=3)
    cancelled = closed_incident(plan, NOW + 4 * DAY, cancel=True)
    older_id, newer_id, cancelled_id = older.id, newer.id, cancelled.id
    before = report_figures()

    due = years_after(older.closed_at, 8)
    assert run(due - DAY).incidents_anonymised == 0
    assert db.session.get(Incident, older_id).plan_snapshot is not None

    report = run(due + DAY)
    assert report.incidents_anonymised == 1
    gone, kept = db.session.get(Incident, older_id), db.session.get(Incident, newer_id)
    assert gone.anonymised_at == due + DAY
    assert (gone.plan_snapshot, gone.caller_number, gone.plan_id, gone.closed_by) == (None, None, None, None)
    assert all(event.detail == "" for event in gone.events) and [e.kind for e in gone.events][0] == "opened"
    assert all((page.name, page.phone, page.officer_id) == ("", "", None) for page in gone.pages)
    tied = db.session.scalars(select(OutboxMessage).where(OutboxMessage.page_id.in_([p.id for p in gone.pages]))).all()
    survey = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "survey")).all()
    assert tied and all((m.body, m.to_number) == (ERASED_TEXT, "") for m in tied)
    assert all(m.status != "pending" for m in tied)  # never sent with its words gone
    assert sorted(m.to_number for m in survey) == ["", "+447700900100"]  # the newer one's survey is whole
    assert kept.plan_snapshot["carer"]["name"] == "Margaret Hughes" and kept.caller_number == CALLER
    assert db.session.get(Incident, cancelled_id).cancel_reason == "Margaret's daughter was already there"

    assert report_figures() == before

    run(years_after(cancelled.closed_at, 8) + DAY)
    assert report_figures() == before
    anonymised_rows = "\n".join(repr(tuple(row)) for table in (Incident, IncidentEvent, Page) for row in
                                db.session.execute(select(table.__table__)))
    assert [word for word in PERSONAL if word in anonymised_rows] == []


def test_a_run_twice_or_again_the_next_day_changes_nothing_more(app, cora):
    plan = make_plan(cora)
    closed_incident(plan, NOW)
    db.session.add(InboundRequest(key="SM-old", received_at=NOW, answer="<Response/>"))
    db.session.commit()
    later = NOW + timedelta(days=8 * 366)
    first = run(later)
    assert first.incidents_anonymised == 1 and first.replay_records_purged == 1 and first.outbox_bodies_redacted == 0
    snapshot = _every_row()
    for moment in (later, later + DAY):
        assert astuple(run(moment)) == (0, 0, 0, 0, 0, 0, 0, 0, False)
    assert _every_row() == snapshot


def _every_row():
    return [repr(tuple(row)) for table in db.metadata.sorted_tables for row in db.session.execute(select(table))]


@pytest.mark.skipif(not on_postgres(), reason="the advisory lock is PostgreSQL's; SQLite serves one instance")
def test_a_second_worker_stands_aside_while_another_holds_the_retention_lock(app):
    db.session.add(InboundRequest(key="SM-old", received_at=NOW - 30 * DAY, answer="<Response/>"))
    db.session.commit()
    other_worker = create_engine(db.engine.url)  # advisory locks belong to one database
    try:
        with other_worker.connect() as connection, connection.begin():
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": service.ADVISORY_LOCK_KEY})
            report = run(NOW)
            assert report.stood_aside and report.replay_records_purged == 0
            assert db.session.scalar(select(func.count()).select_from(InboundRequest)) == 1
        assert run(NOW).replay_records_purged == 1
    finally:
        other_worker.dispose()


def test_the_scheduler_applies_the_schedule_daily_at_the_configured_time(app):
    job = next(job for job in build_scheduler(app).get_jobs() if job.id == "retention-run")
    london = ZoneInfo("Europe/London")
    after = datetime(2026, 11, 22, 12, 0, tzinfo=london)
    assert job.trigger.get_next_fire_time(None, after) == datetime(2026, 11, 23, 3, 30, tzinfo=london)

    db.session.add(InboundRequest(key="SM-old", received_at=NOW - 8 * DAY, answer="<Response/>"))
    db.session.commit()
    with freeze_time(NOW):
        job.func(*job.args)
    db.session.expire_all()
    assert job.args[1] is RETENTION_RUN
    assert db.session.scalar(select(func.count()).select_from(InboundRequest)) == 0


def test_flask_retention_run_prints_what_it_did(app):
    db.session.add(InboundRequest(key="SM-old", received_at=NOW - 8 * DAY, answer="<Response/>"))
    db.session.commit()
    with freeze_time(NOW):
        result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "retention: replay records purged: 1" in result.output
    assert "retention: incidents anonymised: 0" in result.output

