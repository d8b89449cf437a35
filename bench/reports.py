"""How long the strategy group's report takes for a year with 100,000 plans and 20,000 incidents.

    .venv/bin/python bench/reports.py --database-url postgresql+psycopg://user@host/empty_db
                                      [--plans N] [--incidents N] [--runs K]

Target: "the report for a year with 100,000 plans and 20,000 incidents
renders in under 2 s on PostgreSQL". PostgreSQL only: the seed is bulk INSERT ... SELECT FROM
generate_series, done in seconds. The database given must be empty; it is migrated, filled
and left filled. Printed (nothing asserts): the seed time, then for K runs each the time of
build_report (every query) and of the whole report on one page (GET /console/reports/print as a
logged-in coordinator: queries, tables, the template) and of its chart images fetched one after another
(each counts only its own section's figures; a browser fetches several at once), median and max. The machine is shared:
compare medians, and expect noise.
"""
import argparse
import re
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime, timezone
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
from sqlalchemy import text  # noqa: E402

from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.reports import queries  # noqa: E402
from emergency.reports.figures import Period  # noqa: E402
from emergency.reports.service import build_report  # noqa: E402
from emergency.rota import service as rota  # noqa: E402
from emergency.users import service as users  # noqa: E402

FIRST, LAST = date(2025, 12, 1), date(2026, 11, 30)
PASSWORD = "bench password 1234"

