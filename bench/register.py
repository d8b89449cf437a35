"""The national register's targets: plan search, card lookup, the year's report, retention's daily run.

    .venv/bin/python bench/register.py --database-url postgresql+psycopg://user@host/empty_db
                                       [--plans 1000000] [--incidents 200000] [--searches 200]
                                       [--lookups 2000] [--report-runs 3] [--seeded]

PostgreSQL only. The database given must be empty: it is migrated and filled as bench/reports.py
fills it (plans with cared-for people and contacts, a year of incidents and their asks), plus
an outbox message for every ask, eight days of webhook replay records and 1,000 plans whose card
numbers pass the check digit. With --seeded the database was filled by an earlier run: it is
only migrated (the migrations' time is printed: new indexes are built then) and measured again.
Printed, with the load average at the start and the end (nothing asserts):

- plan search: the console's plan list (matches counted up to 1,000 and the first page of 50,
  as emergency/plans/listing.py reads them) for --searches different names, phones and postcodes of each
  kind; median, p99 and max;
- card lookup: the texting path's reading of a card number into a plan, --lookups times, each
  inside an open transaction, as on that path;
- the year's report: counted and kept (as overnight, on the day's first look, or by "Count
  again now"), then the whole print page and its chart images from the kept figures as a
  logged-in coordinator, --report-runs times each;
- retention's daily run: `retention.service.run` on a copy of the database (made with
  CREATE DATABASE ... TEMPLATE, not timed, dropped after), on the day after the seeded year with
  a one-year incident retention, so that one day's closed incidents, one day's outbox bodies
  and one day's replay records are due, as on any day of a register that has been running.
"""
import argparse
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
import reports as report_bench  # noqa: E402  the same seed as the report benchmark
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.plans import listing  # noqa: E402
from emergency.plans import service as plans  # noqa: E402
from emergency.plans.cards import damm_check_digit  # noqa: E402
from emergency.retention import service as retention  # noqa: E402
from emergency.retention.schedule import REDACTED_BODY, RetentionSchedule  # noqa: E402
from emergency.telephony import incoming_texts  # noqa: E402
from emergency.telephony.replies import card_candidates  # noqa: E402
from emergency.users import service as users  # noqa: E402

SURNAMES = ["hughes", "smith", "patel", "khan", "jones", "taylor", "brown", "wilson", "evans", "thomas"]
DISTRICTS = ["LS6", "LS7", "BD1", "LS1", "HX1", "WF1"]
CARDS = 1000
# The retention run's moment: the day after the seeded year, with incidents kept one year.
RETENTION_NOW = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)
RETENTION = RetentionSchedule(incident_years=1)

