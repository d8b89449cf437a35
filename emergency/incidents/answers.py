"""Answers to a page: accept (first accept wins), decline, and failed delivery or an unanswered
call, which are as good as a decline for moving on. The caller commits."""
from sqlalchemy import select, update

from emergency import wakeup
from emergency.extensions import db
from emergency.incidents import messages
from emergency.incidents.caller_updates import caller_can_be_texted
from emergency.incidents.details_links import DETAILS_LINK_HOURS, new_details_link
from emergency.incidents.models import Incident, Page
from emergency.incidents.page_messages import queue_for_page
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import AskChannels, Asked, EventKind, IncidentStatus, PageStatus
from emergency.outbox import failover
from emergency.outbox.models import Channel, OutboxMessage, OutboxStatus, Purpose
from emergency.outbox.service import queue_message


def open_pages_for(phone: str) -> list[Page]:
    return list(db.session.scalars(select(Page).where(Page.phone == phone, Page.status == PageStatus.OPEN).order_by(Page.id)))


def page_for_reply(phone: str, code: str) -> Page | None:
    """The newest page sent to this number with this code."""
    return db.session.scalar(select(Page).where(Page.phone == phone, Page.code == code).order_by(Page.id.desc()))


def accept(page: Page, now) -> tuple[bool, str]:
    """First accept wins: a conditional update of the incident row decides. Returns (won,
    the accepter's name). The winner accepting again changes nothing."""
    if page.incident.accepted_page_id == page.id:
        return True, page.name
    won = db.session.execute(
        update(Incident)
        .where(Incident.id == page.incident_id, Incident.status.in_((IncidentStatus.OPEN, IncidentStatus.EXHAUSTED)))
        .values(status=IncidentStatus.ACCEPTED, accepted_page_id=page.id, accepted_at=now, next_action_at=None,
                caller_update_at=None, version=Incident.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    incident = page.incident
    db.session.refresh(incident)
    if not won:
        accepter = incident.accepted_page
        if page.status == PageStatus.OPEN:
            page.status, page.answered_at = PageStatus.TOO_LATE, now
        note(incident, now, EventKind.LATE_ACCEPT, f"{page.name} accepted after it was covered")
        name = accepter.name if accepter else None
        if page.channels in (AskChannels.SMS, AskChannels.BOTH):
            text = (messages.too_late_text(name, page.language) if name
                    else messages.no_longer_needed_text(page.language))
            queue_for_page(page, Channel.SMS, text, Purpose.TOO_LATE, now)
        return False, name
    page.status, page.answered_at = PageStatus.ACCEPTED, now
    note(incident, now, EventKind.ACCEPTED, f"{page.name} ({page.who}) accepted, code {page.code}")
    snapshot = incident.plan_snapshot
    for other in incident.pages:
        if other.id != page.id and other.status == PageStatus.OPEN:
            other.status = PageStatus.COVERED
            if other.channels in (AskChannels.SMS, AskChannels.BOTH) and other.who != Asked.FALLBACK:
                queue_for_page(other, Channel.SMS, messages.covered_text(snapshot, other.code, page.name, other.language),
                               Purpose.COVERED, now)
    if caller_can_be_texted(incident):
        body = messages.caller_confirmation(snapshot, page.name, incident.caller_language)
        queue_message(key=f"incident:{incident.id}:caller-confirmation", channel=Channel.SMS,
                      to_number=incident.caller_number, body=body, purpose=Purpose.CALLER_CONFIRMATION, now=now,
                      incident_id=incident.id)
        note(incident, now, EventKind.CALLER_TOLD, body)
    link = new_details_link(incident, page, now)
    queue_for_page(page, Channel.SMS, messages.accepter_details(snapshot, page.code, link, DETAILS_LINK_HOURS, page.language),
                   Purpose.DETAILS, now)
    return True, page.name


def decline(page: Page, now) -> None:
    _close_page(page, PageStatus.DECLINED, now, f"{page.name} declined")


def page_failed(page: Page, now, why: str, unanswered: bool = False) -> None:
    """A failed delivery or an unanswered call: as good as a decline for moving on."""
    _close_page(page, PageStatus.NO_ANSWER if unanswered else PageStatus.FAILED, now, f"{page.name}: {why}")


def channel_failed(message: OutboxMessage, now, why: str) -> None:
    """One channel of a page failed (a text undelivered, a call not taken). The page has failed
    once none of its channels can still reach the person; then the escalation moves on at once."""
    if message.page_id is None or message.purpose != Purpose.ASK:
        return
    page = db.session.get(Page, message.page_id)
    note(page.incident, now, EventKind.DELIVERY_FAILED, f"{message.channel} to {page.name}: {why}")
    others = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.page_id == page.id, OutboxMessage.purpose == Purpose.ASK, OutboxMessage.id != message.id)).all()
    # A call waiting while calls cannot be made will not reach them in time either.
    calls_down = any(other.channel == Channel.CALL for other in others) and failover.calls_cannot_be_made()
    if all(other.status in (OutboxStatus.FAILED, OutboxStatus.UNKNOWN)
           or (calls_down and other.channel == Channel.CALL and other.status in (OutboxStatus.PENDING, OutboxStatus.SENDING))
           for other in others):
        page_failed(page, now, why)


def _close_page(page: Page, status: PageStatus, now, detail: str) -> None:
    if page.status != PageStatus.OPEN:
        return
    page.status, page.answered_at = status, now
    incident = page.incident
    note(incident, now, EventKind(status), detail)
    # Nobody left to answer this step: move on at once rather than wait out the step.
    still_waiting = any(p.status == PageStatus.OPEN and p.step == incident.step for p in incident.pages)
    if incident.status == IncidentStatus.OPEN and page.step == incident.step and not still_waiting:
        incident.next_action_at = now
        wakeup.after_commit(wakeup.ENGINE)
