"""A burst of card texts over HTTP: N carers text their cards at once, and the time until every
plan's first contact has been handed to the provider, against a bare Flask app answering the same
N requests under the same gunicorn settings, both measured in one run (nothing asserts or exits
non-zero).

    .venv/bin/python bench/burst.py --database-url URL [--texts N] [--clients 16]

  bare:  a Flask app returning TwiML under gunicorn (gunicorn.conf.py, 2 workers); the time
         from the first of N requests to the last answer, 16 client threads.
  line:  N plans (one contact each, consent given, every number its own) seeded through the
         service; gunicorn (gunicorn.conf.py, 2 workers, the in-process scheduler as in
         production) pointed at a local Twilio stand-in that answers at once; N signed texts
         with a card number, each from its own number, 16 client threads. The time from the
         first text until the stand-in has received a first request for every plan's contact,
         and until the last webhook was answered.

Target: line <= 3x bare. Checked as well: every card opened exactly one incident,
every contact was asked exactly once (one page; at most one text and one call at the stand-in),
every webhook answered 200 with TwiML. The database must be empty: it is migrated and filled,
and left so.
"""
import argparse
import json
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
import requests  # noqa: E402
from escalation_engine import PLANS_CREATED_AT, payload  # noqa: E402
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
from sqlalchemy import func, select  # noqa: E402

from emergency.api.plan_schemas import PlanSchema  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.incidents.models import Incident, Page  # noqa: E402
from emergency.plans import service as plans  # noqa: E402

# Ofcom's drama numbers: 1,000 mobiles (07700 900xxx) and 1,000 landlines in each of these areas.
MOBILES = [f"+447700900{j:03d}" for j in range(1000)]
LANDLINE_PREFIXES = ["+44113496", "+44114496", "+44116496", "+44117496", "+44118496", "+44121496",
                     "+44131496", "+44141496", "+44151496", "+44161496", "+44191498", "+44207946", "+44292018"]
LANDLINES = [f"{prefix}0{j:03d}" for prefix in LANDLINE_PREFIXES for j in range(1000) if f"{prefix}0{j:03d}" != LINE]
DRAMA = MOBILES + LANDLINES
SEED_COMMIT_EVERY = 250


def numbers(count):
    """(contacts' numbers, texters' numbers), all distinct: contacts on the drama mobiles while
    they last and on landlines beyond (asked by call only), texters on landlines."""
    contacts = MOBILES[:count] + LANDLINES[:max(0, count - len(MOBILES))]
    texters = LANDLINES[len(contacts) - min(count, len(MOBILES)):][:count]
    if len(texters) < count:
        sys.exit(f"at most {len(DRAMA) // 2} texts: there are not enough drama numbers")
    return contacts, texters


class ProviderStandIn:
    """Twilio's REST API on a loopback port, answering at once, noting each request's kind
    (Messages or Calls), its To, when it arrived and the id given; GET lists the last ids."""

    def __init__(self):
        self.requests, self.lock = [], threading.Lock()
        self.prefix = f"{int(time.time() * 1000) % 10**12:012d}"
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                arrived = time.perf_counter()
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                kind = "call" if "/Calls" in self.path else "text"
                with stand_in.lock:
                    sid = f"{'CA' if kind == 'call' else 'SM'}{stand_in.prefix}{len(stand_in.requests) + 1:020d}"
                    stand_in.requests.append((kind, form.get("To", [""])[0], arrived, sid))
                self.answer(201, {"sid": sid, "status": "queued"})

            def do_GET(self):  # the last 500 ids handed out, for status callbacks (bench/locustfile.py)
                with stand_in.lock:
                    self.answer(200, [(sid, kind) for kind, _, _, sid in stand_in.requests[-500:]])

            def answer(self, status, content):
                body = json.dumps(content).encode()
                self.send_response(status)
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

    def first_arrivals(self, wanted):
        with self.lock:
            seen = {}
            for _, to, arrived, _ in self.requests:
                if to in wanted:
                    seen.setdefault(to, arrived)
            return seen


