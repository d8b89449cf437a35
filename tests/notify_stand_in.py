"""A stand-in for GOV.UK Notify's API on a loopback port, built from Notify's documented v2 API,
for the real `notifications-python-client` to talk to over HTTP.

It checks every request's JSON Web Token as Notify does: HS256, `iss` the service id, `iat`
within 30 seconds of its clock, signed with the API key's secret (a key is
`{key name}-{service id}-{secret}`). It keeps what it is sent and answers:
- POST /v2/notifications/sms and /email: a template of that type, its placeholders filled;
- POST /v2/notifications/letter: a precompiled letter (base64 PDF and a reference), refused
  with Notify's 400 when it is not a PDF or a page is not A4 portrait;
- GET /v2/notifications/{id}, GET /v2/notifications?reference=...;
- GET /v2/template/{id}.
It checks that a phone number is a number, not that it is a UK mobile (the tests' numbers are
Ofcom drama numbers). `fail_next(status)` fails the next send. `hold(after=n)`: after the next
n sends, each send is taken (Notify has the message) but its answer is kept back until
`release()`, as when the answer is lost on its way back.
"""
import base64
import binascii
import dataclasses
import io
import json
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from emergency.outbox.notify_transport import NotifyTransport

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"carers-line-live-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = "9d751e0e-f929-4891-82a1-a3e1c3c18ee3"
EMAIL_TEMPLATE = "0f1d8f5b-6b7c-4a4e-8d3c-1c2a9e1f7a55"
SMS_SENDER = "5c6e1b0c-3f1d-4a1b-9a61-2b2a6f1e8c44"
INBOUND_NUMBER = "07700900500"
CALLBACK_TOKEN = "notify-callback-token-for-tests"
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")


