"""How fast the rota answers "who is on duty, per tier, at instant t", and how fast the
14-day gap report is.

    .venv/bin/python bench/rota_on_duty.py [--database-url URL] [--lookups N]

Builds the schema with the Alembic migrations, seeds a year of rota through the service
layer, then times:
  (a) calendar.on_duty_at, the pure function, on specs already in memory;
  (b) service.on_duty, database reads included, in one app context and one session;
  (c) service.gaps over 14 days.
Without --database-url it uses a fresh SQLite file in a temporary directory; a URL given
must point at an empty database (PostgreSQL, say), which it leaves filled.
"""
import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

# The editable install does not make `emergency` importable from a script outside the
# project root (it comes out as a namespace package), so put the root first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.clock import local_zone  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.rota import calendar  # noqa: E402
from emergency.rota import service as rota  # noqa: E402
from emergency.rota.localtime import wall_clock_instant  # noqa: E402
from emergency.rota.models import DutyOfficer  # noqa: E402
from emergency.users import service as users  # noqa: E402

SEED = 2026
YEAR_START = date(2026, 11, 30)  # a Monday: weekly turns count from here
YEAR_DAYS = 365
GAP_DAYS = 14
GAP_REPORTS = 50
WARM_UP_LOOKUPS = 50
WARM_UP_GAP_REPORTS = 3
OFFICERS = 30
OVERRIDES = 500

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = ("sat", "sun")
MON_TO_THU = ("mon", "tue", "wed", "thu")

# name, tier, days, starts, ends, officers taking turns (indexes into the 30), weeks per turn.
# Officers 0-13 are social workers (tier 1), 14-21 senior practitioners, 22-29 managers.
PATTERNS = [
    ("Nights, first call, north", 1, EVERY_DAY, clock(17), clock(9), [0, 1, 2, 3, 4, 5], 1),
    ("Nights, first call, south", 1, EVERY_DAY, clock(17), clock(9), [6, 7, 8, 9], 1),
    ("Weekend days, first call, north", 1, WEEKEND, clock(9), clock(17), [10, 11, 12], 1),
    ("Weekend days, first call, south", 1, WEEKEND, clock(9), clock(17), [13, 0, 6, 10], 1),
    ("Friday evenings, extra first call", 1, ("fri",), clock(17), clock(23), [11, 12, 13], 1),
    ("Nights, senior", 2, EVERY_DAY, clock(17), clock(9), [14, 15, 16, 17, 18], 1),
    ("Weekend days, senior", 2, WEEKEND, clock(9), clock(17), [19, 20, 21], 1),
    ("Weekday evenings, senior backup", 2, MON_TO_THU, clock(17), clock(22), [19, 20, 21, 14], 2),
    ("Weekend nights, senior backup", 2, WEEKEND, clock(20), clock(8), [15, 17, 21], 1),
    ("Nights, manager", 3, EVERY_DAY, clock(17), clock(9), [22, 23, 24, 25, 26, 27], 1),
    ("Weekend days, manager", 3, WEEKEND, clock(9), clock(17), [28, 29, 22], 1),
    ("Weeknights, manager backup", 3, ("mon", "tue", "wed", "thu", "fri"), clock(22), clock(7), [23, 25, 28, 29], 2),
]


def officer_mobile(index: int) -> str:
    # Ofcom drama ranges (020 7946 0xxx, 0113 496 0xxx): valid to phonenumbers, reach nobody.
    return f"+4420794600{index:02d}" if index < 15 else f"+4411349600{index:02d}"


