"""The report's aggregates, each one grouped and filtered in SQL: only counts and a handful of
values come back, never the rows themselves.

Every query reads the period as [start, end) UTC instants; an incident's outcome is its state
at `end`, so one still open at the end of the period counts as open, not as a failure.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, exists, func, literal, not_, select, text, union_all
from sqlalchemy.orm import aliased

from emergency.extensions import db
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.incidents.vocabulary import EventKind, IncidentStatus, PageStatus
from emergency.outbox.models import Channel, OutboxMessage
from emergency.plans.models import CaredForPerson, ContingencyPlan, EmergencyContact, PlanVersion
from emergency.plans.vocabulary import PlanStatus
from emergency.reports.figures import nearest_rank
from emergency.reports.localsql import LocalClock, seconds_between
from emergency.rota.calendar import WEEKDAYS
from emergency.rota.models import DutyOfficer


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    zone: ZoneInfo

    @property
    def dialect(self) -> str:
        return db.session.get_bind().dialect.name

    @property
    def clock(self) -> LocalClock:
        return LocalClock(self.dialect, self.zone, self.start, self.end)


def settle_the_planner() -> None:
    """Each query reads a year of the register in one pass. On PostgreSQL, compiling such a query
    with JIT costs more than it saves (seconds for one query at 1,000,000 plans), and the default
    work_mem makes its hash aggregates spill to disk: both are set for this transaction only."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def _pairs(query) -> dict:
    return {tuple(row[:-1]) if len(row) > 2 else row[0]: row[-1] for row in db.session.execute(query)}


# Plans

def _live_plans_at_end(w: Window):
    return (ContingencyPlan.created_at < w.end, ContingencyPlan.status != PlanStatus.ARCHIVED)


def plan_totals(w: Window, as_of: date) -> dict:
    """The plan figures that need only the plan's own row, from one read of the register: the
    totals, plans by status and live plans by language (reading the register once for each was
    a large part of the report's time at 1,000,000 plans). New plans by month read it apart: a
    local month worked out on every row made this read slower than the two."""
    created = ContingencyPlan.created_at < w.end
    language, other = ContingencyPlan.carer_preferred_language, ContingencyPlan.carer_other_language
    rows = db.session.execute(
        select(ContingencyPlan.status, language, other,
               func.count(ContingencyPlan.id).filter(created),
               func.count(ContingencyPlan.id).filter(ContingencyPlan.created_at >= w.start, created),
               func.count(ContingencyPlan.id).filter(created, ContingencyPlan.review_due_on >= w.first_day,
                                                     ContingencyPlan.review_due_on <= w.last_day),
               func.count(ContingencyPlan.id).filter(created, ContingencyPlan.review_due_on < as_of))
        .group_by(ContingencyPlan.status, language, other)
    ).all()
    live = [row for row in rows if row[0] != PlanStatus.ARCHIVED]
    by_status: dict[str, int] = {}
    by_language: dict[tuple[str, str | None], int] = {}
    for status, _code, _other, registered, *_ in rows:
        if registered:
            by_status[status] = by_status.get(status, 0) + registered
    for _, code, other_language, registered, *_ in live:
        if registered:
            by_language[(code, other_language)] = by_language.get((code, other_language), 0) + registered
    archived = db.session.scalar(
        select(func.count(distinct(PlanVersion.plan_id)))
        .where(PlanVersion.change == "archived", PlanVersion.changed_at >= w.start, PlanVersion.changed_at < w.end)
    )
    reviewed = db.session.scalar(
        select(func.count(PlanVersion.id))
        .where(PlanVersion.change == "reviewed", PlanVersion.changed_at >= w.start, PlanVersion.changed_at < w.end)
    )
    return {"registered": sum(row[3] for row in rows), "new": sum(row[4] for row in rows),
            "active": by_status.get(PlanStatus.ACTIVE, 0), "live": sum(row[3] for row in live),
            "due": sum(row[5] for row in live), "overdue": sum(row[6] for row in live),
            "archived_in_period": archived, "reviewed_in_period": reviewed, "by_status": by_status,
            # (language code or "other", what the carer said for other, plans), most first.
            "by_language": sorted(((code, other_language, count) for (code, other_language), count
                                   in by_language.items()), key=lambda row: (-row[2], row[0], row[1] or ""))}


def new_plans_by_month(w: Window) -> dict[tuple[str, str], int]:
    month = w.clock.month(ContingencyPlan.created_at)
    query = (select(month, func.count())
             .where(ContingencyPlan.created_at >= w.start, ContingencyPlan.created_at < w.end).group_by(month))
    return {(row[0], "new"): row[1] for row in db.session.execute(query)}


