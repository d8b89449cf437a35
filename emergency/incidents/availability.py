"""Whether a contact may be called now, from their availability windows. Pure."""
from datetime import datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock(text: str) -> time:
    return time(int(text[:2]), int(text[3:5]))


def is_available(windows: list[dict], local: datetime) -> bool:
    """windows: [{"days": [...], "from": "HH:MM", "to": "HH:MM"}], London wall-clock time; a
    window whose `to` is not after its `from` runs overnight into the next day. No windows:
    any time."""
    if not windows:
        return True
    today = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local - timedelta(days=1)).weekday()]
    now = local.time()
    for window in windows:
        starts, ends = _clock(window["from"]), _clock(window["to"])
        if starts < ends:
            if today in window["days"] and starts <= now < ends:
                return True
        elif (today in window["days"] and now >= starts) or (yesterday in window["days"] and now < ends):
            return True
    return False
