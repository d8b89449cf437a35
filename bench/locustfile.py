"""A night on the line, for locust: carers texting their cards, contacts answering ACCEPT or
DECLINE, Twilio's status callbacks, coordinators' boards refreshing and API reads, mixed.

Run it through bench/night.py, which seeds a PostgreSQL database, starts the service and a Twilio
stand-in, and then runs locust headless with this file:

    .venv/bin/python bench/night.py --database-url URL [--users 16] [--run-time 60s]

or by hand against a server already running, with the file night.py writes (NIGHT_FILE: the
plans' cards and numbers, the Twilio auth token, a coordinator's login and an API token):

    NIGHT_FILE=night.json .venv/bin/locust -f bench/locustfile.py --headless -u 16 -r 16 -t 60s \\
        --host http://127.0.0.1:8000

Every request the line should answer with TwiML is failed if it does not; a status callback must
get 204, a page or an API read 200.
"""
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import requests
from locust import HttpUser, between, task
from twilio.request_validator import RequestValidator

NIGHT = json.loads(Path(os.environ["NIGHT_FILE"]).read_text())
VALIDATOR = RequestValidator(NIGHT["auth_token"])
MESSAGE_SIDS = itertools.count()
STAMP = int(time.time())
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def fresh_sid(prefix="SM"):
    return f"{prefix}{STAMP:010d}{os.getpid() % 10**6:06d}{next(MESSAGE_SIDS):016d}"


class Twilio(HttpUser):
    """Twilio delivering texts from carers and contacts, and reports on what the line sent."""

    weight = 6
    wait_time = between(0.5, 2)

    def on_start(self):
        self.texted = []  # plans whose cards this user has texted: their contacts answer
        self.stand_in = requests.Session()

    def signed(self, path, form, name, expected=200):
        headers = {"X-Twilio-Signature": VALIDATOR.compute_signature(f"{self.host}{path}", form)}
        with self.client.post(path, data=form, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != expected:
                response.failure(f"{response.status_code}, not {expected}")
            elif expected == 200 and "<Response" not in response.text:
                response.failure("not TwiML")

    def text(self, sender, body, name):
        form = {"MessageSid": fresh_sid(), "AccountSid": NIGHT["account_sid"], "From": sender,
                "To": NIGHT["line"], "Body": body, "NumMedia": "0"}
        self.signed("/twilio/sms", form, name)

    @task(2)
    def card_text(self):
        i = random.randrange(len(NIGHT["cards"]))
        self.texted.append(i)
        self.text(NIGHT["carers"][i], f"Mum has had a fall, card {NIGHT['cards'][i]}", "text: a card")

    @task(3)
    def contact_answers(self):
        if not self.texted:
            return
        i = random.choice(self.texted)
        self.text(NIGHT["contacts"][i], random.choice(("ACCEPT", "DECLINE", "ACCEPT on my way")),
                  "text: ACCEPT or DECLINE")

    @task(4)
    def status_callback(self):
        sent = self.stand_in.get(f"{NIGHT['stand_in']}/sent", timeout=10).json()
        if not sent:
            return
        sid, kind = random.choice(sent)
        if kind == "call":
            form = {"CallSid": sid, "CallStatus": random.choice(("ringing", "in-progress", "completed", "no-answer")),
                    "AccountSid": NIGHT["account_sid"]}
        else:
            form = {"MessageSid": sid, "MessageStatus": random.choice(("sent", "delivered", "delivered", "undelivered")),
                    "AccountSid": NIGHT["account_sid"], "SequenceNumber": str(random.randrange(1, 4))}
        self.signed("/twilio/status", form, f"status callback ({kind})", expected=204)


class Coordinator(HttpUser):
    """A coordinator with the board open: it reloads its list of incidents, and now and then
    the whole page."""

    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        page = self.client.get("/console/login", name="console: login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/console/login", name="console: log in", catch_response=True,
                              data={"username": NIGHT["username"], "password": NIGHT["password"], "csrf": token},
                              allow_redirects=False) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def page(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/console/login" in response.url:
                response.failure(f"{response.status_code} at {response.url}")

    @task(4)
    def board_list(self):
        self.page("/console/incidents/board-list?auto=1", "console: board list (reload)")

    @task(1)
    def board(self):
        self.page("/console/", "console: board")


class ApiReader(HttpUser):
    """Another system reading incidents and plans through the API."""

    weight = 1
    wait_time = between(1, 4)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {NIGHT['api_token']}"

    @task(3)
    def incidents(self):
        listed = self.client.get("/api/v1/incidents?status=open&page_size=20", name="api: open incidents")
        found = listed.json() if listed.status_code == 200 else []
        if found:
            self.client.get(f"/api/v1/incidents/{random.choice(found)['id']}", name="api: an incident")

    @task(1)
    def plan_by_card(self):
        self.client.get(f"/api/v1/plans/by-card/{random.choice(NIGHT['cards'])}", name="api: plan by card")

    @task(1)
    def plan_search(self):
        self.client.get("/api/v1/plans?name=hughes&page_size=20", name="api: plan search by name")
