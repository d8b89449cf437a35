"""The report's periods and the shape of its figures. Pure: no Flask, no session; the dates,
time zone and the counts the queries returned are passed in.
"""
import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from emergency.rota.localtime import wall_clock_instant

# A report opens on the year up to today, so that this week's incidents are in it.
PRESETS = {"12-months": "last 12 months, up to today", "month": "last whole month",
           "quarter": "last whole quarter", "year": "last whole year"}
DEFAULT_PRESET = "12-months"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHANNEL_NAMES = {"voice": "call", "sms": "text", "console": "by hand"}
CHANNELS = ("call", "text", "by hand")
OUTCOMES = ("accepted", "resolved", "exhausted", "cancelled", "needs a person", "open")
CONSENTS = ("given", "pending", "refused")
PLAN_STATUSES = ("draft", "active", "suspended", "archived")
LONGEST_PERIOD_DAYS = 3 * 366
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # the line's records all fall in between


class PeriodError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Period:
    """Local calendar days `first` to `last`, both included."""

    first: date
    last: date

    def instants(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: local midnight to local midnight, whatever the clocks did."""
        return (wall_clock_instant(self.first, time(0), zone),
                wall_clock_instant(self.last + timedelta(days=1), time(0), zone))

    def months(self) -> list[str]:
        found, day = [], self.first.replace(day=1)
        while day <= self.last:
            found.append(f"{day:%Y-%m}")
            day = (day + timedelta(days=32)).replace(day=1)
        return found

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.first - timedelta(days=self.first.weekday())
        found = []
        while monday <= self.last:
            found.append(monday)
            monday += timedelta(days=7)
        return found

    def describe(self) -> str:
        return f"{self.first:%d %B %Y} to {self.last:%d %B %Y}"


def preset_period(preset: str, today: date) -> Period:
    """The 12 months up to today, or the last whole month, quarter or year before today."""
    if preset == "12-months":
        try:
            a_year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            a_year_ago = today.replace(year=today.year - 1, day=28)
        return Period(a_year_ago + timedelta(days=1), today)
    if preset == "month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if preset == "quarter":
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = quarter_start - timedelta(days=1)
        return Period(date(last.year, last.month - 2, 1), last)
    if preset == "year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    raise PeriodError(f"choose one of {', '.join(PRESETS)}", "preset")


def period_from(args: dict, today: date) -> Period:
    """From `from` and `to` (YYYY-MM-DD), or a preset; the default is the 12 months up to today."""
    first, last = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if not first and not last:
        return preset_period(args.get("preset") or DEFAULT_PRESET, today)
    days = {}
    for name, text in (("from", first), ("to", last)):
        try:
            days[name] = date.fromisoformat(text)
        except ValueError:
            raise PeriodError(f"give a date like 2026-04-01, not {text!r}" if text else "give a date", name) from None
        if not EARLIEST <= days[name] <= LATEST:
            raise PeriodError(f"give a date between {EARLIEST.year} and {LATEST.year}", name)
    if days["to"] < days["from"]:
        raise PeriodError("must not be before the start", "to")
    if (days["to"] - days["from"]).days > LONGEST_PERIOD_DAYS:
        raise PeriodError("a report covers at most three years", "to")
    return Period(days["from"], days["to"])


@dataclass
class Table:
    """One figure: a chart and an accessible table of the same numbers."""

    key: str
    title: str
    caption: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"  # bar, stacked, or none
    note: str = ""
    charted: int | None = None  # how many of the number columns the chart shows; None: all

    def has_figures(self) -> bool:
        """Whether any figure is more than nothing: a table of zeros and dashes says only "none"."""
        return any(isinstance(value, int | float) and value != 0 for row in self.rows for value in row[1:])

    def series(self) -> list[tuple[str, list]]:
        shown = self.columns[1:] if self.charted is None else self.columns[1:1 + self.charted]
        return [(name, [row[index + 1] for row in self.rows]) for index, name in enumerate(shown)]


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.title.lower()


def _inert(value):
    """A spreadsheet runs a cell that starts with = + - @ as a formula; names typed into the
    service (an officer's, a language) must stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_inert(value) for value in row] for row in table.rows)
    return out.getvalue()


def nearest_rank(fraction: float, count: int) -> int:
    """The 1-based rank of a percentile by the nearest-rank method: the smallest value with at
    least `fraction` of the values at or below it."""
    return max(1, math.ceil(fraction * count))


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def by_month(period: Period, counts: dict[tuple[str, str], int], kinds) -> list[list]:
    """[[month, count of each kind...]] for every month of the period, zeros included."""
    return [[month, *(counts.get((month, kind), 0) for kind in kinds)] for month in period.months()]


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def accepter_name(who: str, tier: int | None) -> str:
    return "a contact" if who == "contact" else f"tier {tier}" if tier else who


def split_by_week(spans: list[tuple[datetime, datetime]], period: Period, zone: ZoneInfo) -> list[list]:
    """[[week starting, hours]] of `spans`, cut at local Monday midnights."""
    mondays = period.weeks()
    bounds = [wall_clock_instant(monday, time(0), zone) for monday in [*mondays, mondays[-1] + timedelta(days=7)]]
    rows = []
    for monday, week_start, week_end in zip(mondays, bounds, bounds[1:], strict=False):
        seconds = sum(max(0.0, (min(b, week_end) - max(a, week_start)).total_seconds()) for a, b in spans)
        rows.append([f"{monday:%Y-%m-%d}", round(seconds / 3600, 1)])
    return rows
