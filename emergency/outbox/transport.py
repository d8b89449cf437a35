"""How a message leaves: one small interface per channel, and the set of transports in use.

A transport hands one message to one provider and returns the provider's id for it (None when
the provider gives none). It never touches the database: the sender calls it from the threads
of its pool with plain values. It raises SendFailed when the provider did not take the message.

Each transport names its `provider`: the outside system whose health its sends count towards
(`twilio`, `email` for the mail server), or `local` when nothing leaves the machine.

Channels and what carries them:
- SMS (`SmsTransport`): Twilio, or the local outbox;
- voice (`VoiceTransport`): Twilio, or the local outbox;
- email (`EmailTransport`): SMTP, or the local outbox.
Another provider for a channel (GOV.UK Notify for texts and email, say, or a transport that
chooses between two providers by their health) implements the same interface; a letter
channel gets an interface of its own beside these, with a transport per way of posting.
"""
from dataclasses import dataclass
from typing import Protocol


class SendFailed(Exception):
    """The provider did not take the message.

    transient: it could not be reached, timed out or asked us to slow down, so the message waits
    and is tried again; otherwise it was refused (an invalid number, a rejected address) and
    trying again will not change that. opted_out: the number has opted out of texts."""

    def __init__(self, message: str, *, transient: bool, code: int | None = None, opted_out: bool = False):
        super().__init__(message)
        self.transient, self.code, self.opted_out = transient, code, opted_out


class SmsTransport(Protocol):
    provider: str

    def send_sms(self, to: str, body: str, reference: str) -> str | None: ...


class VoiceTransport(Protocol):
    provider: str

    def start_call(self, to: str, script_url: str, reference: str) -> str | None:
        """script_url: the line's own page that tells the provider what the call says."""


class EmailTransport(Protocol):
    provider: str

    def send_email(self, to: str, subject: str, body: str, reference: str) -> str | None: ...


@dataclass(frozen=True)
class Transports:
    """The transport for each channel. `reference` is the same for every try of one message."""

    sms: SmsTransport
    voice: VoiceTransport
    email: EmailTransport
