"""The daily retention job, the reports and the front door: declined and withdrawn applications go after the
setting's months (a day before: kept), approved ones stay with their plan until it is erased;
drafts never sent go after a day, texted codes after two."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.applications.models import Application, ApplicationDraft, MobileCode
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.reports.figures import Period
from emergency.reports.service import build_report
from emergency.retention import service
from emergency.retention.erasure import erase_plan
from emergency.retention.schedule import RetentionSchedule, months_before
from tests.conftest import NOW, plan_payload

DAY = timedelta(days=1)


def _application(reference, status, changed_at, plan_id=None) -> Application:
    application = Application(reference=reference, kind="application", status=status, answers={"carer": {}},
                              changed_fields=[], received_at=changed_at, status_changed_at=changed_at,
                              address_hash="x", plan_id=plan_id)
    db.session.add(application)
    return application


def test_declined_and_withdrawn_applications_go_after_six_months_and_unsent_drafts_after_a_day(app):
    six_months_ago = months_before(NOW, 6)
    _application("OLD1-DECL", "declined", six_months_ago - DAY)
    _application("OLD2-WDRN", "withdrawn", six_months_ago - DAY)
    _application("NEW1-DECL", "declined", six_months_ago + DAY)
    _application("OLD3-APPR", "approved", six_months_ago - 100 * DAY)
    _application("OLD4-NEW0", "new", six_months_ago - DAY)
    for token, age in (("two-days", 2 * DAY), ("an-hour", timedelta(hours=1))):
        db.session.add(ApplicationDraft(token=token, kind="application", answers={}, address_hash="x",
                                        created_at=NOW - age, updated_at=NOW - age))
    db.session.flush()
    old_draft = db.session.scalar(select(ApplicationDraft.id).where(ApplicationDraft.token == "two-days"))
    for age in (3 * DAY, timedelta(hours=1)):
        db.session.add(MobileCode(draft_id=old_draft, to_number="+447700900860", address_hash="x", code_hash="h",
                                  sent_at=NOW - age, expires_at=NOW - age, tries=0))
    db.session.commit()

    report = service.run(NOW, RetentionSchedule())
    db.session.expire_all()

    assert sorted(db.session.scalars(select(Application.reference))) == ["NEW1-DECL", "OLD3-APPR", "OLD4-NEW0"]
    assert list(db.session.scalars(select(ApplicationDraft.token))) == ["an-hour"]
    assert [code.sent_at for code in db.session.scalars(select(MobileCode))] == [NOW - timedelta(hours=1)]
    assert (report.applications_deleted, report.unsent_applications_deleted, report.mobile_codes_deleted) == (2, 1, 1)
    assert service.run(NOW, RetentionSchedule()).applications_deleted == 0


def test_the_setting_says_how_many_months_declined_applications_are_kept(app):
    _application("OLD1-DECL", "declined", months_before(NOW, 2) - DAY)
    db.session.commit()
    assert service.run(NOW, RetentionSchedule(application_months=3)).applications_deleted == 0
    assert service.run(NOW, RetentionSchedule(application_months=2)).applications_deleted == 1


def test_erasing_a_plan_deletes_the_application_it_was_made_from(app):
    plan = plans.create_plan(PlanSchema().load(plan_payload(status="draft")), by=None, now=NOW - 30 * DAY)
    _application("MADE-PLAN", "approved", NOW - 30 * DAY, plan_id=plan.id)
    db.session.commit()
    erase_plan(plan, reason="request 12", confirm=plan.card_number, by=None, now=NOW)
    db.session.commit()
    assert db.session.scalars(select(Application)).all() == []


def test_the_report_counts_applications_received_approved_declined_and_confirmed_within_seven_working_days(app):
    def at(day, hour=10):
        return datetime(2026, 3, day, hour, tzinfo=timezone.utc)

    for reference, received, status, changed in (
        ("APPR-FAST", at(2), "approved", at(11)),       # Mon 2 to Wed 11 March: 7 working days
        ("APPR-SLOW", at(2), "approved", at(12)),       # to Thu 12: 8
        ("DECL-INED", at(3), "declined", at(4)),
        ("WAIT-INGS", at(20), "new", at(20)),
    ):
        application = _application(reference, status, changed)
        application.received_at = received
    _application("PREV-YEAR", "approved", datetime(2025, 12, 1, tzinfo=timezone.utc)).received_at = datetime(
        2025, 11, 1, tzinfo=timezone.utc)
    db.session.commit()
    report = build_report(Period(date(2026, 3, 1), date(2026, 3, 31)), datetime(2026, 4, 15, tzinfo=timezone.utc))
    assert report.table("applications").rows == [
        ["Received in the period", 4], ["Approved in the period", 2], ["Declined in the period", 1],
        ["Approved within 7 working days (%)", 50.0]]
