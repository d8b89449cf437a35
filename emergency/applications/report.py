"""The front door's figures for the strategy group's report: applications received, approved and
declined in a period, and the share confirmed within 7 working days (Hertfordshire's promise)."""
from sqlalchemy import func, select

from emergency.applications.models import Application
from emergency.applications.service import working_days_between
from emergency.applications.vocabulary import ApplicationKind, ApplicationStatus
from emergency.extensions import db

CONFIRM_WITHIN_WORKING_DAYS = 7
NEW_PLAN_KINDS = (ApplicationKind.APPLICATION, ApplicationKind.REFERRAL)


def application_figures(start, end, zone, bank_holidays, office_days=frozenset(range(5))) -> dict:
    """{received, approved, declined, approved_on_time} for applications and referrals in [start, end)."""
    kinds = Application.kind.in_(NEW_PLAN_KINDS)
    received = db.session.scalar(select(func.count(Application.id)).where(
        kinds, Application.received_at >= start, Application.received_at < end))
    decided = dict(db.session.execute(
        select(Application.status, func.count(Application.id))
        .where(kinds, Application.status.in_((ApplicationStatus.APPROVED, ApplicationStatus.DECLINED)),
               Application.status_changed_at >= start, Application.status_changed_at < end)
        .group_by(Application.status)).all())
    approved_times = db.session.execute(select(Application.received_at, Application.status_changed_at).where(
        kinds, Application.status == ApplicationStatus.APPROVED, Application.status_changed_at >= start,
        Application.status_changed_at < end)).all()
    on_time = sum(1 for received_at, approved_at in approved_times
                  if working_days_between(received_at.astimezone(zone).date(), approved_at.astimezone(zone).date(),
                                          bank_holidays, office_days) <= CONFIRM_WITHIN_WORKING_DAYS)
    return {"received": received, "approved": decided.get(ApplicationStatus.APPROVED, 0),
            "declined": decided.get(ApplicationStatus.DECLINED, 0), "approved_on_time": on_time}
