"""The port through which texts and calls leave, with its two transports: Twilio (the real
SDK) and the local outbox (no account: messages are logged and stay visible in the outbox)."""
import logging
import threading

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from emergency.redaction import redact_secret_links

log = logging.getLogger(__name__)
OPTED_OUT = 21610  # Twilio: the number texted STOP


class SendFailed(Exception):
    def __init__(self, message: str, *, transient: bool, code: int | None = None):
        super().__init__(message)
        self.transient, self.code = transient, code


class TwilioGateway:
    """The sender calls this from several threads at once: each thread gets its own SDK client
    (and so its own HTTP connection pool) unless an http_client is given to share."""

    def __init__(self, account_sid, auth_token, from_number, *, api_url=None, http_client=None, timeout=10):
        self.from_number = from_number
        self._make_client = lambda: self._client(account_sid, auth_token, api_url,
                                                 http_client or TwilioHttpClient(timeout=timeout))
        self._shared = self._make_client() if http_client is not None else None
        self._per_thread = threading.local()

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

    def send_sms(self, to: str, body: str, status_callback: str) -> str:
        return self._create(lambda: self.client.messages.create(
            to=to, from_=self.from_number, body=body, status_callback=status_callback))

    def start_call(self, to: str, twiml_url: str, status_callback: str) -> str:
        return self._create(lambda: self.client.calls.create(
            to=to, from_=self.from_number, url=twiml_url, status_callback=status_callback,
            status_callback_event=["initiated", "ringing", "answered", "completed"], timeout=30))

    @staticmethod
    def _create(call) -> str:
        try:
            return call().sid
        except TwilioRestException as error:
            transient = error.status >= 500 or error.status == 429
            raise SendFailed(f"Twilio {error.status} {error.code}: {error.msg}", transient=transient,
                             code=error.code) from None
        except (TwilioException, requests.RequestException, OSError) as error:
            raise SendFailed(f"no answer from Twilio: {error}", transient=True) from None


class LocalOutboxGateway:
    """No Twilio account: nothing leaves the machine. The outbox row is the message."""

    def send_sms(self, to: str, body: str, status_callback: str) -> str:
        # The outbox keeps the text; the log shows it with any secret link taken out.
        log.info("outbox (local): text to %s: %s", to, redact_secret_links(body))
        return "local"

    def start_call(self, to: str, twiml_url: str, status_callback: str) -> str:
        log.info("outbox (local): call to %s, script at %s", to, twiml_url)
        return "local"


def gateway_from_config(config):
    if config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"] and config["TWILIO_FROM_NUMBER"]:
        return TwilioGateway(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], config["TWILIO_FROM_NUMBER"],
                             api_url=config["TWILIO_API_URL"])
    return LocalOutboxGateway()
