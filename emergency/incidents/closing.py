"""Closing an incident: resolved or cancelled, with the checks a concept above incidents adds.
The caller commits."""
from datetime import timedelta

from emergency.errors import Conflict
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import LIVE_STATUSES, EventKind, IncidentStatus, PageStatus

SURVEY_AFTER = timedelta(days=1)


# Checks a concept above incidents adds (cover: not closed while cover is live); each raises
# a DomainError to refuse. Registered at start-up, so incidents imports none of them.
CLOSE_CHECKS: list = []


def resolve(incident: Incident, now, by: str, detail: str = "") -> Incident:
    if incident.status not in LIVE_STATUSES:
        raise Conflict(f"the incident is already {incident.status}", field="status")
    for check in CLOSE_CHECKS:
        check(incident)
    incident.status, incident.closed_at, incident.closed_by = IncidentStatus.RESOLVED, now, by
    incident.caller_update_at = None
    _close_open_pages(incident)
    # The carer of a plan's escalation is asked how it went a day later; the engine sends it
    # when due. A call or text handed to a person had no plan acted on: nobody to ask.
    incident.next_action_at = now + SURVEY_AFTER if incident.plan_snapshot is not None else None
    note(incident, now, EventKind.RESOLVED, f"by {by}" + (f": {detail}" if detail else ""))
    return incident


def cancel(incident: Incident, reason: str, now, by: str) -> Incident:
    if incident.status not in LIVE_STATUSES:
        raise Conflict(f"the incident is already {incident.status}", field="status")
    for check in CLOSE_CHECKS:
        check(incident)
    incident.status, incident.closed_at, incident.closed_by, incident.cancel_reason = IncidentStatus.CANCELLED, now, by, reason
    incident.next_action_at = incident.caller_update_at = None
    _close_open_pages(incident)
    note(incident, now, EventKind.CANCELLED, f"by {by}: {reason}")
    return incident


def _close_open_pages(incident: Incident) -> None:
    for page in incident.pages:
        if page.status == PageStatus.OPEN:
            page.status = PageStatus.CLOSED
