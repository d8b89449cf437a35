"""A signed SMS that changes nothing (HELP, from a new number each time) against a bare Flask app,
16 clients, both under the same gunicorn settings and measured in one run (nothing asserts or
exits non-zero).

    .venv/bin/python bench/webhook.py --database-url URL [--seconds 10] [--rounds 2] [--clients 16]

Each round runs the line (gunicorn.conf.py, 2 workers, no scheduler, the given PostgreSQL) for S
seconds and then the bare app (the same TwiML, the same gunicorn.conf.py and workers) for S
seconds; the rounds alternate so that a change in the machine's load falls on both. Printed: each
round's throughput, median and p99, and over all rounds the line's throughput against the bare
app's and the line's p99. Targets: >= 0.5x and p99 < 50 ms.

Every request comes from a number not used before in the run (Ofcom drama numbers; after 13,999
requests they repeat, which the output says). The load generator shares the machine's cores.
The database must be empty or hold only this service's data: it is migrated, and each HELP leaves
its replay record.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
import requests  # noqa: E402
from burst import DRAMA  # noqa: E402
from line_speed import (  # noqa: E402
    ACCOUNT,
    BARE_APP,
    LINE,
    TOKEN,
    free_port,
    help_answer,
    make_app,
    percentile,
    signed_text,
    start_gunicorn,
    stop,
)

from emergency.extensions import db  # noqa: E402


class Senders:
    """A new number for every request in the run."""

    def __init__(self):
        self.next, self.lock = 0, threading.Lock()

    def take(self):
        with self.lock:
            self.next += 1
            return DRAMA[(self.next - 1) % len(DRAMA)], self.next

    def repeated(self):
        return max(0, self.next - len(DRAMA))


def hammer(url, make_request, seconds, clients):
    """(requests a second, latencies ms, answers that were not 200 TwiML)."""
    latencies, bad, lock = [], [], threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = []

    def client():
        mine, wrong = [], 0
        with requests.Session() as session:
            start.wait()
            while time.perf_counter() < stop_at[0]:
                form, headers = make_request()
                sent = time.perf_counter()
                response = session.post(url, data=form, headers=headers, timeout=60)
                mine.append((time.perf_counter() - sent) * 1000)
                wrong += response.status_code != 200 or "<Response>" not in response.text
        with lock:
            latencies.extend(mine)
            bad.append(wrong)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.perf_counter() + seconds)
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies, sum(bad)


def describe(label, rate, latencies, bad):
    return (f"{label:<11} {rate:6.0f} req/s, median {statistics.median(latencies):6.1f} ms, "
            f"p99 {percentile(latencies, 0.99):6.1f} ms" + (f", {bad} not 200 TwiML" if bad else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    options = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    app = make_app(options.database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    print(f"\n== signed HELP from a new number each time vs a bare Flask app: {options.clients} clients, "
          f"{options.rounds} rounds of {options.seconds} s each, gunicorn.conf.py, 2 workers ==")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": options.database_url, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_FROM_NUMBER": LINE, "TWILIO_API_URL": "http://127.0.0.1:9", "PUBLIC_BASE_URL": base,
           "RUN_SCHEDULER": "0"}
    senders, stamp = Senders(), int(time.time())

    def help_text():
        number, n = senders.take()
        return signed_text(base, number, "HELP", f"SM{stamp:010d}{n:022d}")

    line_all, bare_all, line_seconds, bare_seconds, bad = [], [], 0.0, 0.0, 0
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare.py").write_text(BARE_APP.format(answer=help_answer(app)))
        for round_ in range(1, options.rounds + 1):
            server = start_gunicorn(["wsgi:app"], env, port)
            try:
                rate, latencies, wrong = hammer(f"{base}/twilio/sms", help_text, options.seconds, options.clients)
            finally:
                stop(server)
            print(f"round {round_}: " + describe("line", rate, latencies, wrong))
            line_all += latencies
            line_seconds += len(latencies) / rate
            bad += wrong
            bare_port = free_port()
            process = start_gunicorn(["bare:app"], {}, bare_port, cwd=folder, ready_path="/")
            try:
                rate, latencies, wrong = hammer(f"http://127.0.0.1:{bare_port}/twilio/sms",
                                                lambda: ({"Body": "HELP"}, {}), options.seconds, options.clients)
            finally:
                stop(process)
            print(f"round {round_}: " + describe("bare Flask", rate, latencies, wrong))
            bare_all += latencies
            bare_seconds += len(latencies) / rate
    line_rate, bare_rate = len(line_all) / line_seconds, len(bare_all) / bare_seconds
    print("all rounds: " + describe("line", line_rate, line_all, bad))
    print("all rounds: " + describe("bare Flask", bare_rate, bare_all, 0))
    if senders.repeated():
        print(f"({senders.repeated()} requests came from a number used before in the run)")
    ratio, p99 = line_rate / bare_rate, percentile(line_all, 0.99)
    print(f"throughput {ratio:.2f}x the bare app's (target >= 0.5x): {'met' if ratio >= 0.5 else 'MISSED'}")
    print(f"line p99 {p99:.1f} ms (target < 50 ms; the bare app's p99 {percentile(bare_all, 0.99):.1f} ms): "
          f"{'met' if p99 < 50 else 'MISSED'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
