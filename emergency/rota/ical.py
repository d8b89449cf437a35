"""Rota shifts as an iCalendar feed that phones can subscribe to. Pure: no session."""
import unicodedata

from icalendar import Calendar, Event

TIER_NAMES = {1: "first call", 2: "senior", 3: "manager"}


def one_line(text: str) -> str:
    """Names are checked when typed, but a feed must never fail on one stored before that (or
    by hand): a line break or other control character becomes a space."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def rota_calendar(runs, officer_names: dict[int, str], title: str, now, whole_rota: bool) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Carers Emergency Line//Out-of-hours rota//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", one_line(title))
    for run in runs:
        event = Event()
        event.add("uid", f"{run.tier}-{run.officer_id}-{run.starts_at:%Y%m%dT%H%M%SZ}@carers-emergency-line")
        event.add("dtstamp", now)
        event.add("dtstart", run.starts_at)
        event.add("dtend", run.ends_at)
        tier = f"tier {run.tier} ({TIER_NAMES[run.tier]})"
        summary = f"{one_line(officer_names[run.officer_id])}: {tier}" if whole_rota else f"On call, {tier}"
        event.add("summary", summary)
        feed.add_component(event)
    return feed.to_ical()
