"""Erasure of a plan on request (UK GDPR article 17): the carer's, the cared-for people's and
the contacts' personal data go; an audit stub and the anonymised incidents stay.

The plan row itself stays as a stub: the append-only audit log and the incidents point at
it, and its card number must never be issued again (a call with the old card then reaches a
person, as for any plan that is not active).
"""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select

from emergency.audit import service as audit
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import LIVE_STATUSES
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

    _forget_replay_answers_naming(plan)
    incident_ids = list(db.session.scalars(
        select(Incident.id).where(Incident.plan_id == plan.id, Incident.status.not_in(LIVE_STATUSES))))
    anonymised = anonymise_incidents(incident_ids, now, keep_plan_link=True)
    versions = db.session.execute(delete(PlanVersion).where(PlanVersion.plan_id == plan.id)).rowcount
    plan = db.session.get(ContingencyPlan, plan.id)  # fresh after the bulk changes
    _blank(plan, now)
    db.session.flush()
    # A call may have opened an incident while this ran: then nothing is erased (the caller
    # rolls back) rather than an emergency losing its plan.
    _refuse_while_live(plan.id)
    audit.record("plan.erased", user=by, now=now, plan_id=plan.id,
                 detail=f"on request: {reason}; {anonymised} incident(s) anonymised, {versions} version(s) removed")
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
    plan.carer_preferred_language = ""
    plan.how_to_get_in = plan.key_holders = plan.instructions = ""
    plan.escalation_wait_minutes = plan.escalation_rounds = plan.escalation_channels = None
    plan.cared_for = []
    plan.contacts = []
    plan.key_safe = None


def _forget_replay_answers_naming(plan: ContingencyPlan) -> None:
    """Webhook replay records hold the answers given to calls and texts, which can name the
    carer or the cared-for people; they are tied to no plan, so they are found by what they say."""
    names = [plan.carer_name, *(person.name for person in plan.cared_for), *(c.name for c in plan.contacts)]
    words = {part for name in names for part in [name, *name.split()] if len(part) >= SHORTEST_NAME_TO_MATCH}
    numbers = {plan.carer_mobile, plan.carer_landline, plan.card_number,
               *(c.mobile for c in plan.contacts), *(c.landline for c in plan.contacts)}
    numbers |= set(db.session.scalars(select(Incident.caller_number).where(Incident.plan_id == plan.id)))
    words |= {number for number in numbers if number}
    if words:
        db.session.execute(delete(InboundRequest).where(
            or_(*(func.lower(InboundRequest.answer).contains(word.lower(), autoescape=True) for word in words))
        ))
