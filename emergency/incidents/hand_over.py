"""Handing a call or text the line cannot act on by itself (no card, an unknown card, a plan
not in use, a fault) to a person: it is recorded as an incident that needs a person, and
people are told to call the caller back, each by every way their addresses allow:

- the duty officers on shift in the first staffed tier, by text (by call if their number
  texted STOP);
- with nobody on the rota, every coordinator and admin by text and email, as each has them,
  and the fallback number by a call that reads the message out (a caller on the phone is put
  through to the fallback instead);
- a hand-over that cannot go by phone (Twilio unreachable, a number refused) goes to the
  coordinators by email.

When no person at all can be told, that is critical: logged, counted, marked on the incident,
and shown on the console and /health until a coordinator closes it."""
import logging

from flask import current_app
from sqlalchemy import select

from emergency.alerts import service as alerts
from emergency.alerts.reach import Addresses
from emergency.extensions import db
from emergency.incidents import opening, timeline
from emergency.incidents.messages import LINE
from emergency.incidents.models import HandOver, Incident
from emergency.incidents.vocabulary import LIVE_STATUSES, EventKind, Origin
from emergency.monitoring import metrics
from emergency.outbox import opt_outs
from emergency.outbox.models import Channel, OutboxMessage, Purpose
from emergency.rota import service as rota
from emergency.rota.calendar import TIERS

log = logging.getLogger(__name__)


class HandedOver:
    """What a hand-over came to: the incident, whether anyone was told by text, call or email,
    and for a caller on the phone, [name, number] of everyone to put them through to."""

    def __init__(self, incident: Incident, told: bool, put_through: list[list[str]]):
        self.incident, self.told, self.put_through = incident, told, put_through


def hand_to_a_person(caller: str | None, channel: Origin, reason, why: str, now, plan=None) -> HandedOver:
    """Record the call or text as needing a person (a repeat within 30 minutes joins it) and
    tell people, once per incident each."""
    incident, _ = opening.record_for_a_person(caller_number=caller, channel=channel, reason=reason, why=why,
                                              now=now, plan=plan)
    on_duty = rota.on_duty(now)
    body = f"{LINE}: {channel} from {caller or 'an unknown number'} with {why}. Please call them back now " \
           f"(incident {incident.id})."
    told = _tell(incident, channel, body, on_duty, now)
    people = people_to_put_through(on_duty) if channel == Origin.VOICE else []
    if told:
        timeline.note(incident, now, EventKind.PERSON_TOLD, body)
    elif not people:
        nobody_reached(incident, now, "nobody is on the rota, no coordinator has a mobile or an email address, and "
                                      "there is no fallback number")
    return HandedOver(incident, told, people)


def _tell(incident: Incident, channel: Origin, body: str, on_duty, now) -> bool:
    key = f"incident:{incident.id}:hand-over"
    first_tier = next((on_duty[tier] for tier in TIERS if on_duty.get(tier)), [])
    blocked = opt_outs.OptedOutAmong(officer.mobile for officer in first_tier)
    queued = []
    for officer in first_tier:
        queued += alerts.alert_person(key=f"{key}:{officer.mobile}", person=Addresses(mobile=officer.mobile),
                                      wanted=(Channel.SMS,), body=body, purpose=Purpose.HAND_OVER, now=now,
                                      urgent=True, incident_id=incident.id, sms_blocked=blocked)
        if db.session.get(HandOver, (incident.id, officer.id)) is None:
            db.session.add(HandOver(incident_id=incident.id, officer_id=officer.id, told_at=now))
    if first_tier:
        return bool(queued)
    # Nobody on the rota: the coordinators are the people left, and the fallback number.
    queued += alerts.alert_coordinators(key=key, subject=f"{LINE}: please call back {incident.caller_number or 'a caller'}"
                                        f" (incident {incident.id})", body=body, purpose=Purpose.HAND_OVER, now=now,
                                        urgent=True, incident_id=incident.id)
    fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
    if fallback and channel != Origin.VOICE:  # a caller on the phone is put through to it instead
        queued += alerts.alert_person(key=f"{key}:{fallback}", person=Addresses(mobile=fallback),
                                      wanted=(Channel.CALL,), body=body, purpose=Purpose.HAND_OVER, now=now,
                                      incident_id=incident.id, sms_blocked=blocked)
    return bool(queued)


def people_to_put_through(on_duty) -> list[list[str]]:
    """[name, number] of everyone on duty, tier by tier, then the fallback number."""
    people = [[officer.name, officer.mobile] for tier in TIERS for officer in on_duty.get(tier, [])]
    fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
    return people + ([["the fallback number", fallback]] if fallback else [])


def could_not_go(message: OutboxMessage, now) -> None:
    """A hand-over text or call that Twilio could not take, or refused: the coordinators are
    emailed it instead, once per incident. With no coordinator to email, nobody is reached."""
    if message.purpose != Purpose.HAND_OVER or message.channel == Channel.EMAIL or message.incident_id is None:
        return
    incident = db.session.get(Incident, message.incident_id)
    if incident is None or incident.status not in LIVE_STATUSES or incident.nobody_reached_at is not None:
        return  # closed meanwhile (a person has dealt with it), or already known to have reached nobody
    emailed = db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.incident_id == incident.id, OutboxMessage.purpose == Purpose.HAND_OVER,
        OutboxMessage.channel == Channel.EMAIL).limit(1))
    if emailed is not None:
        return
    queued = alerts.alert_coordinators(
        key=f"incident:{incident.id}:hand-over:by-email", subject=f"{LINE}: please call back "
        f"{incident.caller_number or 'a caller'} (incident {incident.id})", body=message.body,
        purpose=Purpose.HAND_OVER, now=now, by_text=False, incident_id=incident.id)
    if queued:
        timeline.note(incident, now, EventKind.PERSON_TOLD, f"by email, since the {message.channel} to "
                                                           f"{message.to_number} could not go: {message.body}")
    elif not _caller_was_put_through(incident):
        nobody_reached(incident, now, f"the {message.channel} to {message.to_number} could not go "
                                      f"({message.last_error}) and no coordinator has an email address")


def _caller_was_put_through(incident: Incident) -> bool:
    """A caller on the phone is put through to the officers on duty (those handed it) and the
    fallback number by Twilio itself, from the line's answer: they were rung whatever became
    of the texts."""
    if incident.channel != Origin.VOICE:
        return False
    handed = db.session.scalar(select(HandOver.officer_id).where(HandOver.incident_id == incident.id).limit(1))
    return handed is not None or bool(current_app.config["FALLBACK_PHONE_NUMBER"])


def nobody_reached(incident: Incident | None, now, why: str, what: str = "hand_over") -> None:
    """Critical: no person could be told. Logged and counted every time; marked once on the
    incident (if the database could record one), which keeps it on the console and /health."""
    metrics.NOBODY_REACHED.labels(what).inc()
    log.critical("nobody could be told of %s: %s", f"incident {incident.id}" if incident else "a caller", why)
    if incident is not None and incident.nobody_reached_at is None:
        incident.nobody_reached_at = now
        timeline.note(incident, now, EventKind.NOBODY_REACHED, why)
