"""A mixed night under locust: seeds a database, starts the service and a Twilio stand-in, and
runs bench/locustfile.py headless against it (nothing asserts or exits non-zero).

    .venv/bin/pip install locust==2.47.0     # once: locust is not among the project's extras
    .venv/bin/python bench/night.py --database-url URL [--plans 500] [--users 16] [--spawn-rate 16]
                                    [--run-time 60s]

The database must be empty: it is migrated and filled (plans through the service, each carer on
a landline of their own and one contact on a drama mobile; a coordinator with a password and an
API token), and left so. gunicorn runs with gunicorn.conf.py, 2 workers and the in-process
scheduler, as in production, its Twilio pointed at a stand-in that answers at once. Locust's
summary is printed, with the machine's load average before and after.
"""
import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
from burst import LANDLINES, MOBILES, ProviderStandIn, seed  # noqa: E402
from line_speed import ACCOUNT, LINE, ROOT, TOKEN, free_port, make_app, start_gunicorn, stop  # noqa: E402

from emergency.clock import utc_now  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.users import service as users  # noqa: E402

LOCUST = str(ROOT / ".venv" / "bin" / "locust")


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--plans", type=int, default=500, help=f"at most {len(MOBILES)}")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--spawn-rate", type=int, default=16)
    parser.add_argument("--run-time", default="60s")
    options = parser.parse_args()
    count = min(options.plans, len(MOBILES))
    app = make_app(options.database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    contacts, carers = MOBILES[:count], LANDLINES[:count]
    cards = seed(app, count, contacts, carers)
    password = "bench " + secrets.token_urlsafe(12)
    with app.app_context():
        coordinator = users.create_user("night", "Night Coordinator", "coordinator", utc_now())
        users.set_password(coordinator, password)
        _, api_token = users.issue_token(coordinator, "night bench", utc_now())
        db.session.commit()
    stand_in = ProviderStandIn()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": options.database_url, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_FROM_NUMBER": LINE, "TWILIO_API_URL": stand_in.url, "PUBLIC_BASE_URL": base, "RUN_SCHEDULER": "1"}
    with tempfile.TemporaryDirectory() as folder:
        night_file = Path(folder, "night.json")
        night_file.write_text(json.dumps({
            "cards": cards, "carers": carers, "contacts": contacts, "auth_token": TOKEN, "account_sid": ACCOUNT,
            "line": LINE, "stand_in": stand_in.url, "username": "night", "password": password,
            "api_token": api_token}))
        server = start_gunicorn(["wsgi:app"], env, port)
        try:
            time.sleep(3)  # the schedulers' first runs
            print(f"{count} plans; locust: {options.users} users for {options.run_time} against {base}; "
                  f"load average before: {load_average()}", flush=True)
            subprocess.run([LOCUST, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(options.users),
                            "-r", str(options.spawn_rate), "-t", options.run_time, "--host", base, "--only-summary",
                            "--stop-timeout", "10"], env={**os.environ, "NIGHT_FILE": str(night_file)}, check=False)
        finally:
            stop(server)
    print(f"load average after: {load_average()}; the stand-in was asked for {len(stand_in.requests)} texts and calls")


if __name__ == "__main__":
    main()
