"""SQL expressions for local wall-clock time and durations, on PostgreSQL and SQLite alike.

PostgreSQL converts with its own time-zone database. SQLite has none, so the UTC offsets in
force across the period are worked out here, from zoneinfo, and applied by a CASE on the
stored UTC instant: a row just before a clock change and one just after get different offsets.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, case, cast, extract, func, literal

from emergency.db_types import UTCDateTime

# Clock changes sit on whole minutes; looking at each hour and then bisecting finds them.
_STEP = timedelta(hours=1)


def offset_changes(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[datetime, timedelta]]:
    """[(from this UTC instant on, this offset)], the first from `start`, covering [start, end)."""
    changes = [(start, start.astimezone(zone).utcoffset())]
    at = start
    while at < end:
        following = min(at + _STEP, end)
        if following.astimezone(zone).utcoffset() != changes[-1][1]:
            low, high = at, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append((high.replace(microsecond=0), high.astimezone(zone).utcoffset()))
        at = following
    return changes


@dataclass(frozen=True)
class LocalClock:
    """Builds local-time parts of a UTC timestamp column, for one dialect and period."""

    dialect: str
    zone: ZoneInfo
    start: datetime
    end: datetime

    def _local(self, column):
        if self.dialect == "postgresql":
            return func.timezone(self.zone.key, column)
        changes = offset_changes(self.start - timedelta(days=1), self.end + timedelta(days=1), self.zone)
        modifiers = [f"{int(offset.total_seconds()):+d} seconds" for _, offset in changes]
        if len(changes) == 1:
            modifier = literal(modifiers[0])
        else:
            modifier = case(
                *[(column < literal(at, UTCDateTime()), modifiers[index])
                  for index, (at, _) in enumerate(changes[1:])],
                else_=modifiers[-1],
            )
        return func.datetime(column, modifier)

    def _format(self, column, postgres_pattern: str, sqlite_pattern: str):
        local = self._local(column)
        if self.dialect == "postgresql":
            return func.to_char(local, postgres_pattern)
        return func.strftime(sqlite_pattern, local)

    def month(self, column):
        """'2026-03'"""
        return self._format(column, "YYYY-MM", "%Y-%m")

    def day(self, column):
        """'2026-03-29'"""
        return self._format(column, "YYYY-MM-DD", "%Y-%m-%d")

    def clock(self, column):
        """'17:05'"""
        return self._format(column, "HH24:MI", "%H:%M")

    def hour(self, column):
        if self.dialect == "postgresql":
            return cast(extract("hour", self._local(column)), Integer)
        return cast(func.strftime("%H", self._local(column)), Integer)

    def weekday(self, column):
        """0 is Sunday, on both databases."""
        if self.dialect == "postgresql":
            return cast(extract("dow", self._local(column)), Integer)
        return cast(func.strftime("%w", self._local(column)), Integer)


def seconds_between(dialect: str, earlier, later):
    if dialect == "postgresql":
        return cast(extract("epoch", later - earlier), Float)
    # Julian days carry float error; to the millisecond, a minute is exactly 60 s again.
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)
