"""Rota shifts as an iCalendar feed that phones can subscribe to. Pure: no session."""
from icalendar import Calendar, Event

TIER_NAMES = {1: "first call", 2: "senior", 3: "manager"}


def rota_calendar(runs, officer_names: dict[int, str], title: str, now, whole_rota: bool) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Carers Emergency Line//Out-of-hours rota//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", title)
    for run in runs:
        event = Event()
        event.add("uid", f"{run.tier}-{run.officer_id}-{run.starts_at:%Y%m%dT%H%M%SZ}@carers-emergency-line")
        event.add("dtstamp", now)
        event.add("dtstart", run.starts_at)
        event.add("dtend", run.ends_at)
        tier = f"tier {run.tier} ({TIER_NAMES[run.tier]})"
        summary = f"{officer_names[run.officer_id]}: {tier}" if whole_rota else f"On call, {tier}"
        event.add("summary", summary)
        feed.add_component(event)
    return feed.to_ical()
