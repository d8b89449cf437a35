"""The line at speed: card to first ask, sending throughput, and the SMS webhook against a bare
Flask app, each measured once and printed (nothing asserts or exits non-zero).

    .venv/bin/python bench/line_speed.py --database-url URL [--only first-ask|sending|webhook]
                                         [--incidents N] [--messages N] [--seconds S]

  first-ask: gunicorn (2 workers, default settings: 5 s poll, in-process scheduler) on the given
             PostgreSQL; N signed texts with a card number, one every 0.3 s; the time from
             sending each text to a Twilio stand-in (a local HTTP server) receiving its first
             ask. Target p99 < 1 s.
  sending:   N messages queued, then send_due with the default pool against a stand-in that
             answers each request after 300 ms. Target >= 40 messages/s.
  webhook:   16 client threads for S seconds against gunicorn (gunicorn.conf.py, 2 workers) serving signed
             /twilio/sms "HELP" texts, then the same against a bare Flask app returning the same
             TwiML under the same gunicorn settings. Target: >= 0.5x its throughput, p99 < 50 ms.

The database must be empty: it is migrated and filled, and left so. The load generator runs on
the same machine as the servers, so on a small machine it takes CPU from them.
"""
import argparse
import dataclasses
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import requests  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.api.plan_schemas import PlanSchema  # noqa: E402
from emergency.clock import utc_now  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.outbox import sender  # noqa: E402
from emergency.outbox.service import queue_message  # noqa: E402
from emergency.outbox.twilio_transport import TwilioTransport  # noqa: E402
from emergency.plans import service as plans  # noqa: E402
from emergency.telephony.twiml import text_reply  # noqa: E402
from emergency.wording import phrase  # noqa: E402
from tests.conftest import plan_payload  # noqa: E402

