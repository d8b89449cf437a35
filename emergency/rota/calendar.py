"""Who is on duty, in which tier, at an instant; and where the out-of-hours cover has holes.

Pure: patterns, overrides, office hours, bank holidays and the time zone are passed in;
nothing here reads the clock or the database.
"""
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from emergency.rota.localtime import wall_clock_instant

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# 1 = first call, 2 = senior, 3 = manager.
TIERS = (1, 2, 3)


@dataclass(frozen=True)
class Pattern:
    """A recurring shift: on each of `days`, from `starts` to `ends` local time (ending the
    next day when `ends` is not after `starts`), covered by `officer_ids` in turn, each for
    `rotate_every_weeks` weeks, counting from the week of `starts_on`."""

    id: int
    tier: int
    days: tuple[str, ...]
    starts: time
    ends: time
    officer_ids: tuple[int, ...]
    starts_on: date
    ends_on: date | None = None
    rotate_every_weeks: int = 1


@dataclass(frozen=True)
class Override:
    """A one-off change for a time range: `add` an officer, `remove` one, or `replace`
    `replaces_officer_id` with `officer_id`. Overrides beat patterns; later ones beat earlier."""

    id: int
    kind: str
    tier: int
    officer_id: int
    starts_at: datetime
    ends_at: datetime
    replaces_officer_id: int | None = None


@dataclass(frozen=True)
class Shift:
    tier: int
    officer_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Segment:
    """A stretch of time in which nobody comes on or goes off duty."""

    starts_at: datetime
    ends_at: datetime
    on_duty: dict[int, tuple[int, ...]] = field(hash=False)


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[str]
    opens: time
    closes: time