def seed_rota(rng: random.Random, zone: ZoneInfo):
    """Officers, patterns and overrides through the service layer; returns the same rota
    as calendar specs, for the pure measurement."""
    now = wall_clock_instant(YEAR_START, clock(9), zone)
    coordinator = users.create_user("bench", "Bench Coordinator", "coordinator", now)
    officers = [
        rota.save_officer(None, {"name": f"Officer {i:02d}", "mobile": officer_mobile(i),
                                 "role": "social worker" if i < 14 else "senior practitioner" if i < 22 else "manager",
                                 "active": True, "contact_preference": "both"})
        for i in range(OFFICERS)
    ]

    pattern_specs = []
    for name, tier, days, starts, ends, turns, weeks in PATTERNS:
        officer_ids = [officers[i].id for i in turns]
        saved = rota.save_pattern(None, {"name": name, "tier": tier, "days": list(days), "starts": starts, "ends": ends,
                                         "officer_ids": officer_ids, "starts_on": YEAR_START, "ends_on": None,
                                         "rotate_every_weeks": weeks})
        pattern_specs.append(calendar.Pattern(id=saved.id, tier=tier, days=days, starts=starts, ends=ends,
                                              officer_ids=tuple(officer_ids), starts_on=YEAR_START,
                                              rotate_every_weeks=weeks))

    tier_pools = {tier: sorted({o for p in pattern_specs if p.tier == tier for o in p.officer_ids}) for tier in calendar.TIERS}
    override_specs = []
    kinds = Counter()
    for _ in range(OVERRIDES):
        # Overrides change one occurrence of a pattern: a swap for the whole shift (most
        # often), a second officer for it, or a few hours off in the middle of it.
        pattern = rng.choice(pattern_specs)
        day = YEAR_START + timedelta(days=rng.randrange(YEAR_DAYS))
        while calendar.WEEKDAYS[day.weekday()] not in pattern.days:
            day += timedelta(days=1)
        end_day = day + timedelta(days=1) if pattern.ends <= pattern.starts else day
        shift_start = wall_clock_instant(day, pattern.starts, zone)
        shift_end = wall_clock_instant(end_day, pattern.ends, zone)
        rostered = calendar.officer_for(pattern, day)
        someone_else = rng.choice([o for o in tier_pools[pattern.tier] if o != rostered])
        kind = rng.choices(["replace", "add", "remove"], weights=[6, 2, 2])[0]
        data = {"kind": kind, "tier": pattern.tier, "officer_id": someone_else, "replaces_officer_id": None,
                "starts_at": shift_start, "ends_at": shift_end, "note": "bench"}
        if kind == "replace":
            data["replaces_officer_id"] = rostered
        elif kind == "remove":
            data["officer_id"] = rostered
            data["starts_at"] = shift_start + timedelta(hours=1)
            data["ends_at"] = min(shift_start + timedelta(hours=4), shift_end)
        saved = rota.add_override(data, by=coordinator, now=now)
        kinds[kind] += 1
        override_specs.append(calendar.Override(id=saved.id, kind=saved.kind, tier=saved.tier,
                                                officer_id=saved.officer_id, starts_at=saved.starts_at,
                                                ends_at=saved.ends_at, replaces_officer_id=saved.replaces_officer_id))
    db.session.commit()
    return pattern_specs, override_specs, kinds


def timed(call, arguments) -> list[float]:
    """Milliseconds for call(a), each a in arguments."""
    times = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary_row(label: str, times: list[float]) -> str:
    percentiles = statistics.quantiles(times, n=100, method="inclusive")
    figures = (statistics.median(times), percentiles[89], percentiles[98], max(times))
    return f"{label:<34}{len(times):>6}" + "".join(f"{figure:>10.3f}" for figure in figures)


class StatementCounter:
    """Counts SQL statements sent to the database, by the first table they read."""

    def __init__(self, engine):
        self.tables = Counter()
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, _connection, _cursor, statement, *_args):
        found = re.search(r"\bFROM\s+(\w+)", statement, re.IGNORECASE)
        self.tables[found.group(1) if found else statement.split()[0]] += 1

    def during(self, call, *arguments) -> str:
        self.tables.clear()
        call(*arguments)
        listed = ", ".join(f"{count} {table}" for table, count in self.tables.most_common())
        return f"{self.tables.total()} ({listed})"


def officer_ids(on_duty: dict) -> dict:
    return {tier: tuple(officer.id for officer in officers) for tier, officers in on_duty.items()}


