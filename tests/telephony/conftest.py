"""Signed Twilio requests, and a recording stand-in for Twilio's REST API behind the real SDK."""
import dataclasses
import json
import threading
from collections import deque
from urllib.parse import urlencode

import pytest
import requests
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from urllib3.exceptions import MaxRetryError, NewConnectionError

from emergency.outbox.twilio_transport import TwilioTransport
from tests.scenarios.conftest import World

AUTH_TOKEN = "primary-auth-token"
OLD_AUTH_TOKEN = "secondary-auth-token"
LINE_NUMBER = "+441134960500"


def refused_connection(uri: str) -> requests.exceptions.ConnectionError:
    """What requests raises when nothing answers at the address: the request never left."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, uri, reason))


class TwilioStandIn(HttpClient):
    """Answers the SDK like Twilio's REST API would, records every request, and fails on
    demand: `fail_next(500)`, `fail_next("timeout")`, `fail_next(400, code=21610)`; with
    `kind="Messages"` or `"Calls"` only the next request of that kind fails (the sender sends
    several at once, so which comes first is not fixed). Safe to call from several threads."""

    def __init__(self):
        super().__init__(logger=None, is_async=False, timeout=10)
        self.requests, self._failures, self._count = [], deque(), 0
        self._lock = threading.Lock()

    def fail_next(self, status, code=None, kind=None):
        self._failures.append((status, code, kind))

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        with self._lock:
            self.requests.append({"method": method, "uri": uri, "data": dict(data or {}), "timeout": timeout,
                                  "thread": threading.current_thread()})
            failure = next((f for f in self._failures if f[2] is None or uri.endswith(f"/{f[2]}.json")), None)
            if failure is not None:
                self._failures.remove(failure)
            else:
                self._count += 1
                sid = self._count
        if failure is not None:
            status, code, _ = failure
            if status == "timeout":
                raise requests.exceptions.ReadTimeout("stand-in: no answer in time")
            return Response(status, json.dumps({"code": code or status, "message": "stand-in failure",
                                                "status": status, "more_info": ""}))
        kind = "CA" if uri.endswith("/Calls.json") else "SM"
        return Response(201, json.dumps({"sid": f"{kind}{sid:032d}", "status": "queued"}))

    def sent(self, kind="Messages"):
        return [r["data"] for r in self.requests if r["uri"].endswith(f"/{kind}.json")]


def twilio_account(app, stand_in):
    """The app's texts and calls go to the stand-in through the real SDK, as they would to Twilio."""
    app.config.update(TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_AUTH_TOKEN_SECONDARY=OLD_AUTH_TOKEN)
    account = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_FROM_NUMBER": LINE_NUMBER,
               "TWILIO_API_URL": "https://api.stand-in.test"}
    transport = TwilioTransport.from_config({**app.config, **account}, http_client=stand_in)
    outbox = app.extensions["outbox"]
    outbox.transports = dataclasses.replace(outbox.transports, sms=transport, voice=transport)
    return stand_in


@pytest.fixture
def twilio(app):
    return twilio_account(app, TwilioStandIn())


@pytest.fixture
def world(app, twilio):
    app.config["FALLBACK_PHONE_NUMBER"] = "+441134960000"
    return World(app)


class Phone:
    """Sends Twilio-shaped, signed webhook requests to the line."""

    def __init__(self, client, token=AUTH_TOKEN):
        self.client, self.token, self._sid = client, token, 0

    def post(self, path, form, token=None, signed=True):
        url = "https://line.example.org" + path
        headers = {}
        if signed:
            headers["X-Twilio-Signature"] = RequestValidator(token or self.token).compute_signature(url, form)
        return self.client.post(path, data=form, headers=headers)

    def text(self, sender, body, sid=None, **kwargs):
        self._sid += 1
        form = {"MessageSid": sid or f"SM{self._sid:032d}", "AccountSid": "AC" + "0" * 32, "From": sender,
                "To": LINE_NUMBER, "Body": body, "NumMedia": "0"}
        return self.post("/twilio/sms", form, **kwargs)

    def call_step(self, path, caller, digits=None, call_sid="CA" + "1" * 32, **extra):
        form = {"CallSid": call_sid, "AccountSid": "AC" + "0" * 32, "From": caller, "To": LINE_NUMBER,
                "CallStatus": "in-progress", **extra}
        if digits is not None:
            form["Digits"] = digits
        return self.post(path, form)


@pytest.fixture
def phone(client):
    return Phone(client)


def query(path, **params):
    return f"{path}?{urlencode(params)}"
