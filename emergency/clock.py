"""The one place that reads the wall clock and names the local time zone. Everything else is
given `now` and asks here for the zone."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def local_zone() -> ZoneInfo:
    """The service's local time zone (LOCAL_TIMEZONE): review dates, rotas, office hours."""
    return ZoneInfo(current_app.config["LOCAL_TIMEZONE"])


def local_date(now: datetime) -> date:
    return now.astimezone(local_zone()).date()


def local_today() -> date:
    return local_date(utc_now())
