"""The out-of-hours rota: officers, patterns, overrides; who is on duty; where the holes are."""
import hashlib
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from emergency.alerts import service as alerts
from emergency.clock import local_zone
from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.outbox.models import Purpose
from emergency.records import get_or_not_found
from emergency.rota import calendar
from emergency.rota import week as rota_week
from emergency.rota.models import CalendarFeed, DutyOfficer, RotaOverride, RotaPattern, RotaPatternTurn
from emergency.rota.settings import bank_holidays, office_hours
from emergency.rota.shifts_csv import parse_shifts, render_shifts

ALERT_LISTS_AT_MOST = 5
# A change may start a little in the past (a swap recorded after it began); further back is
# most likely a mistyped date, which would otherwise be saved without anyone noticing.
PAST_GRACE_HOURS = 24
PAST_GRACE = timedelta(hours=PAST_GRACE_HOURS)


# Officers

def get_officer(officer_id: int, field: str = "officer_id") -> DutyOfficer:
    return get_or_not_found(DutyOfficer, officer_id, "duty officer", field)


def officers(active: bool | None = None):
    query = select(DutyOfficer).order_by(DutyOfficer.name, DutyOfficer.id)
    return query if active is None else query.where(DutyOfficer.active == active)


def save_officer(officer: DutyOfficer | None, data: dict) -> DutyOfficer:
    officer = officer or DutyOfficer()
    clash = db.session.scalar(select(DutyOfficer).where(DutyOfficer.mobile == data["mobile"], DutyOfficer.id != officer.id))
    if clash is not None:
        raise RuleBroken(f"{clash.name} already has this mobile number", field="mobile")
    for name in ("name", "mobile", "role", "active", "contact_preference"):
        setattr(officer, name, data[name])
    officer.language = data.get("language") or officer.language or "en"
    db.session.add(officer)
    db.session.flush()
    return officer


# Patterns

def get_pattern(pattern_id: int) -> RotaPattern:
    return get_or_not_found(RotaPattern, pattern_id, "rota pattern", "pattern_id")


def patterns():
    return select(RotaPattern).order_by(RotaPattern.tier, RotaPattern.id)


def save_pattern(pattern: RotaPattern | None, data: dict) -> RotaPattern:
    pattern = pattern or RotaPattern()
    for position, officer_id in enumerate(data["officer_ids"]):
        get_officer(officer_id, field=f"officer_ids[{position}]")
    if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise RuleBroken("must not be before starts_on", field="ends_on")
    for name in ("name", "tier", "days", "starts", "ends", "starts_on", "ends_on", "rotate_every_weeks"):
        setattr(pattern, name, data.get(name))
    pattern.turns = [RotaPatternTurn(position=p, officer_id=o) for p, o in enumerate(data["officer_ids"])]
    db.session.add(pattern)
    db.session.flush()
    return pattern


def delete_pattern(pattern: RotaPattern) -> None:
    db.session.delete(pattern)


# Overrides

def get_override(override_id: int) -> RotaOverride:
    return get_or_not_found(RotaOverride, override_id, "rota override", "override_id")


def overrides_between(start, end):
    return (
        select(RotaOverride)
        .where(RotaOverride.starts_at < end, RotaOverride.ends_at > start)
        .order_by(RotaOverride.starts_at, RotaOverride.id)
    )


def add_override(data: dict, *, by, now) -> RotaOverride:
    get_officer(data["officer_id"])
    if data["kind"] == "replace":
        if not data.get("replaces_officer_id"):
            raise RuleBroken("say which officer is replaced", field="replaces_officer_id")
        get_officer(data["replaces_officer_id"], field="replaces_officer_id")
    elif data.get("replaces_officer_id"):
        raise RuleBroken("only a replace override replaces someone", field="replaces_officer_id")
    if data["ends_at"] <= data["starts_at"]:
        raise RuleBroken("the end must be after the start", field="ends_at")
    if data["starts_at"] < now - PAST_GRACE:
        started = data["starts_at"].astimezone(local_zone())
        raise RuleBroken(f"the start, {started:%d %B %Y %H:%M}, is more than {PAST_GRACE_HOURS} hours ago: a change to "
                         f"the rota may start at most that far back, so check the date", field="starts_at")
    override = RotaOverride(
        kind=data["kind"], tier=data["tier"], officer_id=data["officer_id"],
        replaces_officer_id=data.get("replaces_officer_id"), starts_at=data["starts_at"], ends_at=data["ends_at"],
        note=data.get("note", ""), created_by=by.username, created_at=now,
    )
    db.session.add(override)
    db.session.flush()
    return override


