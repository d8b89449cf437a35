"""How long a backup and a restore take for 100,000 plans and 20,000 incidents, with pg_dump and
pg_restore as docs/backup-and-restore.md runs them.

    .venv/bin/python bench/restore.py --database-url postgresql+psycopg://user@host/empty_db
                                      [--plans N] [--incidents N] [--jobs K]

PostgreSQL only. The database given must be empty: it is migrated and filled as
bench/reports.py fills it (bulk INSERT ... SELECT FROM generate_series), plus a few incidents
opened through the service and mid-escalation, and left filled. A database of the same name with "_restored" added
is made on the same server for the restore (dropped first if it is there, and left there).
Printed, nothing asserted: the seed time; pg_dump's time and the dump's size; pg_restore's time
(one job, then --jobs K); ANALYZE's (pg_restore does not bring the planner's statistics); and
the time to start the service on the restored database, answer /health and run the engine's
first tick. pg_dump and pg_restore are those next to the server binaries tasks.py finds.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

import tasks  # noqa: E402
from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.incidents import engine, opening  # noqa: E402
from emergency.incidents.models import Incident  # noqa: E402
from emergency.plans.models import ContingencyPlan  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reports as report_bench  # noqa: E402  the same seed as the report benchmark

FALLBACK = "+441134960000"
NOW = datetime(2026, 12, 1, 22, tzinfo=timezone.utc)  # a Tuesday night: the rota is on


def open_incidents(count: int) -> int:
    """Incidents opened 11 minutes before NOW through the service, as a text would open them:
    their first asks are queued and their next step is due at the engine's first tick."""
    active = db.session.scalars(select(ContingencyPlan).where(ContingencyPlan.status == "active")
                                .order_by(ContingencyPlan.id.desc()).limit(count)).all()
    for plan in active:
        opening.open_incident(plan, caller_number="+447911123456", channel="sms", now=NOW - timedelta(minutes=11))
    db.session.commit()
    return db.session.scalar(select(func.count(Incident.id)).where(Incident.status == "open"))


def libpq_url(url) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def timed(cmd) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - started


def fresh_database(url) -> str:
    """An empty database beside the one of `url`, named with "_restored" added."""
    source = make_url(url)
    name = f"{source.database}_restored"
    admin = create_engine(source, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return source.set(database=name).render_as_string(hide_password=False)


def load() -> str:
    return "load average (1, 5, 15 min): " + ", ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--open", type=int, default=50, help="incidents left open, their next step due")
    parser.add_argument("--jobs", type=int, default=2, help="pg_restore --jobs for the second restore")
    args = parser.parse_args()
    bin_dir = tasks.find_postgres_bin_dir()
    if bin_dir is None:
        sys.exit("pg_dump and pg_restore not found (tasks.py looks in /usr/lib/postgresql/*/bin)")
    pg_dump, pg_restore = str(Path(bin_dir) / "pg_dump"), str(Path(bin_dir) / "pg_restore")
    print(load())

    app = create_app(TestConfig(environ={"DATABASE_URL": args.database_url, "FALLBACK_PHONE_NUMBER": FALLBACK}))
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            sys.exit("bench/restore.py backs up with pg_dump: give a PostgreSQL URL")
        flask_migrate.upgrade()
        print(f"seeding {args.plans:,} plans and {args.incidents:,} incidents ...", flush=True)
        seconds = report_bench.seed(args.plans, args.incidents)
        print(f"seeded in {seconds:.1f} s; {open_incidents(args.open)} incidents open with a step due")
        db.engine.dispose()

    with tempfile.TemporaryDirectory(prefix="restore-bench-") as directory:
        dump = Path(directory) / "line.dump"
        seconds = timed([pg_dump, "--format=custom", "--no-owner", "--file", str(dump), libpq_url(args.database_url)])
        print(f"pg_dump (custom format): {seconds:.1f} s, {dump.stat().st_size / 2**20:.1f} MiB")
        for jobs in (1, args.jobs):
            restored_url = fresh_database(args.database_url)
            seconds = timed([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}",
                             "--dbname", libpq_url(restored_url), str(dump)])
            print(f"pg_restore --jobs={jobs}: {seconds:.1f} s")
        print(load())

    started = time.perf_counter()
    analyze = create_engine(restored_url, isolation_level="AUTOCOMMIT")
    with analyze.connect() as connection:
        connection.execute(text("ANALYZE"))
    analyze.dispose()
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    restored = create_app(TestConfig(environ={"DATABASE_URL": restored_url, "FALLBACK_PHONE_NUMBER": FALLBACK}))
    health = restored.test_client().get("/health")
    with restored.app_context():
        handled = engine.tick(NOW)
        db.engine.dispose()
    print(f"service started on the restored database, /health {health.status_code}, first tick took "
          f"{handled} due steps: {time.perf_counter() - started:.1f} s")
    print(load())


if __name__ == "__main__":
    main()