def plans_by_district(w: Window) -> list[tuple[str, int]]:
    # Plans are counted by postcode first, so that the district is worked out once per postcode
    # rather than once per plan. A postcode's inward code is always three characters; the rest
    # is its district.
    by_postcode = (select(ContingencyPlan.carer_postcode.label("postcode"), func.count().label("plans"))
                   .where(*_live_plans_at_end(w)).group_by(ContingencyPlan.carer_postcode).subquery())
    postcode = func.upper(func.trim(by_postcode.c.postcode))
    district = func.trim(func.substr(postcode, 1, func.length(postcode) - 3))
    plans = func.sum(by_postcode.c.plans)
    query = select(district, plans).group_by(district).order_by(plans.desc(), district)
    return [(name, int(count)) for name, count in db.session.execute(query)]


# Nearly every plan is live, so children are counted as all of them less those of the few plans
# that are not: one read of the child table and a lookup of the few, instead of matching every
# child with its plan. One statement, so both parts see the register at the same moment.

def _children_of_plans_not(child, plan_id, keep, *group_by):
    everyone = select(*group_by, func.count().label("n")).select_from(child).group_by(*group_by)
    left_out = (select(*group_by, (-func.count()).label("n")).select_from(child)
                .join(ContingencyPlan, ContingencyPlan.id == plan_id).where(not_(keep)).group_by(*group_by))
    both = union_all(everyone, left_out).subquery()
    return select(*(both.c[column.key] for column in group_by), func.sum(both.c.n)).group_by(
        *(both.c[column.key] for column in group_by))


def cared_for_covered(w: Window) -> int:
    active = and_(ContingencyPlan.created_at < w.end, ContingencyPlan.status == PlanStatus.ACTIVE)
    return int(db.session.scalar(_children_of_plans_not(CaredForPerson, CaredForPerson.plan_id, active)) or 0)


def contacts_by_consent(w: Window) -> dict[str, int]:
    live = and_(*_live_plans_at_end(w))
    return {status: int(count) for status, count in db.session.execute(
        _children_of_plans_not(EmergencyContact, EmergencyContact.plan_id, live, EmergencyContact.consent_status))
        if count}


# Incidents

def _opened_in(w: Window):
    return (Incident.opened_at >= w.start, Incident.opened_at < w.end)


def _outcome_at_end(w: Window):
    # When it became exhausted is history, so the timeline answers it; what it is now does not.
    exhausted_by_end = exists().where(IncidentEvent.incident_id == Incident.id, IncidentEvent.kind == EventKind.EXHAUSTED,
                                      IncidentEvent.at < w.end)
    closed_by_end = Incident.closed_at < w.end
    return case(
        (and_(Incident.status == IncidentStatus.CANCELLED, closed_by_end), "cancelled"),
        (and_(Incident.status == IncidentStatus.RESOLVED, closed_by_end), "resolved"),
        (Incident.accepted_at < w.end, "accepted"),
        (exhausted_by_end, "exhausted"),
        # Handed to a person and not closed by the end (the reason stays once it is closed).
        (Incident.needs_person_reason.is_not(None), "needs a person"),
        else_="open",
    )


def incidents_by_month(w: Window) -> list[tuple[str, str, str, int]]:
    """(local month, channel, outcome at the end of the period, incidents) from one read."""
    month, outcome = w.clock.month(Incident.opened_at), _outcome_at_end(w)
    query = (select(month, Incident.channel, outcome, func.count()).where(*_opened_in(w))
             .group_by(month, Incident.channel, outcome))
    return [tuple(row) for row in db.session.execute(query)]


def _first_ask_seconds(w: Window):
    first_ask = (select(Incident.opened_at, func.min(Page.sent_at).label("sent_at"))
                 .join(Page, Page.incident_id == Incident.id)
                 .where(*_opened_in(w), Page.who != "fallback", Page.sent_at < w.end)
                 .group_by(Incident.id, Incident.opened_at).subquery())
    return select(seconds_between(w.dialect, first_ask.c.opened_at, first_ask.c.sent_at).label("seconds"))


def _acceptance_seconds(w: Window):
    return (select(seconds_between(w.dialect, Incident.opened_at, Incident.accepted_at).label("seconds"))
            .where(*_opened_in(w), Incident.accepted_at < w.end))


def _spread(durations, dialect: str) -> dict:
    """Count, median, 90th percentile (nearest rank) and max of a column of seconds."""
    sub = durations.subquery()
    if dialect == "postgresql":
        # percentile_disc is the nearest-rank percentile: the first value whose cumulative share reaches it.
        count, median, p90, longest = db.session.execute(select(
            func.count(), func.percentile_disc(0.5).within_group(sub.c.seconds),
            func.percentile_disc(0.9).within_group(sub.c.seconds), func.max(sub.c.seconds))).one()
        return {"count": count, "median": median, "p90": p90, "max": longest}
    count, longest = db.session.execute(select(func.count(), func.max(sub.c.seconds))).one()
    if not count:
        return {"count": 0, "median": None, "p90": None, "max": None}
    ranks = {"median": nearest_rank(0.5, count), "p90": nearest_rank(0.9, count)}
    ranked = select(sub.c.seconds, func.row_number().over(order_by=sub.c.seconds).label("rank")).subquery()
    values = dict(db.session.execute(
        select(ranked.c.rank, ranked.c.seconds).where(ranked.c.rank.in_(set(ranks.values())))).all())
    return {"count": count, "median": values[ranks["median"]], "p90": values[ranks["p90"]], "max": longest}