def import_shifts(shifts: list[dict], *, by, now) -> tuple[list[RotaOverride], int]:
    """(overrides added, shifts skipped): a shift the rota already gives that officer in that
    tier (re-importing an export, or the same row twice) adds nothing."""
    if not shifts:
        return [], 0
    start = min(shift["starts_at"] for shift in shifts)
    end = max(shift["ends_at"] for shift in shifts)
    covered: dict[tuple[int, int], list] = {}
    for run in duty_runs(start, end):
        covered.setdefault((run.officer_id, run.tier), []).append((run.starts_at, run.ends_at))
    added, skipped = [], 0
    for shift in shifts:
        spans = covered.setdefault((shift["officer_id"], shift["tier"]), [])
        if any(a <= shift["starts_at"] and shift["ends_at"] <= b for a, b in spans):
            skipped += 1
            continue
        added.append(add_override({**shift, "kind": "add"}, by=by, now=now))
        spans.append((shift["starts_at"], shift["ends_at"]))
    return added, skipped


def import_shifts_csv(text: str, *, by, now) -> tuple[list[RotaOverride], int, list[dict]]:
    """(overrides added, shifts skipped, problems): with any problem, nothing is added."""
    mobiles = dict(db.session.execute(select(DutyOfficer.mobile, DutyOfficer.id)).all())
    shifts, problems = parse_shifts(text, mobiles, local_zone())
    if problems:
        return [], 0, problems
    added, skipped = import_shifts(shifts, by=by, now=now)
    return added, skipped, []


def delete_override(override: RotaOverride) -> None:
    db.session.delete(override)


# Questions the rest of the service asks

def _rota_inputs(start, end):
    pattern_specs = [
        calendar.Pattern(
            id=p.id, tier=p.tier, days=tuple(p.days), starts=p.starts, ends=p.ends,
            officer_ids=tuple(turn.officer_id for turn in p.turns), starts_on=p.starts_on, ends_on=p.ends_on,
            rotate_every_weeks=p.rotate_every_weeks,
        )
        for p in db.session.scalars(patterns().options(selectinload(RotaPattern.turns)))
    ]
    override_specs = [
        calendar.Override(id=o.id, kind=o.kind, tier=o.tier, officer_id=o.officer_id, starts_at=o.starts_at,
                          ends_at=o.ends_at, replaces_officer_id=o.replaces_officer_id)
        for o in db.session.scalars(overrides_between(start, end))
    ]
    inactive = frozenset(db.session.scalars(select(DutyOfficer.id).where(DutyOfficer.active.is_(False))))
    return pattern_specs, override_specs, inactive


def on_duty(at) -> dict[int, list[DutyOfficer]]:
    """Active officers on duty at an instant, per tier (1, 2, 3), in the rota's order."""
    pattern_specs, override_specs, inactive = _rota_inputs(at, at + timedelta(seconds=1))
    ids = calendar.on_duty_at(at, pattern_specs, override_specs, local_zone(), inactive)
    wanted = {officer_id for officer_ids in ids.values() for officer_id in officer_ids}
    officers = {o.id: o for o in db.session.scalars(select(DutyOfficer).where(DutyOfficer.id.in_(wanted)))} if wanted else {}
    return {tier: [officers[officer_id] for officer_id in officer_ids] for tier, officer_ids in ids.items()}


def is_out_of_hours(at) -> bool:
    config = current_app.config
    return calendar.is_out_of_hours(at, office_hours(config), bank_holidays(config["BANK_HOLIDAY_REGION"]), local_zone())


def gaps(start, end, tier: int = 1):
    config = current_app.config
    pattern_specs, override_specs, inactive = _rota_inputs(start, end)
    return calendar.gaps(start, end, pattern_specs, override_specs, office_hours(config),
                         bank_holidays(config["BANK_HOLIDAY_REGION"]), local_zone(), tier, inactive)


def duty_runs(start, end, officer_id: int | None = None) -> list[calendar.Shift]:
    pattern_specs, override_specs, inactive = _rota_inputs(start, end)
    runs = calendar.duty_runs(calendar.timeline(start, end, pattern_specs, override_specs, local_zone(), inactive))
    return [run for run in runs if officer_id is None or run.officer_id == officer_id]


def shifts_csv(start, end, officer_id: int | None = None) -> str:
    """The rota as it stands over [start, end) as CSV, in the columns the import reads."""
    officers_by_id = {officer.id: officer for officer in db.session.scalars(select(DutyOfficer))}
    return render_shifts(duty_runs(start, end, officer_id), officers_by_id, local_zone())


