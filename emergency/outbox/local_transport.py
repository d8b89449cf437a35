"""The transport with no provider: nothing leaves the machine. The outbox row is the message
(also at GET /api/v1/outbox), and the log shows it, with any secret link taken out. A letter
waits in the console's print queue until someone prints it and says it went in the post."""
import logging

from emergency.redaction import redact_secret_links

log = logging.getLogger(__name__)


class LocalTransport:
    """Carries texts, calls, emails and letters when no Twilio account, mail server or Notify key is set."""

    provider = "local"

    def send_sms(self, to: str, body: str, reference: str) -> str:
        log.info("outbox (local): text to %s: %s", to, redact_secret_links(body))
        return f"local-{reference}"

    def start_call(self, to: str, script_url: str, reference: str) -> str:
        log.info("outbox (local): call to %s, script at %s", to, script_url)
        return f"local-{reference}"

    def send_email(self, to: str, subject: str, body: str, reference: str) -> str:
        log.info("outbox (local): email to %s: %s", to, subject)
        return f"local-{reference}"

    def send_letter(self, pdf: bytes, reference: str, postage: str) -> str:
        log.info("outbox (local): letter %s (%s class) waiting in the print queue", reference, postage)
        return f"local-{reference}"
