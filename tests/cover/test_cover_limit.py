"""The cover limit: 72 hours, 96 when a bank holiday of England and Wales falls within it, in
real hours across the clock changes."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

from emergency.cover.limit import CoverLimit, allowed_hours, over_limit

LONDON = ZoneInfo("Europe/London")
ENGLAND = holidays.country_holidays("GB", subdiv="ENG")
LIMIT = CoverLimit(72, 24)


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def test_72_hours_is_allowed_and_a_minute_more_is_not():
    start = utc(2026, 11, 5, 18)
    assert over_limit(start, start + timedelta(hours=72), LIMIT, ENGLAND, LONDON) is None
    assert over_limit(start, start + timedelta(hours=72, minutes=1), LIMIT, ENGLAND, LONDON) == 72


def test_a_bank_holiday_within_the_cover_adds_24_hours():
    start = utc(2026, 12, 24, 18)  # Christmas Day and Boxing Day (observed on the 28th) fall within
    assert allowed_hours(start, start + timedelta(hours=90), LIMIT, ENGLAND, LONDON) == 96
    assert over_limit(start, start + timedelta(hours=96), LIMIT, ENGLAND, LONDON) is None
    assert over_limit(start, start + timedelta(hours=97), LIMIT, ENGLAND, LONDON) == 96


def test_the_night_the_clocks_go_back_counts_its_real_hours():
    # Friday 18:00 to Monday 18:00 local over 25 October 2026 is 73 real hours: over the limit.
    start = datetime(2026, 10, 23, 18, tzinfo=LONDON)
    end = datetime(2026, 10, 26, 18, tzinfo=LONDON)
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=73)
    assert over_limit(start.astimezone(timezone.utc), end.astimezone(timezone.utc), LIMIT, ENGLAND, LONDON) == 72
