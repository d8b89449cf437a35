"""The one place that reads the wall clock. Everything else is given `now`."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def local_today(zone: ZoneInfo = LONDON) -> date:
    return utc_now().astimezone(zone).date()
