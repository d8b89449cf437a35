"""Cover's vocabularies. Pure; the database stores their values."""
from enum import StrEnum


class AskStatus(StrEnum):
    """One text to one provider asking it to cover."""

    WAITING = "waiting"  # one at a time: not sent yet, its turn comes if those before say no
    OPEN = "open"  # sent, waiting for ACCEPT or DECLINE
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"  # no answer in COVER_ASK_MINUTES
    COVERED = "covered"  # another provider accepted first, or cover was booked another way
    TOO_LATE = "too_late"  # accepted after another provider had
    CLOSED = "closed"  # withdrawn (the incident closed)


class AskMode(StrEnum):
    ONE_AT_A_TIME = "one_at_a_time"
    ALL_AT_ONCE = "all_at_once"


class BookedBy(StrEnum):
    TEXT = "text"  # a provider accepted an ask
    PHONE = "phone"  # an officer booked it by phone and recorded it


class CoverStatus(StrEnum):
    LIVE = "live"
    ENDED = "ended"


class Outcome(StrEnum):
    CARER_BACK = "carer_back"
    FAMILY_OR_FRIENDS = "family_or_friends"
    HOSPITAL = "hospital"
    LONGER_TERM_CARE = "longer_term_care"
    RESIDENTIAL_CARE = "residential_care"
    DIED = "died"
    OTHER = "other"  # with a note


OUTCOME_WORDS = {
    Outcome.CARER_BACK: "The carer is back",
    Outcome.FAMILY_OR_FRIENDS: "Family or friends took over",
    Outcome.HOSPITAL: "The cared-for person was admitted to hospital",
    Outcome.LONGER_TERM_CARE: "Longer-term care was arranged",
    Outcome.RESIDENTIAL_CARE: "Moved to residential care",
    Outcome.DIED: "The cared-for person died",
    Outcome.OTHER: "Other",
}


class EndedBy(StrEnum):
    CONSOLE = "console"
    PROVIDER = "provider"  # the provider texted DONE
    CARER = "carer"  # the carer texted HOME from their own mobile
