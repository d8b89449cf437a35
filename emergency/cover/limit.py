"""How long cover may last: COVER_LIMIT_HOURS, plus COVER_BANK_HOLIDAY_EXTRA_HOURS when a bank
holiday falls within it. Pure: holidays and the time zone are passed in. Hours are real
elapsed hours, so a night the clocks change is one hour longer or shorter on the wall."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CoverLimit:
    hours: int
    bank_holiday_extra_hours: int


def local_days(start: datetime, end: datetime, zone: ZoneInfo):
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def allowed_hours(start: datetime, end: datetime, limit: CoverLimit, bank_holidays, zone: ZoneInfo) -> int:
    """The limit for cover from start to end: longer when a bank holiday falls within it."""
    holiday = any(day in bank_holidays for day in local_days(start, end, zone))
    return limit.hours + (limit.bank_holiday_extra_hours if holiday else 0)


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def over_limit(start: datetime, end: datetime, limit: CoverLimit, bank_holidays, zone: ZoneInfo) -> int | None:
    """The limit in hours when cover from start to end is longer than it; None when within."""
    allowed = allowed_hours(start, end, limit, bank_holidays, zone)
    return allowed if hours_between(start, end) > allowed else None
