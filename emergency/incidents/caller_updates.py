"""Texts to the person who called or texted: whether they can take one, the text itself, and
the "still looking" update while nobody has accepted. The caller commits."""
from datetime import timedelta

from flask import current_app
from phonenumbers import NumberParseException

from emergency.incidents import messages
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import Asked, EventKind, IncidentStatus, Origin
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.phones import is_mobile


def caller_can_be_texted(incident: Incident) -> bool:
    """Whoever texted can take a text; a voice caller only on a mobile."""
    number = incident.caller_number
    if not number:
        return False
    if incident.channel == Origin.SMS:
        return True
    try:
        return is_mobile(number)
    except NumberParseException:  # a number phonenumbers cannot parse: kept as sent, but not texted
        return False


def tell_caller(incident: Incident, now, what: str, body: str) -> bool:
    """A text to the person who called or texted, through the outbox and on the timeline,
    once per `what`. False when the caller cannot take texts."""
    if not caller_can_be_texted(incident):
        return False
    queue_message(key=f"incident:{incident.id}:caller:{what}", channel=Channel.SMS, to_number=incident.caller_number,
                  body=body, purpose=Purpose.CALLER_UPDATE, now=now, incident_id=incident.id)
    note(incident, now, EventKind.CALLER_TOLD, body)
    return True


def send_caller_update(incident: Incident, now) -> None:
    """The "still looking" text, every CALLER_UPDATE_MINUTES while nobody has accepted."""
    due, minutes = incident.caller_update_at, current_app.config["CALLER_UPDATE_MINUTES"]
    if incident.status != IncidentStatus.OPEN or due is None or due > now:
        return
    incident.caller_update_at = now + timedelta(minutes=minutes) if minutes else None
    people_asked = len({page.phone for page in incident.pages if page.who != Asked.FALLBACK})
    tell_caller(incident, now, f"still-looking:{due:%Y%m%dT%H%M%S}",
                messages.caller_still_looking(incident.plan_snapshot, people_asked, incident.caller_language))