def _local_dates(start: datetime, end: datetime, zone: ZoneInfo, days_before: int = 0):
    day = start.astimezone(zone).date() - timedelta(days=days_before)
    last = end.astimezone(zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def officer_for(pattern: Pattern, day: date) -> int:
    weeks = ((day - timedelta(days=day.weekday())) - (pattern.starts_on - timedelta(days=pattern.starts_on.weekday()))).days // 7
    return pattern.officer_ids[(weeks // pattern.rotate_every_weeks) % len(pattern.officer_ids)]


def shifts(pattern: Pattern, start: datetime, end: datetime, zone: ZoneInfo) -> list[Shift]:
    """Occurrences of a pattern that overlap [start, end)."""
    found = []
    if not pattern.officer_ids:
        return found
    for day in _local_dates(start, end, zone, days_before=1):
        if WEEKDAYS[day.weekday()] not in pattern.days or day < pattern.starts_on:
            continue
        if pattern.ends_on is not None and day > pattern.ends_on:
            continue
        end_day = day + timedelta(days=1) if pattern.ends <= pattern.starts else day
        shift_start = wall_clock_instant(day, pattern.starts, zone)
        shift_end = wall_clock_instant(end_day, pattern.ends, zone)
        if shift_start < end and shift_end > start:
            found.append(Shift(pattern.tier, officer_for(pattern, day), shift_start, shift_end))
    return found


def _apply_overrides(on_duty: dict[int, list[int]], overrides, at: datetime) -> None:
    for override in sorted(overrides, key=lambda o: o.id):
        if not override.starts_at <= at < override.ends_at:
            continue
        officers = on_duty[override.tier]
        if override.kind == "add" and override.officer_id not in officers:
            officers.append(override.officer_id)
        elif override.kind == "remove" and override.officer_id in officers:
            officers.remove(override.officer_id)
        elif override.kind == "replace" and override.replaces_officer_id in officers:
            index = officers.index(override.replaces_officer_id)
            if override.officer_id in officers:
                officers.pop(index)
            else:
                officers[index] = override.officer_id


def _on_duty_from(all_shifts, overrides, at: datetime, unavailable) -> dict[int, tuple[int, ...]]:
    on_duty: dict[int, list[int]] = {tier: [] for tier in TIERS}
    for shift in all_shifts:
        if shift.starts_at <= at < shift.ends_at and shift.officer_id not in on_duty[shift.tier]:
            on_duty[shift.tier].append(shift.officer_id)
    _apply_overrides(on_duty, overrides, at)
    return {tier: tuple(o for o in officers if o not in unavailable) for tier, officers in on_duty.items()}


def on_duty_at(at: datetime, patterns, overrides, zone: ZoneInfo, unavailable=frozenset()) -> dict[int, tuple[int, ...]]:
    """Officer ids on duty at an instant, per tier, in pattern order then overrides.
    `unavailable` officers (inactive ones) never count: their turns are holes, not cover."""
    moment_after = at + timedelta(microseconds=1)
    all_shifts = [shift for pattern in patterns for shift in shifts(pattern, at, moment_after, zone)]
    return _on_duty_from(all_shifts, overrides, at, unavailable)


def timeline(start: datetime, end: datetime, patterns, overrides, zone: ZoneInfo, unavailable=frozenset()) -> list[Segment]:
    """[start, end) cut wherever anyone comes on or goes off duty."""
    all_shifts = [shift for pattern in patterns for shift in shifts(pattern, start, end, zone)]
    cuts = {start, end}
    for item in [*all_shifts, *overrides]:
        cuts.update(moment for moment in (item.starts_at, item.ends_at) if start < moment < end)
    ordered = sorted(cuts)
    return [Segment(a, b, _on_duty_from(all_shifts, overrides, a, unavailable)) for a, b in itertools.pairwise(ordered)]


def duty_runs(segments: list[Segment]) -> list[Shift]:
    """Each officer's unbroken stretches on duty in a tier, from a timeline."""
    runs, open_runs = [], {}
    for segment in segments:
        present = {(tier, officer) for tier, officers in segment.on_duty.items() for officer in officers}
        for key in list(open_runs):
            if key not in present or open_runs[key][1] != segment.starts_at:
                runs.append(Shift(key[0], key[1], *open_runs.pop(key)))
        for key in present:
            started = open_runs.get(key, (segment.starts_at,))[0]
            open_runs[key] = (started, segment.ends_at)
    runs.extend(Shift(tier, officer, *span) for (tier, officer), span in open_runs.items())
    return sorted(runs, key=lambda run: (run.starts_at, run.tier, run.officer_id))


def is_out_of_hours(at: datetime, office: OfficeHours, bank_holidays, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone)
    working_day = WEEKDAYS[local.weekday()] in office.days and local.date() not in bank_holidays
    return not (working_day and office.opens <= local.time() < office.closes)


def out_of_hours_periods(start: datetime, end: datetime, office: OfficeHours, bank_holidays, zone: ZoneInfo):
    """The out-of-hours stretches within [start, end), merged, as UTC instants."""
    periods: list[tuple[datetime, datetime]] = []
    for day in _local_dates(start, end, zone):
        midnight = wall_clock_instant(day, time(0), zone)
        next_midnight = wall_clock_instant(day + timedelta(days=1), time(0), zone)
        if WEEKDAYS[day.weekday()] in office.days and day not in bank_holidays:
            pieces = [(midnight, wall_clock_instant(day, office.opens, zone)),
                      (wall_clock_instant(day, office.closes, zone), next_midnight)]
        else:
            pieces = [(midnight, next_midnight)]
        for a, b in pieces:
            _append_joined(periods, max(a, start), min(b, end))
    return periods


def gaps(start: datetime, end: datetime, patterns, overrides, office: OfficeHours, bank_holidays,
         zone: ZoneInfo, tier: int = 1, unavailable=frozenset()) -> list[tuple[datetime, datetime]]:
    """Out-of-hours stretches in [start, end) with nobody on duty in `tier`, merged."""
    segments = timeline(start, end, patterns, overrides, zone, unavailable)
    uncovered = [(s.starts_at, s.ends_at) for s in segments if not s.on_duty[tier]]
    holes: list[tuple[datetime, datetime]] = []
    for period_start, period_end in out_of_hours_periods(start, end, office, bank_holidays, zone):
        for a, b in uncovered:
            _append_joined(holes, max(a, period_start), min(b, period_end))
    return holes


def _append_joined(spans: list, a: datetime, b: datetime) -> None:
    """Append [a, b) to time-ordered spans, joining it to the last one if they touch."""
    if a >= b:
        return
    if spans and spans[-1][1] == a:
        spans[-1] = (spans[-1][0], b)
    else:
        spans.append((a, b))
