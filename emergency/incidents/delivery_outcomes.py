"""What the outbox's delivery outcomes mean for incidents. The outbox never imports incidents:
it calls what is subscribed here (see emergency.outbox.outcomes)."""
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents import answers, hand_over
from emergency.incidents.models import Incident, Page
from emergency.incidents.vocabulary import IncidentStatus, PageStatus
from emergency.outbox.models import OutboxMessage
from emergency.outbox.outcomes import Need, Outcomes

ASKING = ("ask", "fallback")
STILL_ASKING = (IncidentStatus.OPEN, IncidentStatus.EXHAUSTED)


def still_needed(message: OutboxMessage) -> Need | None:
    """An ask waiting for its provider is wanted for as long as its incident is still asking
    anyone, however long the outage; once the incident is closed it is never sent."""
    if message.purpose not in ASKING:
        return None
    if message.page_id is None:
        return Need(wanted=True, why="an ask")
    status = db.session.scalar(
        select(Incident.status).join(Page, Page.incident_id == Incident.id).where(Page.id == message.page_id))
    return Need(wanted=status in STILL_ASKING, why=f"the incident is {status}")


def unanswered_call(message: OutboxMessage) -> bool:
    """An ask's call that ended while the ask is still open reached no person: a key press
    would have answered it."""
    if message.purpose != "ask" or message.page_id is None:
        return False
    page = db.session.get(Page, message.page_id)
    return page is not None and page.status == PageStatus.OPEN


def delivery_failed(message: OutboxMessage, now, why: str) -> None:
    """A failed ask moves the escalation on; a hand-over that could not go is emailed instead."""
    answers.channel_failed(message, now, why)
    hand_over.could_not_go(message, now)


def waiting(message: OutboxMessage, now, why: str) -> None:
    """A hand-over the provider cannot take yet is not left waiting: it is emailed instead."""
    hand_over.could_not_go(message, now)


def call_held(message: OutboxMessage, now) -> None:
    """An ask's call that cannot be made for now is no reason to wait: if no other way of that
    ask can reach the person, the escalation moves on (the call still goes once calls can be
    made, while the incident is still asking)."""
    answers.channel_failed(message, now, "calls cannot be made just now")


def subscribe_to(outcomes: Outcomes) -> None:
    outcomes.subscribe(delivery_failed=delivery_failed, waiting=waiting, still_needed=still_needed,
                       unanswered_call=unanswered_call, call_held=call_held)
