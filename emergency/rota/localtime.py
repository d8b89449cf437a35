"""Local wall-clock times and instants, honest about the two clock changes a year.

Pure: time zones are passed in.
"""
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


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """'2026-12-01 17:00' (local) or '2026-12-01T17:00:00+00:00' (any offset) as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise LocalTimeError(f"{text!r} is not a date and time; write it like 2026-12-01 17:00") from None
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc)
    return local_to_utc(value, zone)