def time_to_first_ask(w: Window) -> dict:
    return _spread(_first_ask_seconds(w), w.dialect)


def time_to_acceptance(w: Window) -> dict:
    return _spread(_acceptance_seconds(w), w.dialect)


def accepted_by(w: Window) -> list[tuple[str, int | None, int]]:
    query = (select(Page.who, Page.tier, func.count()).join(Incident, Incident.accepted_page_id == Page.id)
             .where(*_opened_in(w), Incident.accepted_at < w.end).group_by(Page.who, Page.tier))
    return [tuple(row) for row in db.session.execute(query)]


def incidents_with_fallback(w: Window) -> tuple[int, int]:
    """(incidents opened in the period, how many of them had the fallback number called by its end)"""
    # The few fallback asks looked up once, rather than an EXISTS probe for every incident.
    fallback = Incident.id.in_(select(Page.incident_id).where(Page.who == "fallback", Page.sent_at < w.end))
    return tuple(db.session.execute(
        select(func.count(Incident.id), func.count(Incident.id).filter(fallback)).where(*_opened_in(w))
    ).one())


def incidents_by_weekday_and_hour(w: Window, office_days, opens: str, closes: str, holidays: list[str]):
    """{(weekday 0=Monday, local hour, out of hours?): count}"""
    clock = w.clock
    sunday_first = clock.weekday(Incident.opened_at)
    office_weekdays = [(WEEKDAYS.index(day) + 1) % 7 for day in office_days]
    local_time = clock.clock(Incident.opened_at)
    in_office = and_(sunday_first.in_(office_weekdays), not_(clock.day(Incident.opened_at).in_(holidays)),
                     local_time >= literal(opens), local_time < literal(closes))
    out_of_hours = case((in_office, 0), else_=1)
    hour = clock.hour(Incident.opened_at)
    query = (select(sunday_first, hour, out_of_hours, func.count()).where(*_opened_in(w))
             .group_by(sunday_first, hour, out_of_hours))
    return {((row[0] + 6) % 7, row[1], bool(row[2])): row[3] for row in db.session.execute(query)}


# Rota

def asks_per_officer(w: Window) -> list[tuple[str, int, int, int]]:
    """(officer, asks, accepted, declined), busiest first; answers after the period count as none."""
    answered_in_time = Page.answered_at < w.end
    query = (
        select(DutyOfficer.name, func.count(Page.id),
               func.count(Page.id).filter(Page.status == PageStatus.ACCEPTED, answered_in_time),
               func.count(Page.id).filter(Page.status == PageStatus.DECLINED, answered_in_time))
        .join(DutyOfficer, DutyOfficer.id == Page.officer_id)
        .where(Page.sent_at >= w.start, Page.sent_at < w.end)
        .group_by(DutyOfficer.id, DutyOfficer.name)
        .order_by(func.count(Page.id).desc(), DutyOfficer.name)
    )
    return [(name, asks, accepted or 0, declined or 0) for name, asks, accepted, declined in db.session.execute(query)]


def texts_by_language(w: Window) -> list[tuple[str, int, int]]:
    """(language, texts, SMS segments) of the texts queued in the period: an ask's language is
    its person's, a text to a caller the caller's; the rest are English."""
    asked, about = aliased(Page), aliased(Incident)
    language = func.coalesce(asked.language, about.caller_language, literal("en"))
    query = (select(language, func.count(OutboxMessage.id), func.coalesce(func.sum(OutboxMessage.segments), 0))
             .outerjoin(asked, asked.id == OutboxMessage.page_id)
             .outerjoin(about, about.id == OutboxMessage.incident_id)
             .where(OutboxMessage.channel == Channel.SMS, OutboxMessage.created_at >= w.start,
                    OutboxMessage.created_at < w.end)
             .group_by(language).order_by(func.count(OutboxMessage.id).desc(), language))
    return [(code, texts, int(segments)) for code, texts, segments in db.session.execute(query)]


# Feedback

def ratings(w: Window) -> dict:
    surveyed = Incident.survey_sent_at < w.end
    # One pass: a row per rating given (None: asked, not answered), only for incidents surveyed.
    rows = db.session.execute(
        select(Incident.survey_rating, func.count()).where(*_opened_in(w), surveyed).group_by(Incident.survey_rating)
    ).all()
    counts = {rating: count for rating, count in rows if rating is not None}
    answered = sum(counts.values())
    mean = sum(rating * count for rating, count in counts.items()) / answered if answered else None
    return {"counts": counts, "asked": sum(count for _, count in rows), "mean": mean}
