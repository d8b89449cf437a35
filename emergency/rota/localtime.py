"""Local wall-clock times and instants, honest about the two clock changes a year.

Pure: time zones are passed in.
"""
import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo


class LocalTimeError(ValueError):
    pass


def wall_clock_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local date. A time that the spring change
    skips is read with the offset before the change (01:30 on that day is 02:30 BST)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(timezone.utc)


def local_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """A typed local time as a UTC instant; refuses a time that does not exist or that
    happens twice, since guessing would move a shift by an hour."""
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        if earlier.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
            raise LocalTimeError(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks go forward then")
        raise LocalTimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone.key} (the clocks go back); "
            f"give the UTC offset, like {naive:%Y-%m-%dT%H:%M}+01:00 or {naive:%Y-%m-%dT%H:%M}+00:00"
        )
    return earlier.astimezone(timezone.utc)


# Day first, as people in the UK write dates: 25/12/2026 08:00, 1/2/2027 9:30 (1 February).
_UK_DATE_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:(?:\s+|\s*,\s*|T)(\d{1,2})[:.](\d{2}))?$")


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """'25/12/2026 17:00' or '2026-12-25 17:00' (local), or '2026-12-25T17:00:00+00:00' (any
    offset), as UTC."""
    text = text.strip()
    try:
        value = _uk_date_time(text) or datetime.fromisoformat(text)
    except ValueError:
        raise LocalTimeError(f"{text!r} is not a date and time; write it like 25/12/2026 17:00") from None
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc)
    return local_to_utc(value, zone)


def _uk_date_time(text: str) -> datetime | None:
    """A day-first date and time as typed, or None when it is not written that way; raises
    ValueError for a date that does not exist (31/02/2027)."""
    match = _UK_DATE_TIME.match(text)
    if match is None:
        return None
    day, month, year, hour, minute = (int(part) if part else 0 for part in match.groups())
    return datetime(year, month, day, hour, minute)