SEED = [
    # Plans: 1 in 20 archived, 1 in 10 a draft; reviews due over two years; six districts, four languages;
    # ten surnames (a tenth of the register each); every carer's and contact's mobile its own.
    """INSERT INTO contingency_plan (id, card_number, status, carer_name, carer_mobile, carer_address_line1,
         carer_town, carer_postcode, carer_preferred_language, how_to_get_in, key_holders, instructions,
         review_due_on, created_at, updated_at, version, review_texts_opt_out)
       SELECT g, lpad(g::text, 10, '0'),
         CASE WHEN g % 20 = 0 THEN 'archived' WHEN g % 10 = 1 THEN 'draft' ELSE 'active' END,
         (ARRAY['Hughes','Smith','Patel','Khan','Jones','Taylor','Brown','Wilson','Evans','Thomas'])[1 + (g / 10) % 10]
           || ' ' || g, '+4479' || lpad(g::text, 9, '0'), '1 Street', 'Leeds',
         (ARRAY['LS6','LS7','BD1','LS1','HX1','WF1'])[1 + g % 6] || ' ' || (g % 9) || 'AB',
         (ARRAY['English','Polish','Urdu','Punjabi'])[1 + g % 4], '', '', '',
         DATE '2026-01-01' + (g % 730), TIMESTAMPTZ '2024-01-01 00:00Z' + (g % 1060) * INTERVAL '1 day'
           + (g % 86400) * INTERVAL '1 second',
         TIMESTAMPTZ '2024-01-01 00:00Z', 1, false
       FROM generate_series(1, :plans) AS g""",
    """INSERT INTO cared_for_person (plan_id, position, name, lives_with_carer, needs, conditions, medication,
         medication_location, allergies, mobility_needs, communication_needs, gp_name, gp_practice, other_care,
         routines, pets, can_be_left_alone)
       SELECT p.id, k, 'Person ' || p.id || '.' || k, true, '', '', '', '', '', '', '', '', '', '', '', '', false
       FROM contingency_plan p, generate_series(0, 1) AS k WHERE k = 0 OR p.id % 2 = 0""",
    """INSERT INTO emergency_contact (plan_id, position, name, relationship_to_carer, mobile, availability,
         holds_key, consent_status)
       SELECT p.id, k, 'Contact ' || p.id || '.' || k, 'friend', '+4420' || lpad((2 * p.id + k)::text, 9, '0'),
         '[]', false, (ARRAY['given','pending','refused'])[1 + (p.id + k) % 3]
       FROM contingency_plan p, generate_series(0, 1) AS k""",
    """INSERT INTO plan_version (plan_id, number, changed_at, changed_by, change, reason, snapshot, changes)
       SELECT id, 2, created_at + INTERVAL '200 days', 'bench', 'archived', '', '{}', '[]'
       FROM contingency_plan WHERE status = 'archived'""",
    """INSERT INTO plan_version (plan_id, number, changed_at, changed_by, change, reason, snapshot, changes)
       SELECT id, 3, created_at + INTERVAL '300 days', 'bench', 'reviewed', '', '{}', '[]'
       FROM contingency_plan WHERE id % 7 = 0""",
    """INSERT INTO duty_officer (id, name, mobile, role, active, contact_preference)
       SELECT g, 'Officer ' || g, '+44113496' || lpad((9000 + g)::text, 4, '0'), 'duty officer', true, 'both'
       FROM generate_series(1, 30) AS g""",
    # Incidents spread over the year: 1 in 10 cancelled, 1 in 10 exhausted, 1 in 10 still accepted, the rest resolved.
    """INSERT INTO incident (id, plan_id, plan_snapshot, caller_number, channel, status, opened_at, stage, next_contact,
         rota_round, next_tier, step, wait_seconds, rounds, channels, accepted_at, closed_at, survey_rating, version)
       SELECT g, 1 + (g * 7) % :plans, NULL, '+447911123456', (ARRAY['voice','sms','console'])[1 + g % 3],
         CASE g % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'exhausted' WHEN 2 THEN 'accepted' ELSE 'resolved' END,
         TIMESTAMPTZ '2025-12-01 00:00Z' + g * (365 * 86400 / :incidents) * INTERVAL '1 second', 'done', 0, 1, 1, 2,
         600, 3, 'both',
         CASE WHEN g % 10 >= 2 THEN TIMESTAMPTZ '2025-12-01 00:00Z'
           + (g * (365 * 86400 / :incidents) + 600 + g % 900) * INTERVAL '1 second' END,
         CASE WHEN g % 10 = 0 OR g % 10 >= 3 THEN TIMESTAMPTZ '2025-12-01 00:00Z'
           + (g * (365 * 86400 / :incidents) + 7200) * INTERVAL '1 second' END,
         CASE WHEN g % 10 >= 3 AND g % 3 = 0 THEN 1 + g % 5 END, 1
       FROM generate_series(1, :incidents) AS g""",
    """INSERT INTO page (id, incident_id, code, who, contact_index, officer_id, name, phone, channels, step, tier,
         rota_round, status, sent_at, answered_at)
       SELECT 3 * i.id, i.id, '100', 'contact', 0, NULL, 'Contact', '+447700900001', 'both', 1, NULL, NULL,
         'declined', i.opened_at + (30 + i.id % 60) * INTERVAL '1 second', i.opened_at + INTERVAL '300 seconds'
       FROM incident i
       UNION ALL
       SELECT 3 * i.id + 1, i.id, '101', 'officer', NULL, 1 + i.id % 30, 'Officer', '+441134969001', 'both', 2,
         1 + i.id % 3, 1, CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted' ELSE 'no_answer' END,
         i.opened_at + INTERVAL '600 seconds', COALESCE(i.accepted_at, i.opened_at + INTERVAL '900 seconds')
       FROM incident i
       UNION ALL
       SELECT 3 * i.id + 2, i.id, '102', 'fallback', NULL, NULL, 'Fallback', '+447700900900', 'call', 3, NULL, NULL,
         'closed', i.opened_at + INTERVAL '1800 seconds', NULL
       FROM incident i WHERE i.status = 'exhausted'""",
    "UPDATE incident SET accepted_page_id = 3 * id + 1 WHERE accepted_at IS NOT NULL",
    """INSERT INTO incident_event (incident_id, at, kind, detail)
       SELECT id, opened_at + INTERVAL '1800 seconds', 'exhausted', '' FROM incident WHERE status = 'exhausted'
       UNION ALL
       SELECT id, closed_at + INTERVAL '1 day', 'survey sent', '' FROM incident WHERE status = 'resolved'""",
    """INSERT INTO rota_pattern (id, name, tier, days, starts, ends, starts_on, rotate_every_weeks)
       VALUES (1, 'weeknights', 1, '["mon","tue","wed","thu"]', '17:00', '09:00', '2025-01-01', 1),
              (2, 'weekends', 1, '["sat","sun"]', '09:00', '09:00', '2025-01-01', 1),
              (3, 'seniors', 2, '["mon","tue","wed","thu","fri","sat","sun"]', '17:00', '09:00', '2025-01-01', 1)""",
    """INSERT INTO rota_pattern_turn (pattern_id, position, officer_id)
       SELECT 1 + (g - 1) % 3, (g - 1) / 3, g FROM generate_series(1, 30) AS g""",
]
SEQUENCES = ["contingency_plan", "duty_officer", "incident", "page", "rota_pattern"]


