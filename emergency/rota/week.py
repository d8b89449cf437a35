"""A week of the rota as a coordinator reads it: Monday to Sunday in local time, each day cut,
per tier, into stretches in which the same officers are on duty. An out-of-hours stretch with
nobody on it is a gap. Days are local days, so a clock-change Sunday has 23 or 25 hours.

Pure: the timeline, the out-of-hours periods and the bank holidays are passed in.
"""
import itertools
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from emergency.rota.calendar import TIERS, Segment
from emergency.rota.localtime import LocalTimeError, local_to_utc, wall_clock_instant


@dataclass(frozen=True)
class Stretch:
    starts_at: datetime
    ends_at: datetime
    officer_ids: tuple[int, ...]
    out_of_hours: bool

    @property
    def is_gap(self) -> bool:
        return self.out_of_hours and not self.officer_ids


@dataclass(frozen=True)
class Day:
    day: date
    starts_at: datetime
    ends_at: datetime
    bank_holiday: str | None
    tiers: dict[int, list[Stretch]]

    @property
    def hours(self) -> int:
        return round((self.ends_at - self.starts_at) / timedelta(hours=1))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return wall_clock_instant(monday, time(0), zone), wall_clock_instant(monday + timedelta(days=7), time(0), zone)


def build_week(monday: date, zone: ZoneInfo, segments: list[Segment], out_of_hours: list[tuple[datetime, datetime]],
               bank_holidays) -> list[Day]:
    """Seven days from `monday`; `segments` and `out_of_hours` must cover the whole week."""
    starts = [segment.starts_at for segment in segments]
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_start = wall_clock_instant(day, time(0), zone)
        day_end = wall_clock_instant(day + timedelta(days=1), time(0), zone)
        cuts = {day_start, day_end}
        for a, b in [*((s.starts_at, s.ends_at) for s in segments), *out_of_hours]:
            cuts.update(moment for moment in (a, b) if day_start < moment < day_end)
        ordered = sorted(cuts)
        tiers = {}
        for tier in TIERS:
            stretches: list[Stretch] = []
            for a, b in itertools.pairwise(ordered):
                index = bisect_right(starts, a) - 1
                officers = segments[index].on_duty[tier] if 0 <= index < len(segments) else ()
                late = any(p <= a < q for p, q in out_of_hours)
                last = stretches[-1] if stretches else None
                if last is not None and last.officer_ids == officers and last.out_of_hours == late:
                    stretches[-1] = Stretch(last.starts_at, b, officers, late)
                else:
                    stretches.append(Stretch(a, b, officers, late))
            tiers[tier] = stretches
        days.append(Day(day, day_start, day_end, bank_holidays.get(day), tiers))
    return days


def local_text(at: datetime, zone: ZoneInfo) -> str:
    """How to write an instant in a form: local time, or with its offset when the clocks
    going back make that local time happen twice."""
    local = at.astimezone(zone)
    naive = local.replace(tzinfo=None)
    try:
        local_to_utc(naive, zone)
    except LocalTimeError:
        return local.isoformat(timespec="minutes")
    return f"{naive:%Y-%m-%d %H:%M}"