def seed(app, count, contacts, carers):
    """Card numbers of `count` active plans, plan i's carer on carers[i] and its one contact on
    contacts[i]."""
    schema, cards = PlanSchema(), []
    with app.app_context():
        for i in range(count):
            data = payload(i, 1)
            data["carer"].update(mobile=None, landline=carers[i])  # each carer texts from their own number
            kind = "mobile" if contacts[i].startswith("+447700900") else "landline"
            data["contacts"][0].update({"mobile": None, kind: contacts[i]})
            cards.append(plans.create_plan(schema.load(data), by=None, now=PLANS_CREATED_AT).card_number)
            if (i + 1) % SEED_COMMIT_EVERY == 0:
                db.session.commit()
                db.session.expunge_all()
        db.session.commit()
    return cards


def send_all(url, requests_to_send, clients):
    """Send every (form, headers) from `clients` threads; (first sent, last answered, latencies ms,
    bad answers)."""
    work = queue.Queue()
    for item in requests_to_send:
        work.put(item)
    latencies, bad, lock = [], [], threading.Lock()
    firsts, lasts = [], []
    start = threading.Barrier(clients)

    def client():
        mine, wrong, first, last = [], [], None, None
        with requests.Session() as session:
            start.wait()
            while True:
                try:
                    form, headers = work.get_nowait()
                except queue.Empty:
                    break
                sent = time.perf_counter()
                first = first or sent
                try:
                    response = session.post(url, data=form, headers=headers, timeout=120)
                    status, kind, body = response.status_code, response.headers.get("Content-Type", ""), response.text
                except requests.RequestException as error:
                    status, kind, body = None, "", str(error)
                last = time.perf_counter()
                mine.append((last - sent) * 1000)
                if status != 200 or not kind.startswith("text/xml") or "<Response>" not in body:
                    wrong.append((status, kind, body[:200]))
        with lock:
            latencies.extend(mine)
            bad.extend(wrong)
            if first:
                firsts.append(first)
                lasts.append(last)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return min(firsts), max(lasts), latencies, bad


def bare_run(app, count, clients):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare.py").write_text(BARE_APP.format(answer=help_answer(app)))
        port = free_port()
        process = start_gunicorn(["bare:app"], {}, port, cwd=folder, ready_path="/")
        try:
            time.sleep(1)
            items = [({"Body": f"card {i}"}, {}) for i in range(count)]
            first, last, latencies, bad = send_all(f"http://127.0.0.1:{port}/twilio/sms", items, clients)
        finally:
            stop(process)
    return last - first, latencies, bad


def line_run(database_url, app, count, clients, timeout):
    contacts, texters = numbers(count)
    started = time.perf_counter()
    cards = seed(app, count, contacts, texters)
    print(f"seeded {count} plans through the service in {time.perf_counter() - started:.1f} s (not counted)")
    stand_in = ProviderStandIn()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_FROM_NUMBER": LINE, "TWILIO_API_URL": stand_in.url, "PUBLIC_BASE_URL": base, "RUN_SCHEDULER": "1"}
    server = start_gunicorn(["wsgi:app"], env, port)
    try:
        time.sleep(3)  # the schedulers' first runs
        items = [signed_text(base, texters[i], f"Mum has had a fall, card {card}", f"SM{i:032d}")
                 for i, card in enumerate(cards)]
        first, last, latencies, bad = send_all(f"{base}/twilio/sms", items, clients)
        wanted, deadline = set(contacts), time.perf_counter() + timeout
        while True:
            arrivals = stand_in.first_arrivals(wanted)
            if len(arrivals) == count or time.perf_counter() > deadline:
                break
            time.sleep(0.05)
        time.sleep(2)  # any second ask for a contact would show up now
    finally:
        stop(server)
    handed = max(arrivals.values()) - first if arrivals else float("nan")
    calls = [a for kind, _, a, _ in stand_in.requests if kind == "call"]
    texts = [a for kind, _, a, _ in stand_in.requests if kind == "text"]
    print(f"stand-in: last text at {max(texts, default=first) - first:.2f} s, last call at "
          f"{max(calls, default=first) - first:.2f} s after the first card text")
    return {"answered": last - first, "handed": handed, "handed_count": len(arrivals), "latencies": latencies,
            "bad": bad, "stand_in": stand_in, "contacts": contacts}


