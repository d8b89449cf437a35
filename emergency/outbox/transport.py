"""How a message leaves: one small interface per channel, and the set of transports in use.

A transport hands one message to one provider and returns the provider's id for it (None when
the provider gives none). It never touches the database: the sender calls it from the threads
of its pool with plain values. It raises SendFailed when the provider did not take the message.

Each transport names its `provider`: the outside system whose health its sends count towards
(`twilio`, `email` for the mail server), or `local` when nothing leaves the machine.

Channels and what carries them:
- SMS (`SmsTransport`): Twilio, with GOV.UK Notify while Twilio fails; or the local outbox;
- voice (`VoiceTransport`): Twilio, or the local outbox (Notify has no voice);
- email (`EmailTransport`): Notify, SMTP, or the local outbox;
- letters (`LetterTransport`): Notify's precompiled letters, or the local print queue (the
  console's page of letters waiting to be printed and posted by hand).
A transport that can be a channel's backup also has `probe()`: ask the provider whether it
answers, sending nothing.
"""
from dataclasses import dataclass
from typing import Protocol

import requests
from urllib3.exceptions import NewConnectionError

from emergency.outbox.local_transport import LocalTransport


class SendFailed(Exception):
    """The provider did not take the message.

    transient: it could not be reached, timed out or asked us to slow down, so the message waits
    and is tried again; otherwise it was refused (an invalid number, a rejected address) and
    trying again will not change that. opted_out: the number has opted out of texts.
    may_have_arrived: the request may have reached the provider although no answer came back (a
    read timeout), so the message must never be handed to another provider."""

    def __init__(self, message: str, *, transient: bool, code: int | None = None, opted_out: bool = False,
                 may_have_arrived: bool = False):
        super().__init__(message)
        self.transient, self.code, self.opted_out = transient, code, opted_out
        self.may_have_arrived = may_have_arrived


def may_have_arrived(error: BaseException | None) -> bool:
    """Whether a request that got no answer may still have reached the provider. Only a request
    that surely never left says no: a refused connection, a name not found, a connect timeout.
    A read timeout, or a connection dropped after sending, may have been acted on."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(error, requests.exceptions.ConnectionError) and error.args:
        return not isinstance(getattr(error.args[0], "reason", error.args[0]), NewConnectionError)
    return True


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


class LetterTransport(Protocol):
    provider: str

    def send_letter(self, pdf: bytes, reference: str, postage: str) -> str | None:
        """pdf: the whole letter, laid out for posting (emergency.plans.letter_layout)."""


@dataclass(frozen=True)
class Transports:
    """The transport for each channel. `reference` is the same for every try of one message.
    `sms_backup`, when set, carries texts while `sms` fails (emergency.outbox.failover)."""

    sms: SmsTransport
    voice: VoiceTransport
    email: EmailTransport
    sms_backup: SmsTransport | None = None
    letter: LetterTransport | None = None  # None: the local print queue

    @property
    def letters(self) -> LetterTransport:
        return self.letter or LocalTransport()

    def by_provider(self, provider: str):
        """The transport of this name in use (the texts' backup, say), or None."""
        return next((t for t in (self.sms, self.sms_backup, self.voice, self.email, self.letter)
                     if t is not None and t.provider == provider), None)