class NotifyStandIn:
    def __init__(self, clock=lambda: time.time()):
        self.clock = clock
        self.notifications: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.refused: list[str] = []  # why each request without a good token was refused
        self._failures: list[int] = []
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self._held = threading.Condition(self._lock)
        self.held, self._hold_after = 0, 0
        self.down = False  # while True, every request gets a 503
        self.templates = {SMS_TEMPLATE: {"type": "sms", "subject": None, "body": "((body))"},
                          EMAIL_TEMPLATE: {"type": "email", "subject": "((subject))", "body": "((body))"}}
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.stand_in = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status: int):
        self._failures.append(status)

    def hold(self, after: int = 0):
        self._hold_after = len(self.notifications) + after
        self._open.clear()

    def release(self):
        self._open.set()

    def wait_until_held(self, count: int, timeout: float = 60) -> bool:
        """Until `count` answers are being kept back (a safety timeout, not a measure of anything)."""
        with self._held:
            return self._held.wait_for(lambda: self.held >= count, timeout)

    def texts(self) -> list[dict]:
        with self._lock:
            return [n for n in self.notifications if n["type"] == "sms"]

    def letters(self) -> list[dict]:
        with self._lock:
            return [n for n in self.notifications if n["type"] == "letter"]

    def set_status(self, notification: dict, status: str) -> None:
        """What Notify's printer has done with a letter (as its GET and callbacks then say)."""
        with self._lock:
            notification["status"] = status

    def emails(self) -> list[dict]:
        with self._lock:
            return [n for n in self.notifications if n["type"] == "email"]

    # What the handler asks of the stand-in.

    def check_token(self, header: str | None) -> str | None:
        """Why the request is refused, or None."""
        scheme, _, token = (header or "").partition(" ")
        if scheme != "Bearer" or not token:
            return "Unauthorized: authentication token must be provided"
        try:
            if jwt.get_unverified_header(token).get("alg") != "HS256":
                return "Invalid token: algorithm used is not HS256"
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError as error:
            return f"Invalid token: signature, api token not found ({error})"
        if claims.get("iss") != SERVICE_ID:
            return "Invalid token: service not found"
        if not isinstance(claims.get("iat"), int):
            return "Invalid token: iat field not provided"
        if abs(self.clock() - claims["iat"]) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def send(self, kind: str, body: dict) -> tuple[int, dict]:
        with self._lock:
            if self._failures:
                status = self._failures.pop(0)
                return status, _errors(status, "Exception" if status >= 500 else "BadRequestError", "stand-in failure")
        template = self.templates.get(body.get("template_id"))
        if template is None or template["type"] != kind:
            return 400, _errors(400, "BadRequestError", "Template not found")
        recipient_field = "phone_number" if kind == "sms" else "email_address"
        recipient = body.get(recipient_field)
        if not isinstance(recipient, str) or (kind == "sms" and not _PHONE.match(recipient)) or (
                kind == "email" and "@" not in recipient):
            return 400, _errors(400, "ValidationError", f"{recipient_field} Not a valid {recipient_field}")
        values = body.get("personalisation") or {}
        missing = [name for name in re.findall(r"\(\((\w+)\)\)", (template["subject"] or "") + template["body"])
                   if name not in values]
        if missing:
            return 400, _errors(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        at = datetime.fromtimestamp(self.clock(), tz=timezone.utc)
        notification = {"id": str(uuid.uuid4()), "type": kind, "to": recipient, "reference": body.get("reference"),
                        "template_id": body["template_id"], "sms_sender_id": body.get("sms_sender_id"),
                        "body": _fill(template["body"], values), "subject": _fill(template["subject"], values),
                        "status": "created", "received_at": at, "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        with self._lock:
            self.notifications.append(notification)
            keep_back = not self._open.is_set() and len(self.notifications) > self._hold_after
            if keep_back:
                self.held += 1
                self._held.notify_all()
        if keep_back:
            self._open.wait(60)
        content = {"body": notification["body"]}
        content.update({"from_number": INBOUND_NUMBER} if kind == "sms" else
                       {"subject": notification["subject"], "from_email": "carers.line@notifications.service.gov.uk"})
        return 201, {"id": notification["id"], "reference": notification["reference"], "content": content,
                     "uri": f"{self.url}/v2/notifications/{notification['id']}",
                     "template": {"id": body["template_id"], "version": 1,
                                  "uri": f"{self.url}/v2/template/{body['template_id']}"}}

    def letter(self, body: dict) -> tuple[int, dict]:
        with self._lock:
            if self._failures:
                status = self._failures.pop(0)
                return status, _errors(status, "Exception" if status >= 500 else "BadRequestError", "stand-in failure")
        reference, postage = body.get("reference"), body.get("postage", "second")
        if not isinstance(reference, str) or not reference:
            return 400, _errors(400, "ValidationError", "reference is a required property")
        if postage not in ("first", "second", "economy", "europe", "rest-of-world"):
            return 400, _errors(400, "ValidationError", "postage invalid. It must be first, second, economy, europe or "
                                                        "rest-of-world.")
        try:
            pdf = base64.b64decode(body.get("content") or "", validate=True)
            pages = PdfReader(io.BytesIO(pdf)).pages
            sizes = [(float(page.mediabox.width) * 25.4 / 72, float(page.mediabox.height) * 25.4 / 72) for page in pages]
        except (binascii.Error, PyPdfError, ValueError):
            return 400, _errors(400, "ValidationError", "Letter content is not a valid PDF")
        if not sizes or any(abs(width - 210) > 2 or abs(height - 297) > 2 for width, height in sizes):
            return 400, _errors(400, "ValidationError", "letter-not-a4-portrait-oriented")
        at = datetime.fromtimestamp(self.clock(), tz=timezone.utc)
        notification = {"id": str(uuid.uuid4()), "type": "letter", "to": None, "reference": reference,
                        "template_id": None, "postage": postage, "pdf": pdf, "body": None, "subject": None,
                        "status": "pending-virus-check", "received_at": at,
                        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        with self._lock:
            self.notifications.append(notification)
        return 201, {"id": notification["id"], "reference": reference, "postage": postage}

    def notification(self, notification_id: str) -> tuple[int, dict]:
        with self._lock:
            found = next((n for n in self.notifications if n["id"] == notification_id), None)
        if found is None:
            return 404, _errors(404, "NoResultFound", "No result found")
        return 200, _public(found)

    def search(self, query: dict) -> tuple[int, dict]:
        reference = query.get("reference", [None])[0]
        with self._lock:
            found = [_public(n) for n in reversed(self.notifications) if reference in (None, n["reference"])]
        return 200, {"notifications": found, "links": {"current": f"{self.url}/v2/notifications"}}

    def template(self, template_id: str) -> tuple[int, dict]:
        template = self.templates.get(template_id)
        if template is None:
            return 404, _errors(404, "NoResultFound", "No result found")
        return 200, {"id": template_id, "type": template["type"], "version": 1, "body": template["body"],
                     "subject": template["subject"], "name": f"Carers line free {template['type']}"}


def _fill(text: str | None, values: dict) -> str | None:
    return None if text is None else re.sub(r"\(\((\w+)\)\)", lambda m: str(values.get(m.group(1), "")), text)


def _public(notification: dict) -> dict:
    public = {"id": notification["id"], "reference": notification["reference"], "type": notification["type"],
              "status": notification["status"], "body": notification["body"], "subject": notification["subject"],
              "template": {"id": notification["template_id"], "version": 1}, "created_at": notification["created_at"]}
    if notification["type"] == "letter":
        public["postage"] = notification["postage"]
    else:
        public["phone_number" if notification["type"] == "sms" else "email_address"] = notification["to"]
    return public


def _errors(status: int, kind: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": kind, "message": message}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A sender's whole pool connects at once; the standard library's backlog of 5 would drop
    # some of those connections, which a real service's never does.
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet: pytest shows what matters
        pass

    def _answer(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        stand_in = self.server.stand_in
        stand_in.requests.append((self.command, self.path))
        if stand_in.down:
            self._answer(503, _errors(503, "Exception", "stand-in: down for maintenance"))
            return False
        refused = stand_in.check_token(self.headers.get("Authorization"))
        if refused:
            stand_in.refused.append(refused)
            self._answer(401 if refused.startswith("Unauthorized") else 403, _errors(403, "AuthError", refused))
        return refused is None

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if not self._authorised():
            return
        kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email",
                "/v2/notifications/letter": "letter"}.get(urlsplit(self.path).path)
        if kind is None:
            return self._answer(404, _errors(404, "NotFound", "Not found"))
        try:
            body = json.loads(raw)
        except ValueError:
            return self._answer(400, _errors(400, "BadRequestError", "Invalid JSON supplied in POST data"))
        stand_in = self.server.stand_in
        self._answer(*(stand_in.letter(body) if kind == "letter" else stand_in.send(kind, body)))

    def do_GET(self):
        if not self._authorised():
            return
        stand_in, parts = self.server.stand_in, urlsplit(self.path)
        if parts.path == "/v2/notifications":
            return self._answer(*stand_in.search(parse_qs(parts.query)))
        if match := re.fullmatch(r"/v2/notifications/([0-9a-f\-]{36})", parts.path):
            return self._answer(*stand_in.notification(match.group(1)))
        if match := re.fullmatch(r"/v2/template/([0-9a-f\-]{36})", parts.path):
            return self._answer(*stand_in.template(match.group(1)))
        self._answer(404, _errors(404, "NotFound", "Not found"))


NOTIFY_SETTINGS = {"NOTIFY_API_KEY": API_KEY, "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
                   "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE, "NOTIFY_SMS_SENDER_ID": SMS_SENDER,
                   "NOTIFY_CALLBACK_TOKEN": CALLBACK_TOKEN}


def notify_account(app, stand_in: NotifyStandIn, *, email=True, letters=False) -> NotifyStandIn:
    """The app's texts fail over to the stand-in, and its email goes there (unless email=False),
    and its letters (if letters=True), through the real Notify client, as they would to Notify."""
    app.config.update(NOTIFY_SETTINGS, NOTIFY_BASE_URL=stand_in.url, **({"LETTERS_VIA": "notify"} if letters else {}))
    notify = NotifyTransport.from_config(app.config)
    outbox = app.extensions["outbox"]
    outbox.transports = dataclasses.replace(outbox.transports, sms_backup=notify,
                                            **({"email": notify} if email else {}), **({"letter": notify} if letters else {}))
    return stand_in


@pytest.fixture
def notify_stand_in():
    stand_in = NotifyStandIn().start()
    try:
        yield stand_in
    finally:
        stand_in.stop()


class NotifyCallbacks:
    """What Notify posts to the line: received texts and delivery receipts, with the bearer token."""

    def __init__(self, client, token=CALLBACK_TOKEN):
        self.client, self.token = client, token

    def post(self, path, body, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}"} if (token or self.token) else {}
        return self.client.post(path, json=body, headers=headers)

    def text(self, sender: str, message: str, notify_id=None, **kwargs):
        """A text to the line's Notify inbound number; `sender` as Notify gives it (447700900123)."""
        body = {"id": notify_id or str(uuid.uuid4()), "source_number": sender, "destination_number": INBOUND_NUMBER,
                "message": message, "date_received": "2026-12-03T22:11:30.000000Z"}
        return self.post("/notify/received-text", body, **kwargs)

    def receipt(self, notification: dict, status: str, **kwargs):
        body = {"id": notification["id"], "reference": notification["reference"], "to": notification["to"] or "",
                "status": status, "created_at": notification["created_at"], "completed_at": notification["created_at"],
                "sent_at": notification["created_at"], "notification_type": notification["type"],
                "template_id": notification["template_id"], "template_version": 1}
        return self.post("/notify/delivery-receipt", body, **kwargs)
