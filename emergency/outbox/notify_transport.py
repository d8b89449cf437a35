"""Texts, email and precompiled letters through GOV.UK Notify (its official client), and what
Notify's delivery receipts mean for the outbox.

Notify sends only through templates made in its admin: one text template whose body is
((body)) and one email template whose subject is ((subject)) and body ((body)) carry the
line's own words. Each message's `reference` goes with it, so that Notify can be asked later
whether it has a message (after a crash mid-send, say)."""
import io
import threading
import uuid

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from emergency.outbox.delivery_reports import DeliveryReport, Outcome
from emergency.outbox.transport import SendFailed, may_have_arrived

FAILED_STATUSES = {"permanent-failure", "temporary-failure", "technical-failure", "validation-failed",
                   "virus-scan-failed", "cancelled"}
# A letter Notify's printer has printed and sent off: for a letter, that is delivered.
LETTER_POSTED = "received"
# Notify's statuses in the order they happen; a receipt older than one applied changes nothing.
# Letters: pending-virus-check, accepted (being printed), then received (posted) or a failure.
STATUS_ORDER = {"created": 0, "pending-virus-check": 0, "sending": 1, "pending": 2, "accepted": 2, "sent": 3,
                "delivered": 4, LETTER_POSTED: 4, "permanent-failure": 4, "temporary-failure": 4,
                "technical-failure": 4}


def parse_api_key(key: str) -> tuple[str, str]:
    """(service id, secret) from a key as Notify shows it: {key name}-{service id}-{secret}."""
    service_id, secret = key[-73:-37], key[-36:]
    try:
        if len(key) < 75 or key[-74] != "-" or key[-37] != "-":
            raise ValueError
        uuid.UUID(service_id), uuid.UUID(secret)
    except ValueError:
        raise RuntimeError("NOTIFY_API_KEY is not a Notify API key: copy the whole key from Notify's API "
                           "integration page ({key name}-{service id}-{secret})") from None
    return service_id, secret


class NotifyTransport:
    """The SMS and email transport through Notify. The client is not safe to share between
    threads, so each of the sender's threads keeps its own (and its HTTP connections)."""

    provider = "notify"

    def __init__(self, api_key: str, *, sms_template_id: str | None, email_template_id: str | None,
                 base_url: str, sms_sender_id: str | None = None, timeout: float = 10):
        parse_api_key(api_key)
        self.sms_template_id, self.email_template_id, self.sms_sender_id = sms_template_id, email_template_id, sms_sender_id
        self._make_client = lambda: NotificationsAPIClient(api_key, base_url=base_url.rstrip("/"), timeout=timeout)
        self._per_thread = threading.local()

    @classmethod
    def from_config(cls, config):
        return cls(config["NOTIFY_API_KEY"], sms_template_id=config["NOTIFY_SMS_TEMPLATE_ID"],
                   email_template_id=config["NOTIFY_EMAIL_TEMPLATE_ID"], base_url=config["NOTIFY_BASE_URL"],
                   sms_sender_id=config["NOTIFY_SMS_SENDER_ID"])

    @property
    def client(self) -> NotificationsAPIClient:
        if not hasattr(self._per_thread, "client"):
            self._per_thread.client = self._make_client()
        return self._per_thread.client

    def send_sms(self, to: str, body: str, reference: str) -> str:
        return self._call(lambda: self.client.send_sms_notification(
            to, self.sms_template_id, {"body": body}, reference=reference, sms_sender_id=self.sms_sender_id))["id"]

    def send_email(self, to: str, subject: str, body: str, reference: str) -> str:
        return self._call(lambda: self.client.send_email_notification(
            to, self.email_template_id, {"subject": subject, "body": body}, reference=reference))["id"]

    def send_letter(self, pdf: bytes, reference: str, postage: str) -> str:
        return self._call(lambda: self.client.send_precompiled_letter_notification(
            reference, io.BytesIO(pdf), postage=postage))["id"]

    def status_of(self, provider_id: str) -> DeliveryReport:
        """How a message Notify took has fared, asked rather than waited for."""
        return delivery_report(self._call(lambda: self.client.get_notification_by_id(provider_id))["status"])

    def probe(self) -> None:
        """Whether Notify answers, without sending anything: it is asked for the text template."""
        self._call(lambda: self.client.get_template(self.sms_template_id))

    def find(self, reference: str) -> tuple[str, DeliveryReport] | None:
        """(Notify's id, how it has fared) for the message sent with this reference, or None if
        Notify has none: a hand-over cut off by a crash either reached Notify or never left."""
        found = self._call(lambda: self.client.get_all_notifications(reference=reference))["notifications"]
        return (found[0]["id"], delivery_report(found[0]["status"])) if found else None

    @staticmethod
    def _call(request):
        try:
            return request()
        except APIError as error:
            if error.response is None:  # no answer at all: the client says 503 for that
                cause = error.__cause__
                raise SendFailed(f"no answer from Notify: {cause}", transient=True,
                                 may_have_arrived=may_have_arrived(cause)) from None
            status = error.status_code
            # 401/403 is Notify refusing our key or clock, not the recipient: Notify cannot be used.
            transient = status >= 500 or status in (401, 403, 429)
            raise SendFailed(f"Notify {status}: {_said(error.message)}", transient=transient, code=status,
                             may_have_arrived=status == 504) from None


def _said(message) -> str:
    """Notify's errors come as [{"error": ..., "message": ...}]: their messages, in a line."""
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in message)
    return str(message)


def delivery_report(status: str) -> DeliveryReport:
    """A Notify delivery receipt's status in the outbox's terms."""
    if status in FAILED_STATUSES:
        outcome, why = Outcome.FAILED, f"Notify: {status}"
    elif status in ("delivered", LETTER_POSTED):
        outcome, why = Outcome.DELIVERED, None
    else:
        outcome, why = Outcome.UNDER_WAY, None
    return DeliveryReport(provider_status=status[:20], outcome=outcome, order=STATUS_ORDER.get(status, 4), why=why)
