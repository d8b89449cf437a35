"""The incidents' vocabularies. Pure, so that the escalation policy can use them too; the
database stores their values."""
from enum import StrEnum


class IncidentStatus(StrEnum):
    OPEN = "open"  # people are being asked
    ACCEPTED = "accepted"  # someone is going
    RESOLVED = "resolved"  # closed: the cared-for person is safe
    CANCELLED = "cancelled"  # closed: a false alarm, with a reason
    EXHAUSTED = "exhausted"  # nobody accepted; on the console until a coordinator closes it


# Incidents a coordinator still has to watch.
LIVE_STATUSES = (IncidentStatus.OPEN, IncidentStatus.ACCEPTED, IncidentStatus.EXHAUSTED)
CLOSED_STATUSES = (IncidentStatus.RESOLVED, IncidentStatus.CANCELLED)


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
