"""The incidents' vocabularies. Pure, so that the escalation policy can use them too; the
database stores their values."""
from enum import StrEnum


class IncidentStatus(StrEnum):
    OPEN = "open"  # people are being asked
    ACCEPTED = "accepted"  # someone is going
    RESOLVED = "resolved"  # closed: the cared-for person is safe
    CANCELLED = "cancelled"  # closed: a false alarm, with a reason
    EXHAUSTED = "exhausted"  # nobody accepted; on the console until a coordinator closes it
    # A call or text the line could not act on by itself (no card, an unknown card, a plan not
    # in use, a fault): nobody is asked automatically; a person calls back. Stays on the
    # console until a coordinator closes it.
    NEEDS_PERSON = "needs_person"


# Incidents a coordinator still has to watch.
LIVE_STATUSES = (IncidentStatus.OPEN, IncidentStatus.ACCEPTED, IncidentStatus.EXHAUSTED, IncidentStatus.NEEDS_PERSON)
# Live incidents with an escalation (a plan's contacts and the rota being asked, or done asking).
ESCALATING_STATUSES = (IncidentStatus.OPEN, IncidentStatus.ACCEPTED, IncidentStatus.EXHAUSTED)
CLOSED_STATUSES = (IncidentStatus.RESOLVED, IncidentStatus.CANCELLED)


class NeedsPersonReason(StrEnum):
    """Why the line could not act on a call or text by itself."""

    NO_CARD = "no_card"
    UNKNOWN_CARD = "unknown_card"
    UNREADABLE_CARD = "unreadable_card"  # a digit may be mistyped: the check digit fails
    PLAN_NOT_ACTIVE = "plan_not_active"
    FAULT = "fault"  # the line's software could not handle it


NEEDS_PERSON_WORDS = {
    NeedsPersonReason.NO_CARD: "no card number was given",
    NeedsPersonReason.UNKNOWN_CARD: "a card number the line does not know",
    NeedsPersonReason.UNREADABLE_CARD: "a card number that could not be read",
    NeedsPersonReason.PLAN_NOT_ACTIVE: "a card whose plan is not in use",
    NeedsPersonReason.FAULT: "a fault in the line's software",
}


class Origin(StrEnum):
    """How an incident reached the line."""

    SMS = "sms"
    VOICE = "voice"
    CONSOLE = "console"  # opened by a coordinator for a call taken outside the line


class AskChannels(StrEnum):
    """How a person is asked: the plan's or service's setting, an officer's preference, a page."""

    SMS = "sms"
    CALL = "call"
    BOTH = "both"


class Asked(StrEnum):
    """Who a page asked."""

    CONTACT = "contact"  # one of the plan's emergency contacts
    OFFICER = "officer"  # a duty officer on the rota
    FALLBACK = "fallback"  # the fallback number, rung when nobody accepted


class Stage(StrEnum):
    """Where an incident's escalation stands."""

    CONTACTS = "contacts"
    ROTA = "rota"
    DONE = "done"


class PageStatus(StrEnum):
    """One page: one ask to one person, answered with its code."""

    OPEN = "open"  # waiting for an answer
    ACCEPTED = "accepted"
    DECLINED = "declined"
    FAILED = "failed"  # no channel could reach the person
    NO_ANSWER = "no_answer"  # the call was not answered with a key press
    COVERED = "covered"  # someone else accepted first
    TOO_LATE = "too_late"  # accepted after someone else had
    CLOSED = "closed"  # the incident closed or moved on; superseded


class EventKind(StrEnum):
    """The kinds of line on an incident's timeline. The timeline is history for people; no
    state is read back from it."""

    OPENED = "opened"
    JOINED = "joined"  # another call or text for the same emergency
    NOTE = "note"
    NEEDS_PERSON = "needs a person"
    CALLERS_TEXT = "caller's text"
    CALLER_TOLD = "caller told"
    CALLER_RANG_AGAIN = "caller rang again"
    PERSON_TOLD = "duty officer told"  # a hand-over: whoever was told to call the caller back
    NOBODY_REACHED = "nobody reached"
    COORDINATORS_ALERTED = "coordinators alerted"
    ASKED = "asked"
    ACCEPTED = "accepted"
    LATE_ACCEPT = "late accept"
    DECLINED = "declined"
    FAILED = "failed"
    NO_ANSWER = "no_answer"
    DELIVERY_FAILED = "delivery failed"
    EXHAUSTED = "exhausted"
    DETAILS_VIEWED = "details viewed"
    PUT_THROUGH = "put through"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    SURVEY_SENT = "survey sent"
    SURVEY_ANSWERED = "survey answered"
    ENGINE_ERROR = "engine error"
