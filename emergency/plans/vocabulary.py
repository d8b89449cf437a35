"""The plans' vocabularies. Pure, so that the escalation policy and the reports can use them
too; the database stores their values."""
from enum import StrEnum


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"  # the only status the line acts on
    SUSPENDED = "suspended"
    ARCHIVED = "archived"


class ConsentStatus(StrEnum):
    """Whether a contact agreed to be named in a plan; a refused contact is never asked."""

    PENDING = "pending"
    GIVEN = "given"
    REFUSED = "refused"


class ConsentRequestStatus(StrEnum):
    """A text asking a contact to agree to be named in a plan."""

    OPEN = "open"  # waiting for AGREE or REFUSE
    AGREED = "agreed"
    REFUSED = "refused"
    CLOSED = "closed"  # no longer answerable (the contact's number changed)