def check(app, count, line):
    with app.app_context():
        per_plan = Counter(dict(db.session.execute(
            select(Incident.plan_id, func.count()).group_by(Incident.plan_id)).all()))
        pages = Counter(dict(db.session.execute(
            select(Page.phone, func.count()).where(Page.who == "contact").group_by(Page.phone)).all()))
    kinds = Counter((kind, to) for kind, to, _, _ in line["stand_in"].requests)
    contacts = line["contacts"]
    problems = []
    if len(per_plan) != count or any(n != 1 for n in per_plan.values()):
        problems.append(f"incidents: {len(per_plan)} plans with one, {sum(n > 1 for n in per_plan.values())} "
                        f"with more, of {count}")
    if any(pages.get(c) != 1 for c in contacts):
        problems.append(f"pages: {sum(pages.get(c) == 1 for c in contacts)} contacts asked once, "
                        f"{sum((pages.get(c) or 0) > 1 for c in contacts)} more than once, "
                        f"{sum(not pages.get(c) for c in contacts)} not at all")
    wanted = set(contacts)
    repeated = sum(n > 1 for (kind, to), n in kinds.items() if to in wanted)
    if repeated:
        problems.append(f"stand-in: {repeated} (contact, text or call) pairs requested more than once")
    if line["bad"]:
        problems.append(f"webhooks: {len(line['bad'])} answers not 200 TwiML, e.g. {line['bad'][0]}")
    by_kind = Counter(kind for kind, _, _, _ in line["stand_in"].requests)
    print(f"checks: {len(per_plan)} plans with an incident, {sum(per_plan.values())} incidents; "
          f"{sum(pages.values())} contact pages; stand-in requests {dict(by_kind)}; "
          f"{len(line['latencies'])} webhooks answered, {len(line['bad'])} not 200 TwiML")
    print("checks: " + ("all held" if not problems else "FAILED: " + "; ".join(problems)))
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--texts", type=int, default=1000, help="card texts in the burst (6000 for the larger target)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for every first ask")
    options = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    app = make_app(options.database_url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    n, clients = options.texts, options.clients
    print(f"\n== burst of {n} card texts, {clients} clients, gunicorn.conf.py, 2 workers ==")
    bare_seconds, bare_latencies, bare_bad = bare_run(app, n, clients)
    line = line_run(options.database_url, app, n, clients, options.timeout)
    ok = check(app, n, line)
    print(f"bare Flask: {n} answered in {bare_seconds:.2f} s ({n / bare_seconds:.0f}/s), median "
          f"{statistics.median(bare_latencies):.1f} ms, p99 {percentile(bare_latencies, 0.99):.1f} ms"
          + (f", {len(bare_bad)} bad" if bare_bad else ""))
    lat = line["latencies"]
    print(f"line: {n} webhooks answered in {line['answered']:.2f} s ({n / line['answered']:.0f}/s), median "
          f"{statistics.median(lat):.1f} ms, p99 {percentile(lat, 0.99):.1f} ms")
    print(f"line: first text -> every first contact handed to the provider: {line['handed']:.2f} s "
          f"({line['handed_count']} of {n} contacts reached)")
    ratio = line["handed"] / bare_seconds
    met = ratio <= 3 and line["handed_count"] == n and ok
    print(f"ratio {ratio:.1f}x the bare app (answered only: {line['answered'] / bare_seconds:.1f}x); "
          f"target <= 3x with every check held: {'met' if met else 'MISSED'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
