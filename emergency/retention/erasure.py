"""Erasure of a plan on request (UK GDPR article 17): the carer's, the cared-for people's and
the contacts' personal data go, wherever they were written (the plan, its versions, its
incidents, consent requests, texts and emails, webhook replay records); an audit stub of ids
and the anonymised incidents stay. Only the STOP list keeps a number: the phone company would
text it again otherwise.

The plan row itself stays as a stub: the append-only audit log and the incidents point at
it, and its card number must never be issued again (a call with the old card then reaches a
person, as for any plan that is not active).
"""
import re
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from sqlalchemy import delete, func, or_, select, update

from emergency.applications import retention as front_door
from emergency.audit import service as audit
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.incidents.messages import readable_phone
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import LIVE_STATUSES
from emergency.outbox import letters as outbox_letters
from emergency.outbox.models import OutboxMessage, OutboxStatus
from emergency.plans.consent_models import ConsentRequest
from emergency.plans.models import ContingencyPlan, PlanVersion
from emergency.plans.vocabulary import PlanStatus
from emergency.retention.schedule import ERASED_TEXT
from emergency.retention.service import anonymise_incidents
from emergency.telephony.models import InboundRequest

# Texts and calls name people by first name: a replay answer naming one is erased too.
SHORTEST_NAME_TO_MATCH = 3


@dataclass(frozen=True)
class Erasure:
    plan_id: int
    erased_at: datetime
    incidents_anonymised: int
    versions_removed: int