EXTRA_SEED = [
    # One text for every ask, sent when the ask was; bodies older than the outbox's 90 days were
    # redacted by the runs of the days before, save the one day now due.
    r"""INSERT INTO outbox_message (idempotency_key, channel, to_number, body, purpose, status, created_at, page_id,
         incident_id, attempts, sent_at, provider, provider_sequence)
       SELECT 'page:' || p.id || '\:sms', 'sms', p.phone,
         CASE WHEN p.sent_at < :redacted_before THEN :redacted ELSE 'Can you go to Carer 1? Reply ACCEPT ' || p.code END,
         'ask', 'delivered', p.sent_at, p.id, p.incident_id, 1, p.sent_at, 'twilio', -1
       FROM page p""",
    # Eight days of webhook replay records, 2,000 a day: one day past the seven kept.
    """INSERT INTO inbound_request (key, received_at, answer)
       SELECT 'sms:SM' || lpad(g::text, 32, '0'), TIMESTAMPTZ '2026-11-24 03:00Z' + g * INTERVAL '43.2 seconds', ''
       FROM generate_series(1, 16000) AS g""",
    # Card numbers that pass the check digit, for the texting path's lookup.
    "UPDATE contingency_plan SET card_number = :card WHERE id = :id",
]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def percentiles(times_ms: list[float]) -> str:
    ordered = sorted(times_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (f"median {statistics.median(ordered):7.1f} ms, p99 {p99:7.1f} ms, max {ordered[-1]:7.1f} ms"
            f" ({len(ordered)})"), p99


def card_plan_ids(plans_count: int) -> list[int]:
    return sorted(random.Random(3).sample(range(1, plans_count + 1), CARDS))


def card_for(plan_id: int) -> str:
    digits = f"9{plan_id:08d}"
    return digits + damm_check_digit(digits)


def seed_extra(plans_count: int) -> float:
    started = time.perf_counter()
    redacted_before = RETENTION_NOW - timedelta(days=91)
    db.session.execute(text(EXTRA_SEED[0]), {"redacted_before": redacted_before, "redacted": REDACTED_BODY})
    db.session.execute(text(EXTRA_SEED[1]))
    db.session.execute(text(EXTRA_SEED[2]), [{"card": card_for(plan_id), "id": plan_id}
                                              for plan_id in card_plan_ids(plans_count)])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return time.perf_counter() - started


def search_cases(plans_count: int, searches: int) -> dict[str, list[dict]]:
    rng = random.Random(11)
    ids = [rng.randint(1, plans_count) for _ in range(searches)]
    return {
        "a surname (a tenth of the plans)": [{"name": SURNAMES[i % len(SURNAMES)]} for i in range(searches)],
        "a carer's full name": [{"name": f"{SURNAMES[(i // 10) % 10]} {i}"} for i in ids],
        "a cared-for person's name": [{"name": f"person {i}.0"} for i in ids],
        "a carer's mobile": [{"phone": f"+4479{i:09d}"} for i in ids],
        "a contact's mobile": [{"phone": f"+4420{2 * i + 1:09d}"} for i in ids],
        "a full postcode": [{"postcode": f"{DISTRICTS[i % 6]} {i % 9}AB"} for i in ids],
        "a district": [{"postcode": DISTRICTS[i % 6]} for i in ids],
    }


def one_page(args: dict) -> str:
    """What the console's plan list reads for a search (its first page of 50)."""
    found = listing.one_page(plans.search_plans(**args), page=1, size=50, by_name="name" in args)
    return "too many to list" if found.too_broad else f"more than {found.found:,}" if found.more else f"{found.found:,}"


def time_search(plans_count: int, searches: int) -> dict[str, float]:
    p99s = {}
    for label, cases in search_cases(plans_count, searches).items():
        one_page(dict(cases[0]))  # warm the plan cache
        timings, found = [], []
        for args in cases:
            began = time.perf_counter()
            found.append(one_page(dict(args)))
            timings.append((time.perf_counter() - began) * 1000)
            db.session.rollback()
        line, p99s[label] = percentiles(timings)
        print(f"  search {label:34} {line}; found: {Counter(found).most_common(1)[0][0]}", flush=True)
    return p99s


def time_card_lookup(plans_count: int, lookups: int) -> float:
    rng = random.Random(5)
    cards = [card_for(plan_id) for plan_id in card_plan_ids(plans_count)]
    timings = []
    for _ in range(lookups):
        card = rng.choice(cards)
        # On the texting path the text's transaction is open by then (the texter's language is
        # read first): the connection's checkout, its ping and BEGIN are not the lookup's.
        db.session.execute(text("SELECT 1"))
        began = time.perf_counter()
        found = incoming_texts._plan_named(card_candidates(f"help card {card[:4]} {card[4:8]} {card[8:]}"))
        timings.append((time.perf_counter() - began) * 1000)
        assert found.plan is not None and found.plan.card_number == card, card
        db.session.rollback()
    line, p99 = percentiles(timings)
    print(f"  card lookup (a text's card number to its plan)  {line}", flush=True)
    return p99


def time_report_page(app, runs: int) -> float:
    """Counting the year's report (the overnight job, a first look of the day, or "Count again
    now"), then the print page and its charts read from the kept figures, as a coordinator sees them."""
    client = app.test_client()
    login_form = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', login_form).group(1)
    client.post("/console/login", data={"username": "reader", "password": report_bench.PASSWORD, "csrf": csrf})
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/").get_data(as_text=True)).group(1)
    period = {"from": report_bench.FIRST.isoformat(), "to": report_bench.LAST.isoformat()}
    counting, times, charts = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post("/console/reports/count-again", query_string=period, data={"csrf": csrf})
        counting.append(time.perf_counter() - started)
        assert response.status_code == 303, response.status_code
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/console/reports/print", query_string=period)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    addresses = re.findall(r'<img[^>]+src="([^"]+\.svg)"', response.get_data(as_text=True))
    started = time.perf_counter()
    for address in addresses:
        assert client.get(address).status_code == 200, address
    charts.append(time.perf_counter() - started)
    print(f"  the year's report, counted (and kept)  median {statistics.median(counting):.2f} s, "
          f"max {max(counting):.2f} s over {runs} counts", flush=True)
    print(f"  the year's report page (print view) from the kept figures  median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s over {runs} runs; its {len(addresses)} chart images {charts[0]:.2f} s in all",
          flush=True)
    return statistics.median(times)


def time_retention(database_url: str) -> float:
    """Retention's run on a copy, so that the seeded database can be measured again."""
    url = make_url(database_url)
    copy_name = f"{url.database}_retention"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}"'))
        connection.execute(text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{url.database}"'))
    try:
        copy_app = create_app(TestConfig(environ={"DATABASE_URL": url.set(database=copy_name).render_as_string(
            hide_password=False)}))
        with copy_app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            started = time.perf_counter()
            report = retention.run(RETENTION_NOW, RETENTION)
            seconds = time.perf_counter() - started
            db.engine.dispose()
        print(f"  retention's daily run  {seconds:.2f} s: " + "; ".join(report.lines()), flush=True)
        return seconds
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}"'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--plans", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--searches", type=int, default=200, help="different searches of each kind")
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--report-runs", type=int, default=3)
    parser.add_argument("--seeded", action="store_true", help="the database was filled by an earlier run")
    parser.add_argument("--only", choices=["search", "card", "report", "retention"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["search", "card", "report", "retention"])
    print(f"load average at the start: {load()}", flush=True)
    app = create_app(TestConfig(environ={"DATABASE_URL": args.database_url}))
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            sys.exit("bench/register.py seeds with PostgreSQL's generate_series: give a PostgreSQL URL")
        started = time.perf_counter()
        flask_migrate.upgrade()
        print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
        if not args.seeded:
            print(f"seeding {args.plans:,} plans and {args.incidents:,} incidents ...", flush=True)
            seconds = report_bench.seed(args.plans, args.incidents) + seed_extra(args.plans)
            print(f"seeded in {seconds:.1f} s", flush=True)
            coordinator = users.create_user("reader", "Bench", "coordinator", datetime.now(timezone.utc))
            users.set_password(coordinator, report_bench.PASSWORD)
            db.session.commit()
        counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("contingency_plan", "cared_for_person", "emergency_contact", "incident", "page",
                                "outbox_message")}
        print("rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()), flush=True)
        plans_count = counts["contingency_plan"]
        results = {}
        if "search" in only:
            p99s = time_search(plans_count, args.searches)
            results["plan search, the slowest kind's p99"] = (max(p99s.values()), 100, "ms")
        if "card" in only:
            results["card lookup p99"] = (time_card_lookup(plans_count, args.lookups), 5, "ms")
    if "report" in only:
        results["the year's report page"] = (time_report_page(app, args.report_runs), 2, "s")
    with app.app_context():
        db.engine.dispose()
    if "retention" in only:
        results["retention's daily run"] = (time_retention(args.database_url), 60, "s")
    for label, (figure, target, unit) in results.items():
        verdict = "met" if figure < target else "MISSED"
        print(f"target {label} < {target} {unit}: {figure:.{3 if unit == 's' else 1}f} {unit}, {verdict}")
    print(f"load average at the end: {load()}", flush=True)


if __name__ == "__main__":
    main()
