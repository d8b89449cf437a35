"""What the incidents board and an incident's page say about each incident, in words a person
reading at night understands: what is happening now, who is going or went, how it ended."""
from datetime import timedelta

from emergency.clock import local_zone
from emergency.cover.service import live_cover
from emergency.incidents.messages import who_and_where
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import LIVE_STATUSES, NEEDS_PERSON_WORDS, IncidentStatus, Origin, PageStatus, Stage
from emergency.phones import readable_phone

RECENTLY_CLOSED = timedelta(days=7)
CHANNELS = {Origin.SMS: "text", Origin.VOICE: "phone call", Origin.CONSOLE: "a coordinator"}
# (words on the tag, the tag's colour)
TAGS = {
    "asking": ("Asking", "govuk-tag--blue"),
    "going": ("Someone is going", "govuk-tag--green"),
    "needs a person": ("Needs a person", "govuk-tag--red"),
    "nobody told": ("Nobody could be told", "govuk-tag--red"),
    "nobody accepted": ("Nobody accepted", "govuk-tag--red"),
    "resolved": ("Resolved", "govuk-tag--grey"),
    "cancelled": ("Cancelled", "govuk-tag--grey"),
}
PAGE_ANSWERS = {
    PageStatus.OPEN: "waiting for an answer", PageStatus.ACCEPTED: "accepted", PageStatus.DECLINED: "declined",
    PageStatus.FAILED: "could not be reached", PageStatus.NO_ANSWER: "did not answer the call",
    PageStatus.COVERED: "told someone else is going", PageStatus.TOO_LATE: "accepted after someone else",
    PageStatus.CLOSED: "no longer asked",
}
ASKED_AS = {"contact": "plan contact", "officer": "duty officer", "fallback": "fallback number"}


def needs_a_person(incident: Incident) -> bool:
    return incident.status in (IncidentStatus.EXHAUSTED, IncidentStatus.NEEDS_PERSON) or nobody_was_told(incident)


def nobody_was_told(incident: Incident) -> bool:
    """The line could tell no person about it: critical until a coordinator closes it."""
    return incident.nobody_reached_at is not None and incident.status in LIVE_STATUSES


def _local(at) -> str:
    return at.astimezone(local_zone()).strftime("%a %d %b %H:%M") if at else ""


def _closing_note(incident: Incident) -> str:
    """What the coordinator wrote when resolving it, as the timeline has it ("by cora: ...")."""
    detail = next((event.detail for event in reversed(incident.events) if event.kind == "resolved"), "")
    return detail.partition(": ")[2].strip().rstrip(".")


def state(incident: Incident) -> str:
    if incident.status == IncidentStatus.RESOLVED:
        return "resolved"
    if incident.status == IncidentStatus.CANCELLED:
        return "cancelled"
    if nobody_was_told(incident):
        return "nobody told"
    if incident.status == IncidentStatus.EXHAUSTED:
        return "nobody accepted"
    if incident.status == IncidentStatus.NEEDS_PERSON:
        return "needs a person"
    if incident.status == IncidentStatus.ACCEPTED:
        return "going"
    return "asking"


def happening(incident: Incident) -> str:
    """One sentence: what is happening now, or, once closed, who went and how it ended."""
    accepter = incident.accepted_page
    went = f"{accepter.name} went" if accepter else "Nobody from the line went"
    match state(incident):
        case "resolved":
            note = _closing_note(incident)
            return (f"{went}. Resolved by {incident.closed_by} on {_local(incident.closed_at)}: the person is safe"
                    + (f". {note[:1].upper()}{note[1:]}" if note else "") + ".")
        case "cancelled":
            return (f"Cancelled by {incident.closed_by} on {_local(incident.closed_at)} as a false alarm: "
                    f"{incident.cancel_reason}." + (f" {accepter.name} had accepted." if accepter else ""))
        case "nobody accepted":
            return "Nobody accepted: call round yourself, then close it here."
        case "nobody told":
            return "NOBODY COULD BE TOLD: call them back yourself, then close it here."
        case "needs a person":
            reason = NEEDS_PERSON_WORDS.get(incident.needs_person_reason)
            return f"The line could not act on its own: {reason}." if reason else "The line could not act on its own."
        case "going":
            return f"{accepter.name if accepter else 'Someone'} accepted at {_local(incident.accepted_at)} and is going."
    if incident.stage == Stage.CONTACTS:
        return "Asking the plan's emergency contacts."
    return f"Asking the duty officers (round {incident.rota_round} of {incident.rounds})."


def row(incident: Incident) -> dict:
    snapshot = incident.plan_snapshot
    carer, cared_for, district = who_and_where(snapshot) if snapshot else ("", "", "")
    accepter = incident.accepted_page
    text, colour = TAGS[state(incident)]
    return {
        "incident": incident,
        "who": f"{cared_for} (carer {carer}), {district}" if snapshot else "No plan found",
        "tag": text, "tag_class": colour, "doing": happening(incident),
        "by": CHANNELS.get(incident.channel, incident.channel),
        "caller": incident.caller_number, "caller_shown": readable_phone(incident.caller_number),
        "going": accepter.name if accepter and incident.status == IncidentStatus.ACCEPTED else None,
        "going_phone": accepter.phone if accepter else None,
        "going_phone_shown": readable_phone(accepter.phone) if accepter else "",
        "next_at": incident.next_action_at if incident.status == IncidentStatus.OPEN else None,
        "closed": incident.status in (IncidentStatus.RESOLVED, IncidentStatus.CANCELLED),
        "cover": live_cover(incident.id) if incident.status == IncidentStatus.ACCEPTED else None,
    }


def asked(page) -> dict:
    """One ask of an incident, for the incident's page."""
    role = ASKED_AS.get(page.who, page.who)
    if page.tier:
        role += f", tier {page.tier}, round {page.rota_round}"
    return {"page": page, "role": role, "answer": PAGE_ANSWERS.get(page.status, page.status),
            "phone_shown": readable_phone(page.phone),
            "by": {"sms": "text", "call": "call", "both": "text and call"}.get(page.channels, page.channels)}
