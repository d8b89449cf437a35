"""The outbox as the app holds it (`app.extensions["outbox"]`): the transport for each channel,
chosen from the settings, the subscribers to delivery outcomes, and the sender's pool."""
from dataclasses import dataclass, field

from flask import current_app

from emergency.outbox.local_transport import LocalTransport
from emergency.outbox.outcomes import Outcomes
from emergency.outbox.sender_pool import SenderPool
from emergency.outbox.smtp_transport import SmtpTransport
from emergency.outbox.transport import Transports
from emergency.outbox.twilio_transport import TwilioTransport, twilio_configured


@dataclass
class Outbox:
    transports: Transports
    pool: SenderPool
    outcomes: Outcomes = field(default_factory=Outcomes)

    def close(self) -> None:
        self.pool.close()


def transports_from_config(config) -> Transports:
    """Twilio for texts and calls when its account is set, SMTP for email when SMTP_URL is;
    otherwise the local outbox, where messages stay."""
    local = LocalTransport()
    phone = TwilioTransport.from_config(config) if twilio_configured(config) else local
    email = SmtpTransport.from_config(config) if config["SMTP_URL"] else local
    return Transports(sms=phone, voice=phone, email=email)


def outbox_from_config(config) -> Outbox:
    return Outbox(transports_from_config(config), SenderPool(config["SENDER_POOL_SIZE"]))


def current_outbox() -> Outbox:
    return current_app.extensions["outbox"]
