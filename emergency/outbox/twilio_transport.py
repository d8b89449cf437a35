"""Texts and calls through Twilio (the real SDK), and what Twilio's status callbacks mean for
the outbox."""
import threading

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from emergency.outbox.delivery_reports import DeliveryReport, Outcome
from emergency.outbox.transport import SendFailed, may_have_arrived

OPTED_OUT = 21610  # Twilio: the number texted STOP
FAILED_STATUSES = {"failed", "undelivered", "busy", "no-answer", "canceled"}
# A text's statuses in the order they happen; calls' callbacks carry their own SequenceNumber.
MESSAGE_ORDER = {"accepted": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "undelivered": 4,
                 "failed": 4, "read": 5}


def twilio_configured(config) -> bool:
    return bool(config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"] and config["TWILIO_FROM_NUMBER"])


class TwilioTransport:
    """The SMS and voice transport. The sender calls it from the threads of its pool, which live
    as long as the process: each thread keeps its own SDK client, and so its own HTTP connections,
    unless an http_client is given to share."""

    provider = "twilio"

    def __init__(self, account_sid, auth_token, from_number, status_callback, *, api_url=None, http_client=None,
                 timeout=10):
        self.from_number, self.status_callback = from_number, status_callback
        self._make_client = lambda: self._client(account_sid, auth_token, api_url,
                                                 http_client or TwilioHttpClient(timeout=timeout))
        self._shared = self._make_client() if http_client is not None else None
        self._per_thread = threading.local()

    @classmethod
    def from_config(cls, config, *, http_client=None):
        """Twilio tells the line how each message fared at /twilio/status."""
        return cls(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], config["TWILIO_FROM_NUMBER"],
                   f"{config['PUBLIC_BASE_URL'].rstrip('/')}/twilio/status", api_url=config["TWILIO_API_URL"],
                   http_client=http_client)

    @staticmethod
    def _client(account_sid, auth_token, api_url, http_client):
        # TwilioHttpClient waits forever unless told otherwise: hence the timeout above.
        client = Client(account_sid, auth_token, http_client=http_client)
        if api_url:
            client.api.base_url = api_url.rstrip("/")
        return client

    @property
    def client(self):
        if self._shared is not None:
            return self._shared
        if not hasattr(self._per_thread, "client"):
            self._per_thread.client = self._make_client()
        return self._per_thread.client

    def send_sms(self, to: str, body: str, reference: str) -> str:
        return self._create(lambda: self.client.messages.create(
            to=to, from_=self.from_number, body=body, status_callback=self.status_callback))

    def start_call(self, to: str, script_url: str, reference: str) -> str:
        return self._create(lambda: self.client.calls.create(
            to=to, from_=self.from_number, url=script_url, status_callback=self.status_callback,
            status_callback_event=["initiated", "ringing", "answered", "completed"], timeout=30))

    def probe(self) -> None:
        """Whether Twilio answers, without sending anything: it is asked for the line's account."""
        self._create(lambda: self.client.api.v2010.account.fetch())

    @staticmethod
    def _create(call) -> str:
        try:
            return call().sid
        except TwilioRestException as error:
            transient = error.status >= 500 or error.status == 429
            # A gateway timeout may come after Twilio took the message.
            raise SendFailed(f"Twilio {error.status} {error.code}: {error.msg}", transient=transient,
                             code=error.code, opted_out=error.code == OPTED_OUT, may_have_arrived=error.status == 504) from None
        except requests.RequestException as error:
            raise SendFailed(f"no answer from Twilio: {error}", transient=True,
                             may_have_arrived=may_have_arrived(error)) from None
        except (TwilioException, OSError) as error:
            raise SendFailed(f"no answer from Twilio: {error}", transient=True, may_have_arrived=True) from None


def delivery_report(status: str, error_code: str | None, sequence: int | None) -> DeliveryReport:
    """A Twilio status callback (MessageStatus or CallStatus, ErrorCode, SequenceNumber) in the
    outbox's terms. A call that completed may have been answered by voicemail: only its ask knows."""
    if status in FAILED_STATUSES:
        outcome, why = Outcome.FAILED, status + (f" ({error_code})" if error_code else "")
    elif status == "delivered":
        outcome, why = Outcome.DELIVERED, None
    elif status == "completed":
        outcome, why = Outcome.CALL_ENDED, None
    else:
        outcome, why = Outcome.UNDER_WAY, None
    return DeliveryReport(provider_status=status, outcome=outcome,
                          order=sequence if sequence is not None else MESSAGE_ORDER.get(status, 0),
                          why=why, opted_out=error_code == str(OPTED_OUT))
