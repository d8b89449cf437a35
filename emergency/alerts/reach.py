"""How a person is reached: every way of alerting someone is chosen here, from the addresses
that person actually has. Pure: the opted-out numbers are passed in."""
from dataclasses import dataclass

from emergency.outbox.models import Channel


@dataclass(frozen=True)
class Addresses:
    """Where a person can be reached; either may be missing."""

    mobile: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Way:
    channel: Channel
    to: str


def ways_to_reach(person: Addresses, wanted, *, sms_blocked=frozenset(), urgent: bool = False) -> list[Way]:
    """The ways among `wanted` (channels) that this person's addresses allow: a text or a call
    needs a mobile, an email an address. A mobile that texted STOP gets no text; for an urgent
    alert it is called instead (the call reads the text out), since a call beats silence."""
    ways = []
    if person.mobile:
        can_text = Channel.SMS in wanted and person.mobile not in sms_blocked
        if can_text:
            ways.append(Way(Channel.SMS, person.mobile))
        if Channel.CALL in wanted or (Channel.SMS in wanted and not can_text and urgent):
            ways.append(Way(Channel.CALL, person.mobile))
    if Channel.EMAIL in wanted and person.email:
        ways.append(Way(Channel.EMAIL, person.email))
    return ways