def week(monday) -> list[rota_week.Day]:
    """The week from a Monday, local days, per tier: who is on, out of hours, gaps."""
    config, zone = current_app.config, local_zone()
    start, end = rota_week.week_bounds(monday, zone)
    pattern_specs, override_specs, inactive = _rota_inputs(start, end)
    segments = calendar.timeline(start, end, pattern_specs, override_specs, zone, inactive)
    holidays = bank_holidays(config["BANK_HOLIDAY_REGION"])
    late = calendar.out_of_hours_periods(start, end, office_hours(config), holidays, zone)
    return rota_week.build_week(monday, zone, segments, late, holidays)


def gaps_if_gone(officer_id: int, start, end) -> list[tuple[calendar.Shift, list]]:
    """The officer's shifts in [start, end), each with the out-of-hours stretches of it that
    nobody else in the tier would cover if the officer stopped being on the rota."""
    config = current_app.config
    pattern_specs, override_specs, inactive = _rota_inputs(start, end)
    runs = [run for run in calendar.duty_runs(
        calendar.timeline(start, end, pattern_specs, override_specs, local_zone(), inactive))
        if run.officer_id == officer_id]
    holes = {
        tier: calendar.gaps(start, end, pattern_specs, override_specs, office_hours(config),
                            bank_holidays(config["BANK_HOLIDAY_REGION"]), local_zone(), tier, inactive | {officer_id})
        for tier in {run.tier for run in runs}
    }
    return [(run, [(max(a, run.starts_at), min(b, run.ends_at)) for a, b in holes[run.tier]
                   if a < run.ends_at and b > run.starts_at]) for run in runs]


def officer_for_user(user) -> DutyOfficer | None:
    return db.session.scalar(select(DutyOfficer).where(DutyOfficer.user_id == user.id))


def link_login(officer: DutyOfficer, user) -> None:
    """Tie a login to a rota officer (or untie it with None): they then see their shifts and asks."""
    if user is not None:
        other = officer_for_user(user)
        if other is not None and other.id != officer.id:
            raise RuleBroken(f"{user.username} is already the login of {other.name}", field="user_id")
    officer.user_id = user.id if user is not None else None
    db.session.flush()


def describe_span(start, end, zone: ZoneInfo, with_year: bool = False) -> str:
    """'Thu 24 Dec 22:00-Fri 25 Dec 08:00'; with the year, 'Thu 24 Dec 2026 22:00-Fri 25 Dec 2026 08:00'."""
    a, b = start.astimezone(zone), end.astimezone(zone)
    day = "%a %d %b %Y" if with_year else "%a %d %b"
    return f"{a:{day} %H:%M}-{b:%H:%M}" if a.date() == b.date() else f"{a:{day} %H:%M}-{b:{day} %H:%M}"


def alert_coordinators_of_gaps(now) -> list:
    """The daily check: text each coordinator with a mobile the tier-1 holes of the coming
    days. Once a day per coordinator, however often it runs."""
    days = current_app.config["ROTA_GAP_DAYS"]
    holes = gaps(now, now + timedelta(days=days))
    if not holes:
        return []
    zone = local_zone()
    listed = "; ".join(describe_span(a, b, zone) for a, b in holes[:ALERT_LISTS_AT_MOST])
    more = f"; and {len(holes) - ALERT_LISTS_AT_MOST} more" if len(holes) > ALERT_LISTS_AT_MOST else ""
    body = (f"Carers Emergency Line: nobody is on first call for {len(holes)} out-of-hours "
            f"period{'s' if len(holes) > 1 else ''} in the next {days} days: {listed}{more}. Please arrange cover.")
    today = now.astimezone(zone).date()
    return alerts.alert_coordinators(key=f"rota-gaps:{today}", subject=f"Carers Emergency Line: {len(holes)} "
                                     f"out-of-hours gap{'s' if len(holes) > 1 else ''} in the rota", body=body,
                                     purpose=Purpose.ROTA_GAP_ALERT, now=now)


# Calendar feeds

def _feed_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(officer_id: int | None, now) -> tuple[CalendarFeed, str]:
    if officer_id is not None:
        get_officer(officer_id)
    token = secrets.token_urlsafe(24)
    feed = CalendarFeed(officer_id=officer_id, token_hash=_feed_hash(token), created_at=now)
    db.session.add(feed)
    db.session.flush()
    return feed, token


def feeds():
    return select(CalendarFeed).order_by(CalendarFeed.id)


def get_feed(feed_id: int) -> CalendarFeed:
    return get_or_not_found(CalendarFeed, feed_id, "calendar feed", "feed_id")


def revoke_feed(feed: CalendarFeed, now) -> None:
    feed.revoked_at = feed.revoked_at or now


def feed_for_token(token: str) -> CalendarFeed | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _feed_hash(token)))
    return feed if feed is not None and feed.revoked_at is None else None
