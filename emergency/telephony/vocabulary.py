"""The telephony vocabularies. Pure."""
from enum import StrEnum


class CallOutcome(StrEnum):
    """What a caller's keyed card number comes to."""

    OPENED = "opened"  # an escalation opened (or joined): the caller hears what happens next
    RETRY = "retry"  # not understood: the caller is asked once more
    CONNECT = "connect"  # the caller is put through to a person
