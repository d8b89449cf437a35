"""The report's figures on emergency cover, aggregated in SQL (local-time months): cover
booked in the period, its hours and estimated cost by provider, the time from the incident
opening to cover starting, outcomes, extensions past the limit, referrals, answer rates."""
from sqlalchemy import func, select

from emergency.cover.models import Cover, CoverAsk, SocialCareReferral
from emergency.cover.vocabulary import AskStatus, CoverStatus
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.providers.models import CareProvider
from emergency.reports.localsql import seconds_between
from emergency.reports.queries import Window, _spread


def _booked_in(w: Window):
    return Cover.booked_at >= w.start, Cover.booked_at < w.end


def covers_by_month(w: Window) -> dict[tuple[str, str], int]:
    month = w.clock.month(Cover.booked_at)
    return {(row[0], "cover"): row[1]
            for row in db.session.execute(select(month, func.count()).where(*_booked_in(w)).group_by(month))}


def _cover_end():
    """Cover lasts to its end, or to its planned end while it is live."""
    return func.coalesce(Cover.ended_at, Cover.planned_end_at)


def hours_and_cost_by_provider(w: Window) -> list[tuple[str, int, float, float]]:
    """(provider, covers, hours, estimated cost in pounds), most hours first."""
    seconds = seconds_between(w.dialect, Cover.starts_at, _cover_end())
    query = (select(CareProvider.name, func.count(Cover.id), func.sum(seconds),
                    func.sum(seconds * CareProvider.hourly_rate))
             .join(CareProvider, CareProvider.id == Cover.provider_id).where(*_booked_in(w))
             .group_by(CareProvider.id, CareProvider.name).order_by(func.sum(seconds).desc(), CareProvider.name))
    return [(name, count, round(float(total or 0) / 3600, 1), round(float(cost or 0) / 3600, 2))
            for name, count, total, cost in db.session.execute(query)]


def time_to_cover(w: Window) -> dict:
    return _spread(select(seconds_between(w.dialect, Incident.opened_at, Cover.starts_at).label("seconds"))
                   .join(Incident, Incident.id == Cover.incident_id).where(*_booked_in(w)), w.dialect)


def outcomes(w: Window) -> dict[str, int]:
    query = (select(Cover.outcome, func.count()).where(Cover.status == CoverStatus.ENDED, Cover.ended_at >= w.start,
                                                       Cover.ended_at < w.end).group_by(Cover.outcome))
    return dict(db.session.execute(query).all())


def extensions_and_referrals(w: Window) -> tuple[int, int]:
    extended = db.session.scalar(select(func.count(Cover.id)).where(Cover.extended_at >= w.start,
                                                                     Cover.extended_at < w.end))
    referred = db.session.scalar(select(func.count(SocialCareReferral.id)).where(
        SocialCareReferral.referred_at >= w.start, SocialCareReferral.referred_at < w.end))
    return extended, referred


def answers_by_provider(w: Window) -> list[tuple[str, int, int, int, int]]:
    """(provider, asks sent, accepted, declined, not answered in time), most asked first."""
    sent = (CoverAsk.sent_at >= w.start, CoverAsk.sent_at < w.end)
    accepted = CoverAsk.status.in_((AskStatus.ACCEPTED, AskStatus.TOO_LATE))
    query = (select(CareProvider.name, func.count(CoverAsk.id), func.count(CoverAsk.id).filter(accepted),
                    func.count(CoverAsk.id).filter(CoverAsk.status == AskStatus.DECLINED),
                    func.count(CoverAsk.id).filter(CoverAsk.status == AskStatus.TIMED_OUT))
             .join(CareProvider, CareProvider.id == CoverAsk.provider_id).where(*sent)
             .group_by(CareProvider.id, CareProvider.name).order_by(func.count(CoverAsk.id).desc(), CareProvider.name))
    return [tuple(row) for row in db.session.execute(query)]