def run(database_url: str, lookups: int) -> None:
    app = create_app(TestConfig(environ={"DATABASE_URL": database_url}))
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(select(func.count()).select_from(DutyOfficer)):
            sys.exit(f"{database_url}: already has duty officers; give an empty database")
        zone = local_zone()
        rng = random.Random(SEED)
        pattern_specs, override_specs, kinds = seed_rota(rng, zone)

        year_start = wall_clock_instant(YEAR_START, clock(0), zone)
        instants = [year_start + timedelta(seconds=rng.uniform(0, YEAR_DAYS * 86400)) for _ in range(lookups)]
        gap_starts = [year_start + timedelta(seconds=rng.uniform(0, (YEAR_DAYS - GAP_DAYS) * 86400))
                      for _ in range(GAP_REPORTS)]
        warm_up = [year_start + timedelta(seconds=rng.uniform(0, YEAR_DAYS * 86400)) for _ in range(WARM_UP_LOOKUPS)]

        def pure(at):
            return calendar.on_duty_at(at, pattern_specs, override_specs, zone)

        def fortnight_of_gaps(start):
            return rota.gaps(start, start + timedelta(days=GAP_DAYS))

        # Warming up doubles as a check that both sides answer the same question.
        for at in warm_up:
            assert officer_ids(rota.on_duty(at)) == pure(at), f"service and pure disagree at {at}"
        for start in gap_starts[:WARM_UP_GAP_REPORTS]:
            fortnight_of_gaps(start)

        pure_times = timed(pure, instants)
        service_times = timed(rota.on_duty, instants)
        gap_times = timed(fortnight_of_gaps, gap_starts)

        counter = StatementCounter(db.engine)
        db.session.remove()
        on_duty_fresh = counter.during(rota.on_duty, instants[0])
        on_duty_reused = counter.during(rota.on_duty, instants[1])
        db.session.remove()
        gaps_fresh = counter.during(fortnight_of_gaps, gap_starts[0])
        gaps_reused = counter.during(fortnight_of_gaps, gap_starts[1])

        kind = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(db.engine.dialect.name, db.engine.dialect.name)
        server = db.engine.dialect.server_version_info or ()
        turns = sum(len(p.officer_ids) for p in pattern_specs)
        print(f"database: {kind} {'.'.join(map(str, server))} at {db.engine.url.render_as_string(hide_password=True)}")
        print(f"seed: {OFFICERS} officers; {len(pattern_specs)} patterns in tiers 1-3 ({turns} turns, 3-6 officers each); "
              f"{len(override_specs)} overrides ({', '.join(f'{n} {k}' for k, n in kinds.most_common())}) "
              f"over {YEAR_DAYS} days from {YEAR_START}")
        print("session: reused, one session for every service call (never removed or expired between calls); "
              "its identity map holds objects weakly, so rows the previous call let go of are read again")
        print("pure: given all the patterns and all the overrides of the year; the service reads only the overrides "
              "overlapping the instant")
        print()
        print(f"{'milliseconds':<34}{'count':>6}{'median':>10}{'p90':>10}{'p99':>10}{'max':>10}")
        print(summary_row("(a) calendar.on_duty_at (pure)", pure_times))
        print(summary_row("(b) service.on_duty", service_times))
        print(summary_row(f"(c) service.gaps, {GAP_DAYS} days", gap_times))
        print()
        print(f"service/pure, medians: {statistics.median(service_times) / statistics.median(pure_times):.1f}x")
        print()
        print("SQL statements per call (by the first table read):")
        print(f"  service.on_duty, fresh session:  {on_duty_fresh}")
        print(f"  service.on_duty, reused session: {on_duty_reused}")
        print(f"  service.gaps, fresh session:     {gaps_fresh}")
        print(f"  service.gaps, reused session:    {gaps_reused}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database to migrate and fill (default: SQLite in a temp dir)")
    parser.add_argument("--lookups", type=int, default=2000, help="on-duty lookups to time (default 2000)")
    args = parser.parse_args()
    if args.lookups < 2:
        parser.error("--lookups must be at least 2")
    if args.database_url:
        run(args.database_url, args.lookups)
    else:
        with tempfile.TemporaryDirectory(prefix="rota-bench-") as directory:
            run(f"sqlite:///{Path(directory) / 'rota.db'}", args.lookups)


if __name__ == "__main__":
    main()