def seed(plans: int, incidents: int) -> float:
    started = time.perf_counter()
    for statement in SEED:
        db.session.execute(text(statement), {"plans": plans, "incidents": incidents})
    for table in SEQUENCES:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return time.perf_counter() - started


def time_each_query(period, now) -> Counter:
    """One more run of the report, with each query function (and the rota's gaps) timed."""
    spent: Counter = Counter()
    originals = {name: value for name, value in vars(queries).items()
                 if callable(value) and getattr(value, "__module__", "") == queries.__name__
                 and not name.startswith("_") and name != "Window"}
    originals["gaps"] = rota.gaps

    def timed(name, call):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return wrapper

    for name, call in originals.items():
        setattr(rota if name == "gaps" else queries, name, timed(name, call))
    try:
        build_report(period, now)
    finally:
        for name, call in originals.items():
            setattr(rota if name == "gaps" else queries, name, call)
        db.session.rollback()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = create_app(TestConfig(environ={"DATABASE_URL": args.database_url}))
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            sys.exit("bench/reports.py seeds with PostgreSQL's generate_series: give a PostgreSQL URL")
        flask_migrate.upgrade()
        print(f"seeding {args.plans:,} plans and {args.incidents:,} incidents ...", flush=True)
        print(f"seeded in {seed(args.plans, args.incidents):.1f} s")
        coordinator = users.create_user("reader", "Bench", "coordinator", datetime.now(timezone.utc))
        users.set_password(coordinator, PASSWORD)
        db.session.commit()
        counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("contingency_plan", "cared_for_person", "emergency_contact", "incident", "page")}
        print("rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
        period, now = Period(FIRST, LAST), datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
        service_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            report = build_report(period, now)
            service_times.append(time.perf_counter() - started)
            db.session.rollback()
        spent = time_each_query(period, now)
        print(f"one run: {sum(spent.values()) * 1000:.0f} ms in {len(spent)} query functions; " + ", ".join(
            f"{name} {seconds * 1000:.0f} ms" for name, seconds in spent.most_common()))
        incidents = sum(row[1] for row in report.table("fallback").rows[:1])
        print(f"the report's year: {period.describe()}; incidents opened in it: {incidents:,}")
    client = app.test_client()
    login_form = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', login_form).group(1)
    client.post("/console/login", data={"username": "reader", "password": PASSWORD, "csrf": csrf})
    page_times, chart_times = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        # The print view: every section's tables and charts on one page, the most the report shows at once.
        response = client.get("/console/reports/print", query_string={"from": FIRST.isoformat(), "to": LAST.isoformat()})
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        started = time.perf_counter()
        for address in re.findall(r'<img src="([^"]+\.svg[^"]*)"', response.get_data(as_text=True)):
            chart = client.get(unescape(address))
            assert chart.status_code == 200 and chart.mimetype == "image/svg+xml", address
        chart_times.append(time.perf_counter() - started)
    for label, times in (("build_report (queries)", service_times), ("whole page (queries, tables, HTML)", page_times),
                         ("its chart images, one after another", chart_times)):
        print(f"{label:36} median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} runs")
    verdict = "met" if statistics.median(page_times) < 2 else "MISSED"
    print(f"target (< 2 s for the page on PostgreSQL): {verdict}")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
