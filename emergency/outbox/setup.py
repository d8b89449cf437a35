"""The outbox as the app holds it (`app.extensions["outbox"]`): the transport for each channel,
chosen from the settings, the subscribers to delivery outcomes, and the sender's pool."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from emergency.outbox.local_transport import LocalTransport
from emergency.outbox.notify_transport import NotifyTransport
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
    # How long the texts' provider may fail every send before its backup carries them.
    failover_window: timedelta = timedelta(seconds=60)

    def close(self) -> None:
        self.pool.close()


def transports_from_config(config) -> Transports:
    """Twilio for texts and calls when its account is set, and GOV.UK Notify for texts while
    Twilio fails when NOTIFY_API_KEY is set too (Notify alone carries texts without Twilio).
    Email through Notify when its key is set, else SMTP when SMTP_URL is; letters through Notify
    when its key is set (unless LETTERS_VIA says print_queue). Otherwise the local outbox, where
    messages stay, and the console's print queue for letters."""
    local = LocalTransport()
    twilio = TwilioTransport.from_config(config) if twilio_configured(config) else None
    notify = NotifyTransport.from_config(config) if config["NOTIFY_API_KEY"] else None
    email = notify or (SmtpTransport.from_config(config) if config["SMTP_URL"] else local)
    letters_by_notify = notify is not None and config["LETTERS_VIA"] == "notify"
    return Transports(sms=twilio or notify or local, voice=twilio or local, email=email,
                      sms_backup=notify if twilio else None, letter=notify if letters_by_notify else local)


def outbox_from_config(config) -> Outbox:
    return Outbox(transports_from_config(config), SenderPool(config["SENDER_POOL_SIZE"]),
                  failover_window=timedelta(seconds=config["SMS_FAILOVER_SECONDS"]))


def current_outbox() -> Outbox:
    return current_app.extensions["outbox"]