ACCOUNT, TOKEN, LINE = "AC" + "0" * 32, "bench-auth-token", "+441134960500"
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class TwilioStandIn:
    """A local HTTP server answering Twilio's create calls, optionally after a delay, and
    noting when each request for each number arrived."""

    def __init__(self, delay=0.0):
        self.arrivals, self.delay, self._count, self._lock = {}, delay, 0, threading.Lock()
        self.prefix = f"{int(time.time() * 1000) % 10**12:012d}"  # ids unique across stand-ins
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                arrived = time.perf_counter()
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                with stand_in._lock:
                    stand_in._count += 1
                    sid = stand_in._count
                    stand_in.arrivals.setdefault(form["To"][0], arrived)
                if stand_in.delay:
                    time.sleep(stand_in.delay)
                body = json.dumps({"sid": f"SM{stand_in.prefix}{sid:020d}", "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def requests(self):
        return self._count


def make_app(database_url, **settings):
    environ = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
               "TWILIO_FROM_NUMBER": LINE, **settings}
    return create_app(TestConfig(environ=environ))


# The repository's gunicorn.conf.py (gthread workers, access log) for the line and the bare app
# alike, given by path since the bare app starts in a folder of its own.
GUNICORN_SETTINGS = ["--config", str(ROOT / "gunicorn.conf.py"), "--workers", "2"]


def start_gunicorn(args, env, port, cwd=ROOT, ready_path="/health"):
    process = subprocess.Popen([GUNICORN, *GUNICORN_SETTINGS, "--bind", f"127.0.0.1:{port}", *args], cwd=cwd,
                               env={**os.environ, "PYTHONPATH": str(ROOT), **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}{ready_path}", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(20)


def signed_text(base, sender, body, sid):
    form = {"MessageSid": sid, "AccountSid": ACCOUNT, "From": sender, "To": LINE, "Body": body, "NumMedia": "0"}
    return form, {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(f"{base}/twilio/sms", form)}


def seed_plans(app, count):

    cards = []
    with app.app_context():
        for i in range(count):
            payload = plan_payload(contacts=[{"name": f"Contact {i}", "relationship": "daughter",
                                              "mobile": f"020 7946 0{i:03d}",
                                              "consent": {"status": "given", "recorded_on": "2026-01-10"}}])
            plan = plans.create_plan(PlanSchema().load(payload), by=None, now=utc_now())
            cards.append((plan.card_number, f"+44207946{i:04d}"))  # the contact's number in E.164
        db.session.commit()
    return cards


def first_ask(database_url, count):
    print(f"\n== card to first ask: {count} texts through gunicorn (2 workers, default settings) ==")
    stand_in = TwilioStandIn()
    app = make_app(database_url)
    cards = seed_plans(app, count)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_FROM_NUMBER": LINE, "TWILIO_API_URL": stand_in.url, "PUBLIC_BASE_URL": base, "RUN_SCHEDULER": "1"}
    server = start_gunicorn(["wsgi:app"], env, port)
    try:
        time.sleep(2)  # the schedulers' first runs
        sent_at = {}
        with requests.Session() as session:
            for i, (card, contact) in enumerate(cards):
                form, headers = signed_text(base, f"+4411349603{i:02d}", f"Mum has had a fall, card {card}",
                                            f"SM{i:032d}")
                sent_at[contact] = time.perf_counter()
                assert session.post(f"{base}/twilio/sms", data=form, headers=headers).status_code == 200
                time.sleep(0.3)
        time.sleep(6)  # past one poll, so a missed nudge would still show up as a late figure
    finally:
        stop(server)
    waits = [(stand_in.arrivals[c] - sent_at[c]) * 1000 for c in sent_at if c in stand_in.arrivals]
    print(f"first asks received: {len(waits)} of {count}")
    if waits:
        p99 = percentile(waits, 0.99)
        print(f"text sent -> first ask at Twilio, ms: median {statistics.median(waits):.0f}, "
              f"p99 {p99:.0f}, max {max(waits):.0f}")
        print(f"target p99 < 1000 ms: {'met' if p99 < 1000 and len(waits) == count else 'MISSED'}")


def sending(database_url, count):
    print(f"\n== sending throughput: {count} messages, stand-in answering after 300 ms ==")
    stand_in = TwilioStandIn(delay=0.3)
    app = make_app(database_url)
    with app.app_context():
        now = utc_now()
        for i in range(count):
            queue_message(key=f"bench-send:{i}:{now.timestamp()}", channel="sms", to_number=f"+44207946{i:04d}",
                          body="Carers Emergency Line: bench", purpose="caller_update", now=now)
        db.session.commit()
        twilio = TwilioTransport(ACCOUNT, TOKEN, LINE, f"{app.config['PUBLIC_BASE_URL']}/twilio/status",
                                 api_url=stand_in.url)
        outbox = app.extensions["outbox"]
        outbox.transports = dataclasses.replace(outbox.transports, sms=twilio, voice=twilio)
        started, handed = time.perf_counter(), 0
        while handed < count:
            handed += sender.send_due(utc_now())
        elapsed = time.perf_counter() - started
        outbox.close()
    rate = count / elapsed
    print(f"pool {app.config['SENDER_POOL_SIZE']}: {count} handed over in {elapsed:.1f} s = {rate:.1f} messages/s "
          f"(stand-in saw {stand_in.requests()} requests)")
    print(f"target >= 40 messages/s: {'met' if rate >= 40 else 'MISSED'}")


def help_answer(app) -> str:
    """The TwiML the line answers HELP with (its words come from the catalog), for the bare app
    to give the same bytes."""
    with app.app_context():
        return text_reply(phrase("text.help"))


BARE_APP = '''
from flask import Flask, Response
app = Flask(__name__)
ANSWER = {answer!r}

@app.post("/twilio/sms")
def sms():
    return Response(ANSWER, mimetype="text/xml")
'''


def hammer(url, make_request, seconds, clients=16):
    latencies, stop_at, lock = [], time.perf_counter() + seconds, threading.Lock()

    def client(index):
        mine, n = [], 0
        with requests.Session() as session:
            while time.perf_counter() < stop_at:
                form, headers = make_request(index, n)
                started = time.perf_counter()
                response = session.post(url, data=form, headers=headers)
                mine.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
                n += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, percentile(latencies, 0.99), statistics.median(latencies)


def webhook(database_url, seconds):
    print(f"\n== SMS webhook vs a bare Flask app: 16 clients, {seconds} s each, gunicorn.conf.py, 2 workers ==")
    answer = help_answer(make_app(database_url))  # migrated already
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_FROM_NUMBER": LINE, "TWILIO_API_URL": "http://127.0.0.1:9", "PUBLIC_BASE_URL": base,
           "RUN_SCHEDULER": "0"}
    server = start_gunicorn(["wsgi:app"], env, port)
    stamp = int(time.time())
    try:
        line = hammer(f"{base}/twilio/sms", lambda i, n: signed_text(base, f"+44207946{i:04d}", "HELP",
                                                                     f"SM{stamp:010d}{i:02d}{n:020d}"), seconds)
    finally:
        stop(server)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare.py").write_text(BARE_APP.format(answer=answer))
        port = free_port()
        process = start_gunicorn(["bare:app"], {}, port, cwd=folder, ready_path="/")
        try:
            bare = hammer(f"http://127.0.0.1:{port}/twilio/sms", lambda i, n: ({"Body": "HELP"}, {}), seconds)
        finally:
            stop(process)
    print(f"line webhook: {line[0]:.0f} req/s, median {line[2]:.1f} ms, p99 {line[1]:.1f} ms")
    print(f"bare Flask:   {bare[0]:.0f} req/s, median {bare[2]:.1f} ms, p99 {bare[1]:.1f} ms")
    ratio = line[0] / bare[0]
    print(f"ratio {ratio:.2f}x; target >= 0.5x and p99 < 50 ms: "
          f"{'met' if ratio >= 0.5 and line[1] < 50 else 'MISSED'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--only", choices=("first-ask", "sending", "webhook"))
    parser.add_argument("--incidents", type=int, default=40)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=10)
    options = parser.parse_args()
    app = make_app(options.database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    if options.only in (None, "first-ask"):
        first_ask(options.database_url, options.incidents)
    if options.only in (None, "sending"):
        sending(options.database_url, options.messages)
    if options.only in (None, "webhook"):
        webhook(options.database_url, options.seconds)


if __name__ == "__main__":
    main()
