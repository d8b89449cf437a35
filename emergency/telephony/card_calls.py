"""A call to the line: the card number keyed or said opens (or joins) an incident, or the
caller is put through to a person. Callers commit."""
from flask import current_app
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents import hand_over, messages, opening, timeline
from emergency.incidents.messages import first_name
from emergency.incidents.models import Page
from emergency.incidents.vocabulary import EventKind, IncidentStatus, NeedsPersonReason, Origin
from emergency.plans.cards import CardNumberError, parse_card_number
from emergency.plans.models import ContingencyPlan
from emergency.plans.vocabulary import PlanStatus
from emergency.rota import service as rota
from emergency.telephony.caller_answers import answered
from emergency.telephony.putting_through import PutThroughPlan
from emergency.telephony.vocabulary import CallOutcome
from emergency.wording import phrase
from emergency.wording.languages import spoken


def card_by_keypad(caller: str, digits: str, retry_allowed: bool, now, language: str = "en"):
    """(OPENED, words) | (RETRY, None) | (CONNECT, PutThroughPlan), the words in the caller's language."""
    try:
        card = parse_card_number(digits)
    except CardNumberError as error:
        if retry_allowed:
            return CallOutcome.RETRY, None
        return CallOutcome.CONNECT, _connect(caller, NeedsPersonReason.UNREADABLE_CARD,
                                             f"a card number that could not be read ({error})", now,
                                             language=language)
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.card_number == card))
    if plan is None or plan.status != PlanStatus.ACTIVE:
        if plan is None and retry_allowed:
            return CallOutcome.RETRY, None
        if plan is None:
            return CallOutcome.CONNECT, _connect(caller, NeedsPersonReason.UNKNOWN_CARD, f"unknown card {card}", now,
                                                 language=language)
        return CallOutcome.CONNECT, _connect(caller, NeedsPersonReason.PLAN_NOT_ACTIVE,
                                             f"card {card}, whose plan is {plan.status}", now, plan,
                                             language=language)
    incident, joined = opening.open_incident(plan, caller_number=caller, channel=Origin.VOICE, now=now,
                                             caller_language=language)
    said_in = spoken(language)
    carer, cared_for, _ = messages.who_and_where(incident.plan_snapshot, said_in)
    if not joined:
        return CallOutcome.OPENED, answered(incident, now, phrase("voice.opened", said_in, carer=carer,
                                                                  cared_for=cared_for))
    timeline.note(incident, now, EventKind.CALLER_RANG_AGAIN, caller or "an unknown number")
    if incident.status == IncidentStatus.EXHAUSTED:
        # Nobody is being asked any more: the truth, then a person.
        words = phrase("voice.nobody_found", said_in, cared_for=cared_for)
        people = hand_over.people_to_put_through(rota.on_duty(now))
        return CallOutcome.CONNECT, PutThroughPlan(answered(incident, now, words), people, incident.id)
    if incident.status == IncidentStatus.ACCEPTED:
        accepter = db.session.get(Page, incident.accepted_page_id)
        who = first_name(accepter.name) if accepter else phrase("voice.someone", said_in)
        return CallOutcome.OPENED, answered(incident, now, phrase("voice.help_arranged", said_in, accepter=who,
                                                                  cared_for=cared_for))
    return CallOutcome.OPENED, answered(incident, now, phrase("voice.still_arranging", said_in,
                                                              cared_for=cared_for))


def _connect(caller: str, reason: NeedsPersonReason, why: str, now, plan=None, language: str = "en") -> PutThroughPlan:
    handed = hand_over.hand_to_a_person(caller, Origin.VOICE, reason, why, now, plan)
    return PutThroughPlan(phrase("voice.putting_through_duty_officer", spoken(language)), handed.put_through,
                          handed.incident.id, handed.told)


def connect_after_error(caller: str, now) -> PutThroughPlan:
    """The last resort when anything went wrong: ring whoever can be rung."""
    try:
        return _connect(caller, NeedsPersonReason.FAULT, "a fault in the line's software", now)
    except Exception:  # the database itself may be the fault: the fallback needs no database
        db.session.rollback()
        current_app.logger.exception("a call from %s could not be recorded; putting it through to the fallback", caller)
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        if not fallback:
            hand_over.nobody_reached(None, now, "the database could not record the call and there is no fallback "
                                                "number", what="call")
        return PutThroughPlan(phrase("voice.putting_through"), [["the fallback number", fallback]] if fallback else [],
                              None)