def erase_plan(plan: ContingencyPlan, *, reason: str, confirm: str, by, now) -> Erasure:
    """Erase the plan's personal data, after the second confirmation (its card number)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleBroken("say why the plan is erased (for example the request's reference)", field="reason")
    if re.sub(r"[\s-]", "", confirm or "") != plan.card_number:
        raise RuleBroken("to confirm, give the plan's card number exactly", field="confirm")
    if plan.erased_at is not None:
        raise Conflict(f"the plan was already erased on {plan.erased_at:%Y-%m-%d}", field="plan_id")
    db.session.refresh(plan, with_for_update=True)  # no change to the plan meanwhile (PostgreSQL)
    _refuse_while_live(plan.id)

    personal = _what_names_the_plans_people(plan)
    _forget_replay_answers_naming(personal)
    _redact_consent_and_messages(plan, personal)
    outbox_letters.forget_letters_about(plan.id)  # a letter's PDF holds the plan
    incident_ids = list(db.session.scalars(
        select(Incident.id).where(Incident.plan_id == plan.id, Incident.status.not_in(LIVE_STATUSES))))
    anonymised = anonymise_incidents(incident_ids, now, keep_plan_link=True)
    versions = db.session.execute(delete(PlanVersion).where(PlanVersion.plan_id == plan.id)).rowcount
    # The application the plan was made from, and any review changes, hold the same answers.
    front_door.delete_applications_of_plan(plan.id)
    plan = db.session.get(ContingencyPlan, plan.id)  # fresh after the bulk changes
    _blank(plan, now)
    db.session.flush()
    # A call may have opened an incident while this ran: then nothing is erased (the caller
    # rolls back) rather than an emergency losing its plan.
    _refuse_while_live(plan.id)
    audit.record("plan.erased", user=by, now=now, plan_id=plan.id,
                 detail=f"on request: {_without(personal.names_and_numbers, reason)}; {anonymised} incident(s) "
                        f"anonymised, {versions} version(s) removed")
    return Erasure(plan.id, now, anonymised, versions)


def _refuse_while_live(plan_id: int) -> None:
    live = db.session.scalar(
        select(Incident).where(Incident.plan_id == plan_id, Incident.status.in_(LIVE_STATUSES)).order_by(Incident.id)
    )
    if live is not None:
        raise Conflict(
            f"the plan has a live incident ({live.id}, {live.status}); it cannot be erased until a "
            "coordinator closes that incident", field="plan_id",
        )


def _blank(plan: ContingencyPlan, now) -> None:
    plan.status = PlanStatus.ARCHIVED
    plan.erased_at = plan.updated_at = now
    plan.carer_name = ERASED_TEXT
    plan.carer_mobile = plan.carer_landline = None
    plan.carer_address_line1 = plan.carer_town = plan.carer_postcode = ""
    plan.carer_address_line2 = None
    plan.carer_preferred_language, plan.carer_other_language = "", None
    plan.how_to_get_in = plan.key_holders = plan.instructions = ""
    plan.escalation_wait_minutes = plan.escalation_rounds = plan.escalation_channels = None
    plan.cared_for = []
    plan.contacts = []
    plan.key_safe = None


@dataclass(frozen=True)
class Personal:
    names_and_numbers: set[str]  # whole names, addresses and numbers, as texts and emails write them
    words: set[str]  # also each part of a name: texts and calls name people by first name


def _what_names_the_plans_people(plan: ContingencyPlan) -> Personal:
    names = {plan.carer_name, *(person.name for person in plan.cared_for), *(c.name for c in plan.contacts)}
    numbers = {plan.carer_mobile, plan.carer_landline, *(c.mobile for c in plan.contacts),
               *(c.landline for c in plan.contacts)}
    numbers |= set(db.session.scalars(select(Incident.caller_number).where(Incident.plan_id == plan.id)))
    numbers.discard(None)
    # A number is stored as +44..., written in texts as 0113 496 0100 and read out digit by digit.
    written = {form for number in numbers for form in
               (number, readable_phone(number), " ".join(c for c in readable_phone(number) if c.isdigit()))}
    whole = {*names, *written, plan.card_number, plan.carer_address_line1, plan.carer_postcode}
    whole = {text for text in whole if text and len(text) >= SHORTEST_NAME_TO_MATCH}
    words = whole | {part for name in names for part in name.split() if len(part) >= SHORTEST_NAME_TO_MATCH}
    # TwiML, which the replay records hold, escapes &, < and > (O'Brien stays, "Ann & Bob" does not).
    return Personal(whole | {escape(text) for text in whole}, words | {escape(word) for word in words})


def _mentions(column, texts: set[str]):
    return or_(*(func.lower(column).contains(text.lower(), autoescape=True) for text in texts))


def _without(texts: set[str], reason: str) -> str:
    """The erasure's reason as typed, less anything naming the plan's people: the stub stays for good."""
    for text in sorted(texts, key=len, reverse=True):
        reason = re.sub(re.escape(text), ERASED_TEXT, reason, flags=re.IGNORECASE)
    return reason


def _forget_replay_answers_naming(personal: Personal) -> None:
    """Webhook replay records hold the answers given to calls and texts, which can name the
    carer or the cared-for people; they are tied to no plan, so they are found by what they say."""
    if personal.words:
        db.session.execute(delete(InboundRequest).where(_mentions(InboundRequest.answer, personal.words)))


def _redact_consent_and_messages(plan: ContingencyPlan, personal: Personal) -> None:
    """Consent requests go; texts and emails of the plan (consent asks, review reminders) and
    any other that names its people (the coordinators' review lists) keep only that they were
    sent. Incidents' own messages are anonymised with the incidents."""
    request_ids = list(db.session.scalars(select(ConsentRequest.id).where(ConsentRequest.plan_id == plan.id)))
    of_the_plan = or_(OutboxMessage.idempotency_key.in_([f"consent:{i}" for i in request_ids]),
                      OutboxMessage.idempotency_key.like(f"plan-review:{plan.id}:%"))
    quietly = {"synchronize_session": False}
    db.session.execute(
        update(OutboxMessage).where(of_the_plan, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, last_error="erased before it was sent", next_attempt_at=None)
        .execution_options(**quietly))
    db.session.execute(update(OutboxMessage).where(of_the_plan).values(body=ERASED_TEXT, to_number="")
                       .execution_options(**quietly))
    if personal.names_and_numbers:
        db.session.execute(update(OutboxMessage).where(_mentions(OutboxMessage.body, personal.names_and_numbers))
                           .values(body=ERASED_TEXT).execution_options(**quietly))
        db.session.execute(update(OutboxMessage).where(_mentions(OutboxMessage.subject, personal.names_and_numbers))
                           .values(subject=ERASED_TEXT).execution_options(**quietly))
    db.session.execute(delete(ConsentRequest).where(ConsentRequest.plan_id == plan.id))
